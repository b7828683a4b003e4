// Regressions found by the fuzzer (npm run fuzz): each was an unclear failure and is now a clear DicomError.
import { describe, expect, it } from 'vitest';
import { decodeDicomFile, DicomError } from '../../src/pipeline/dicom/index';
import { dicomLayout } from '../../scripts/fuzz/dicom-walk';
import { fixture } from './dicom-fixtures';

function u32le(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];
}

async function failure(bytes: Uint8Array): Promise<DicomError> {
  const thrown = await decodeDicomFile(bytes).then(() => undefined, (error: unknown) => error);
  expect(thrown).toBeInstanceOf(DicomError);
  return thrown as DicomError;
}

describe('fuzzer regressions', () => {
  it('thousands of nested sequences: a clear error, not "Maximum call stack size exceeded"', async () => {
    const bytes = fixture('hand8_explicit_le');
    const pixelData = dicomLayout(bytes)!.elements.find((h) => h.group === 0x7fe0 && h.element === 0x0010)!.offset;
    const level = [
      // (0008,1140) SQ, undefined length, then an item of undefined length
      0x08, 0x00, 0x40, 0x11, 0x53, 0x51, 0, 0, ...u32le(0xffffffff),
      0xfe, 0xff, 0x00, 0xe0, ...u32le(0xffffffff),
    ];
    const nested = new Uint8Array(20_000 * level.length);
    for (let i = 0; i < 20_000; i++) nested.set(level, i * level.length);
    const mutant = new Uint8Array(bytes.length + nested.length);
    mutant.set(bytes.subarray(0, pixelData));
    mutant.set(nested, pixelData);
    mutant.set(bytes.subarray(pixelData), pixelData + nested.length);
    expect((await failure(mutant)).message).toBe(
      'not a readable DICOM dataset: its sequences are nested too deeply (corrupt or hostile file)',
    );
  });

  it('an implicit VR element whose length runs past the end of the file: a clear error, not a thrown string', async () => {
    const bytes = fixture('hand8_implicit_le');
    const sopClass = dicomLayout(bytes)!.elements.find((h) => h.group === 0x0008 && h.element === 0x0016 && h.depth === 0)!;
    const mutant = bytes.slice();
    mutant.set(u32le(0x7fffffff), sopClass.lengthOffset);
    expect((await failure(mutant)).message).toBe('truncated DICOM file: element (0008,0016) runs past the end of the file');
  });
});
