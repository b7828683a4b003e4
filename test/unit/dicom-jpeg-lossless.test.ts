// Our JPEG Lossless decoder (src/pipeline/dicom/jpeg-lossless.ts) against the originals of the compressed
// fixtures and against the Cornerstone decoder it stands in for.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import dicomParser from 'dicom-parser';
import { Decoder } from '@cornerstonejs/jpeg-lossless-decoder-js';
import { describe, expect, it } from 'vitest';
import { parseDataset } from '../../src/pipeline/dicom/dataset';
import { decodeDicomFile } from '../../src/pipeline/dicom/index';
import { decodeJpegLosslessFast } from '../../src/pipeline/dicom/jpeg-lossless';
import { fixture } from './dicom-fixtures';

const LOSSLESS = 'test/fixtures/dicom-lossless';

function codestream(bytes: Uint8Array, frame = 0): { data: Uint8Array; bytesPerSample: number } {
  const dataSet = parseDataset(bytes);
  const pixelData = dataSet.elements.x7fe00010!;
  const frames = Number(dataSet.string('x00280008') ?? 1);
  const data =
    frames === 1
      ? dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, 0, pixelData.fragments!.length)
      : dicomParser.readEncapsulatedImageFrame(dataSet, pixelData, frame);
  return { data, bytesPerSample: dataSet.uint16('x00280100')! <= 8 ? 1 : 2 };
}

/** How many positions differ (toEqual is slow on millions of samples). */
function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let count = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) count++;
  return count;
}

function cornerstone(data: Uint8Array, bytesPerSample: number): ArrayLike<number> {
  const copy = data.slice();
  return new Decoder().decode(copy.buffer, 0, copy.length, bytesPerSample);
}

describe('decodeJpegLosslessFast', () => {
  it.each([
    ['hand12_jpeg_lossless_sv2', 'hand12_explicit_le', 0],
    ['hand12_jpeg_lossless_sv3', 'hand12_explicit_le', 0],
    ['hand12_jpeg_lossless_sv4_pt2', 'hand12_explicit_le', 2],
    ['hand12_jpeg_lossless_sv5', 'hand12_explicit_le', 0],
    ['hand12_jpeg_lossless_sv6', 'hand12_explicit_le', 0],
    ['hand12_jpeg_lossless_sv7', 'hand12_explicit_le', 0],
    ['hand_rgb_jpeg_lossless_sv7', 'hand_rgb_explicit_le', 0],
    ['hand16_signed_jpeg_lossless_sv6', 'hand16_signed_rescale_window', 0],
  ])('%s decodes to the pixels of %s (point transform %i)', async (name, original, pointTransform) => {
    const bytes = new Uint8Array(readFileSync(`${LOSSLESS}/${name}.dcm`));
    const { data, bytesPerSample } = codestream(bytes);
    expect(decodeJpegLosslessFast(data, bytesPerSample)).toBeDefined(); // not handed to the general decoder
    const decoded = await decodeDicomFile(bytes);
    const reference = await decodeDicomFile(fixture(original));
    const step = 2 ** pointTransform;
    const expected = pointTransform ? reference.raw.values[0]!.map((v) => Math.floor(v / step) * step) : reference.raw.values[0]!;
    expect(mismatches(decoded.raw.values[0]!, expected)).toBe(0);
  });

  it('gives the samples of the Cornerstone decoder on the SV1 fixtures, every frame', () => {
    for (const name of ['hand8_jpeg_lossless_sv1', 'hand12_jpeg_lossless_sv1', 'hand8_multiframe_jpeg_lossless']) {
      const bytes = fixture(name);
      const frames = name.includes('multiframe') ? 3 : 1;
      for (let frame = 0; frame < frames; frame++) {
        const { data, bytesPerSample } = codestream(bytes, frame);
        const ours = decodeJpegLosslessFast(data, bytesPerSample)!;
        expect(mismatches(ours.samples, cornerstone(data, bytesPerSample))).toBe(0);
      }
    }
  });

  const SHARED = '../shared/data/dicom';
  const shared = existsSync(SHARED) ? readdirSync(SHARED).filter((n) => /jpeg_lossless/.test(n)) : [];
  it.skipIf(shared.length === 0)('gives the samples of the Cornerstone decoder on the real files in ../shared', () => {
    for (const name of shared) {
      const { data, bytesPerSample } = codestream(new Uint8Array(readFileSync(`${SHARED}/${name}`)));
      const ours = decodeJpegLosslessFast(data, bytesPerSample);
      if (ours) expect(mismatches(ours.samples, cornerstone(data, bytesPerSample)), name).toBe(0);
    }
  });

  it('leaves other JPEG processes to the general decoders', () => {
    const { data } = codestream(fixture('hand8_jpeg_baseline'));
    expect(decodeJpegLosslessFast(data, 1)).toBeUndefined();
  });

  it('throws on a stream cut short, and the file still fails with a DICOM error', async () => {
    const { data, bytesPerSample } = codestream(fixture('hand12_jpeg_lossless_sv1'));
    expect(() => decodeJpegLosslessFast(data.subarray(0, data.length >> 1), bytesPerSample)).toThrow(/ends early|invalid Huffman/);
  });
});
