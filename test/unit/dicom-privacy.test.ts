// Patient fields stay in memory: decoding (codecs included, loaded fresh in this file) writes nothing to the
// console, and no error message carries the patient's name.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeDicomFile } from '../../src/pipeline/dicom/index';
import { FIXTURE_PATIENT_NAME, FIXTURES, fixture, withoutPixelData } from './dicom-fixtures';

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
const written: string[] = [];

beforeAll(() => {
  // before the first decode, so the WASM codecs bind their output to these spies
  for (const method of CONSOLE_METHODS) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(' ')));
  }
});
afterAll(() => vi.restoreAllMocks());

describe('the patient name never leaves the decoded object', () => {
  it('is read into meta, and nothing at all is logged while every fixture decodes', async () => {
    const names = readdirSync(FIXTURES).filter((file) => file.endsWith('.dcm')).map((file) => file.slice(0, -4));
    expect(names.length).toBeGreaterThan(20);
    const messages: string[] = [];
    for (const name of names) {
      try {
        const image = await decodeDicomFile(fixture(name));
        expect(image.meta.patientName).toBe(FIXTURE_PATIENT_NAME);
      } catch (error) {
        messages.push((error as Error).message);
      }
    }
    expect(messages).toHaveLength(2); // the SR and the PDF, which have no pixels
    expect(written).toEqual([]);
    for (const message of messages) expect(message).not.toContain('Fixture');
  });

  it('is not in the message of a broken file either', async () => {
    const broken = [withoutPixelData(fixture('hand8_explicit_le')), fixture('hand8_rle').slice(0, 2000)];
    for (const bytes of broken) {
      await expect(decodeDicomFile(bytes)).rejects.toThrow(/^(?![\s\S]*Fixture)/);
    }
    expect(written).toEqual([]);
  });
});
