import { describe, expect, it } from 'vitest';
import { applyWindow, decodeDicomFile, DicomError, isDicom, MAX_TOTAL_PIXELS } from '../../src/pipeline/dicom/index';
import {
  fixture,
  maxAbsoluteDifference,
  meanAbsoluteDifference,
  referencePixels8,
  withoutPart10Header,
  withoutPixelData,
  withText,
  withUint16,
} from './dicom-fixtures';

const reference = referencePixels8();
/** The derivations of scripts/dicom-fixture-pixels.mjs. */
const derived = {
  twelveBit: (v: number) => v * 16 + (v >> 4),
  signedModality: (v: number) => (v * 8 - 1000) * 0.5 + 100, // stored, then rescale slope 0.5, intercept 100
  negative: (v: number) => 255 - v,
  half: (v: number) => v >> 1,
  luma: (v: number) => 0.299 * v + 0.587 * (255 - v) + 0.114 * (v >> 1),
};
const expected = (f: (v: number) => number) => Float32Array.from(reference, f);

async function rawValues(name: string): Promise<Float32Array> {
  return (await decodeDicomFile(fixture(name))).raw.values[0];
}

async function decodeError(bytes: Uint8Array): Promise<DicomError> {
  const error = await decodeDicomFile(bytes).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DicomError);
  return error as DicomError;
}

describe('the uncompressed reference', () => {
  it('decodes to its stored pixels, with the header read into meta', async () => {
    const image = await decodeDicomFile(fixture('hand8_explicit_le'));
    expect(image.meta).toMatchObject({
      rows: 192,
      columns: 153,
      frames: 1,
      bitsStored: 8,
      photometric: 'MONOCHROME2',
      transferSyntax: '1.2.840.10008.1.2.1',
      modality: 'CR',
      bodyPartExamined: 'HAND',
      viewPosition: 'PA',
      laterality: 'L',
      patientId: 'FIXTURE-0001',
    });
    expect(image.meta.studyInstanceUid).toMatch(/^[\d.]+$/);
    expect(Array.from(image.raw.values[0])).toEqual(Array.from(reference));
    expect(image.frames[0].width).toBe(153);
    expect(image.frames[0].height).toBe(192);
  });

  it('maps min..max of the frame to 0..255 when the file has no window', async () => {
    const image = await decodeDicomFile(fixture('hand8_explicit_le'));
    const { min, max } = image.raw;
    const data = image.frames[0].data;
    reference.forEach((v, i) => expect(data[i]).toBe(Math.round(((v - min) / (max - min)) * 255)));
    expect(Math.min(...data)).toBe(0);
    expect(Math.max(...data)).toBe(255);
  });
});

describe('every transfer syntax gives the pixels of the uncompressed original', () => {
  const lossless8 = [
    'hand8_implicit_le',
    'hand8_explicit_big_endian',
    'hand8_deflated',
    'hand8_rle',
    'hand8_jpeg_lossless_sv1',
    'hand8_jpegls_lossless',
    'hand8_j2k_lossless',
  ];
  it.each(lossless8)('%s (8-bit) exactly', async (name) => {
    expect(Array.from(await rawValues(name))).toEqual(Array.from(reference));
  });

  const lossless12 = [
    'hand12_explicit_le',
    'hand12_explicit_big_endian',
    'hand12_rle',
    'hand12_jpeg_lossless_sv1',
    'hand12_jpegls_lossless',
    'hand12_j2k_lossless',
  ];
  it.each(lossless12)('%s (12 bits stored) exactly', async (name) => {
    expect(Array.from(await rawValues(name))).toEqual(Array.from(expected(derived.twelveBit)));
  });

  it('JPEG-LS near-lossless within its NEAR bound of 2', async () => {
    expect(maxAbsoluteDifference(await rawValues('hand8_jpegls_near_lossless'), reference)).toBeLessThanOrEqual(2);
  });

  // Lossy: within the loss of compression of the original, and what the tools' own decoders read.
  it.each([
    ['hand8_jpeg_baseline', 'hand8_explicit_le', 0, 'hand8_jpeg_baseline_by_dcmdjpeg'],
    ['hand8_j2k_lossy', 'hand8_explicit_le', 0, 'hand8_j2k_lossy_by_gdcmconv'],
    ['hand12_jpeg_extended', 'hand12_explicit_le', 1, 'hand12_jpeg_extended_by_dcmdjpeg'], // IDCT rounding
  ])('%s: mean loss under 2 percent of the range of %s, at most %i levels from %s', async (name, original, bound, byTool) => {
    const values = await rawValues(name);
    const { meta } = await decodeDicomFile(fixture(name));
    const loss = meanAbsoluteDifference(values, await rawValues(original));
    expect(loss).toBeGreaterThan(0);
    expect(loss).toBeLessThan(0.02 * 2 ** meta.bitsStored);
    expect(maxAbsoluteDifference(values, await rawValues(byTool))).toBeLessThanOrEqual(bound);
  });
});

describe('grayscale display rule', () => {
  it('inverts MONOCHROME1 after windowing', async () => {
    const plain = await decodeDicomFile(fixture('hand8_explicit_le'));
    const inverted = await decodeDicomFile(fixture('hand8_monochrome1'));
    expect(inverted.meta.photometric).toBe('MONOCHROME1');
    expect(Array.from(inverted.raw.values[0])).toEqual(Array.from(plain.raw.values[0]));
    expect(Array.from(inverted.frames[0].data)).toEqual(Array.from(plain.frames[0].data, (v) => 255 - v));
  });

  it('sign-extends signed pixels and applies the rescale slope and intercept', async () => {
    for (const name of ['hand16_signed_rescale_window', 'hand16_signed_jpegls_lossless']) {
      expect(Array.from(await rawValues(name))).toEqual(Array.from(expected(derived.signedModality)));
    }
  });

  it('uses the first of several window center/width pairs', async () => {
    const image = await decodeDicomFile(fixture('hand16_signed_rescale_window'));
    expect(image.meta.windowCenter).toBe(400);
    expect(image.meta.windowWidth).toBe(600);
    expect(Array.from(image.frames[0].data)).toEqual(Array.from(applyWindow(image.raw.values[0], 400, 600, false)));
  });
});

describe('applyWindow (DICOM PS3.3 C.11.2.1.2, linear)', () => {
  const values = Float32Array.from([99, 100, 101, 400, 699, 700, 701]);
  it('is black at and below c - 0.5 - (w-1)/2, white above c - 0.5 + (w-1)/2, linear between', () => {
    // c = 400, w = 600: the ramp runs from 100 to 699
    const out = applyWindow(values, 400, 600, false);
    expect(Array.from(out)).toEqual([0, 0, 0, 128, 255, 255, 255]);
    expect(out[2]).toBe(Math.round(((101 - 399.5) / 599 + 0.5) * 255));
  });

  it('inverts for MONOCHROME1', () => {
    expect(Array.from(applyWindow(values, 400, 600, true))).toEqual([255, 255, 255, 127, 0, 0, 0]);
  });

  it('treats a width of 1 as a threshold at the center', () => {
    expect(Array.from(applyWindow(Float32Array.from([9, 9.5, 10]), 10, 1, false))).toEqual([0, 0, 255]);
  });
});

describe('multi-frame', () => {
  it.each(['hand8_multiframe_explicit_le', 'hand8_multiframe_rle', 'hand8_multiframe_jpeg_lossless'])(
    '%s decodes each frame as its own view',
    async (name) => {
      const image = await decodeDicomFile(fixture(name));
      expect(image.meta.frames).toBe(3);
      expect(image.frames).toHaveLength(3);
      expect(Array.from(image.raw.values[0])).toEqual(Array.from(reference));
      expect(Array.from(image.raw.values[1])).toEqual(Array.from(expected(derived.negative)));
      expect(Array.from(image.raw.values[2])).toEqual(Array.from(expected(derived.half)));
      // each frame is windowed on its own min..max
      for (const frame of image.frames) {
        expect(Math.min(...frame.data)).toBe(0);
        expect(Math.max(...frame.data)).toBe(255);
      }
    },
  );
});

describe('colour', () => {
  it.each(['hand_rgb_explicit_le', 'hand_rgb_planar'])('%s becomes BT.601 luma, unwindowed', async (name) => {
    const image = await decodeDicomFile(fixture(name));
    const luma = expected(derived.luma);
    expect(maxAbsoluteDifference(image.raw.values[0], luma)).toBeLessThan(1e-3);
    expect(Array.from(image.frames[0].data)).toEqual(Array.from(luma, Math.round));
  });

  it('JPEG baseline YBR_FULL_422 becomes the same luma within the loss of JPEG', async () => {
    const image = await decodeDicomFile(fixture('hand_rgb_jpeg_baseline_ybr'));
    expect(image.meta.photometric).toBe('YBR_FULL_422');
    expect(meanAbsoluteDifference(image.frames[0].data, expected(derived.luma))).toBeLessThan(2);
  });
});

describe('files without the Part 10 header', () => {
  it.each(['hand8_explicit_le', 'hand8_implicit_le'])('%s dataset alone is recognised and decoded', async (name) => {
    const bare = withoutPart10Header(fixture(name));
    expect(isDicom(bare)).toBe(true);
    expect(Array.from((await decodeDicomFile(bare)).raw.values[0])).toEqual(Array.from(reference));
  });

  it('isDicom accepts DICM files and refuses other bytes', () => {
    expect(isDicom(fixture('hand8_jpeg_baseline'))).toBe(true);
    expect(isDicom(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toBe(false);
    expect(isDicom(new TextEncoder().encode('hello, this is plainly text and not a dataset'))).toBe(false);
    expect(isDicom(new Uint8Array(0))).toBe(false);
  });
});

describe('bad files fail with a DicomError that says what is wrong', () => {
  it('a truncated uncompressed file', async () => {
    const bytes = fixture('hand8_explicit_le');
    expect((await decodeError(bytes.slice(0, bytes.length / 2))).message).toMatch(/^truncated/);
  });

  it('a truncated compressed file', async () => {
    const bytes = fixture('hand8_jpeg_baseline');
    expect((await decodeError(bytes.slice(0, bytes.length - 1000))).message).toMatch(/^truncated/);
  });

  it('a file cut inside its header', async () => {
    expect((await decodeError(fixture('hand8_explicit_le').slice(0, 600))).message).toMatch(/^truncated/);
  });

  it('an unsupported transfer syntax, named', async () => {
    const bytes = withText(fixture('hand8_jpeg_baseline'), '1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.92');
    expect((await decodeError(bytes)).message).toBe(
      'unsupported transfer syntax: JPEG 2000 Part 2 Multi-component (Lossless Only) (1.2.840.10008.1.2.4.92)',
    );
  });

  it('an unknown transfer syntax, with its UID', async () => {
    const bytes = withText(fixture('hand8_jpeg_baseline'), '1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.99');
    expect((await decodeError(bytes)).message).toMatch(/unknown transfer syntax 1\.2\.840\.10008\.1\.2\.4\.99/);
  });

  it('a deflated dataset whose stream is corrupt, or cut short', async () => {
    const bytes = fixture('hand8_deflated');
    const corrupt = bytes.slice();
    corrupt.fill(0xff, 400, 420);
    expect((await decodeError(corrupt)).message).toMatch(/^the deflated dataset is corrupt and cannot be inflated/);
    expect((await decodeError(bytes.slice(0, bytes.length / 2))).message).toBe(
      'truncated DICOM file: the deflated dataset ends early',
    );
  });

  it('an image without pixel data', async () => {
    expect((await decodeError(withoutPixelData(fixture('hand8_explicit_le')))).message).toMatch(/^no pixel data/);
  });

  it('a Structured Report', async () => {
    expect((await decodeError(fixture('report_basic_text_sr'))).message).toBe(
      'not an image: this DICOM file is a Structured Report (SR), which has no pixels to analyse',
    );
  });

  it('an encapsulated PDF', async () => {
    expect((await decodeError(fixture('report_encapsulated_pdf'))).message).toMatch(/is an encapsulated PDF document/);
  });

  it('absurd dimensions, before decoding anything', async () => {
    const huge = withUint16(withUint16(fixture('hand8_explicit_le'), 0x0028, 0x0010, 65535), 0x0028, 0x0011, 65535);
    expect((await decodeError(huge)).message).toBe(
      `image too large: 65535x65535 is 4295 megapixels; the limit is ${Math.round(MAX_TOTAL_PIXELS / 1e6)} megapixels`,
    );
  });

  it('a zero-sized image', async () => {
    expect((await decodeError(withUint16(fixture('hand8_explicit_le'), 0x0028, 0x0010, 0))).message).toMatch(
      /invalid image size 153x0/,
    );
  });

  it('more bits stored than allocated', async () => {
    expect((await decodeError(withUint16(fixture('hand8_explicit_le'), 0x0028, 0x0101, 12))).message).toMatch(
      /unsupported pixel format: 12 bits stored in 8 allocated/,
    );
  });

  it('a compressed frame whose size disagrees with the header', async () => {
    const bytes = withUint16(fixture('hand8_jpegls_lossless'), 0x0028, 0x0011, 150);
    expect((await decodeError(bytes)).message).toMatch(/compressed frame is 153x192 but the header says 150x192/);
  });

  it('bytes that are not DICOM at all', async () => {
    expect((await decodeError(new TextEncoder().encode('not a dicom file'))).message).toMatch(/^not a DICOM file/);
  });
});
