// JPEG 2000 decoded at a lower resolution level (DecodeOptions.minSide): what the model needs, for a fraction of
// the decode time. The reduced image must match a downscale of the full decode within a tolerance, the model's
// letterboxed input must stay close, and every other path must be untouched.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jpeg2000Levels, jpeg2000Size, reducedSize } from '../../src/pipeline/dicom/codecs';
import { decodeDicomFile } from '../../src/pipeline/dicom/index';
import { letterboxArea, resizeArea } from '../../src/pipeline/preprocess';
import type { GrayImage } from '../../src/pipeline/types';
import { fixture } from './dicom-fixtures';

function meanAbsolute(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** Mean absolute difference (0..255) of `reduced` from an area downscale of `full`, and of their model inputs. */
function differences(full: GrayImage, reduced: GrayImage, modelSize: number): { image: number; modelInput: number } {
  const downscaled = resizeArea(full, reduced.width, reduced.height);
  return {
    image: meanAbsolute(downscaled, reduced.data),
    modelInput: meanAbsolute(letterboxArea(full, modelSize, 0).pixels, letterboxArea(reduced, modelSize, 0).pixels),
  };
}

/** Bytes of the first (only) fragment of a single-frame encapsulated file: the codestream. */
function codestream(bytes: Uint8Array): Uint8Array {
  const soc = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0x4f && bytes[i + 2] === 0xff && bytes[i + 3] === 0x51);
  return bytes.subarray(soc);
}

describe('JPEG 2000 codestream header', () => {
  it('reads the size and the number of resolution levels of the fixtures', () => {
    for (const name of ['hand8_j2k_lossless', 'hand8_j2k_lossy', 'hand12_j2k_lossless']) {
      const data = codestream(fixture(name));
      expect(jpeg2000Size(data)).toEqual({ width: 153, height: 192, x0: 0, y0: 0 });
      expect(jpeg2000Levels(data)).toBe(5); // gdcmconv's default
    }
  });

  it('gives the reduced size as ceilings of the scaled image corners', () => {
    expect(reducedSize({ width: 153, height: 192, x0: 0, y0: 0 }, 1)).toEqual({ width: 77, height: 96 });
    expect(reducedSize({ width: 2048, height: 2500, x0: 0, y0: 0 }, 2)).toEqual({ width: 512, height: 625 });
    expect(reducedSize({ width: 10, height: 10, x0: 3, y0: 0 }, 1)).toEqual({ width: 5, height: 5 }); // ceil(13/2) - ceil(3/2)
  });

  it('reads no levels from what is not a codestream', () => {
    expect(jpeg2000Levels(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBeUndefined();
    expect(jpeg2000Levels(codestream(fixture('hand8_j2k_lossless')).subarray(0, 50))).toBeUndefined(); // cut inside COD
  });
});

describe('decodeDicomFile with minSide', () => {
  it('decodes JPEG 2000 one level smaller when the shorter side stays >= minSide, close to a downscale', async () => {
    for (const name of ['hand8_j2k_lossless', 'hand8_j2k_lossy', 'hand12_j2k_lossless']) {
      const full = await decodeDicomFile(fixture(name));
      const reduced = await decodeDicomFile(fixture(name), { minSide: 64 });
      expect(full.reduction).toBe(1);
      expect(reduced.reduction).toBe(2);
      expect(reduced.frames[0]).toMatchObject({ width: 77, height: 96 });
      expect(reduced.raw.values[0]).toHaveLength(77 * 96);
      expect(reduced.meta).toMatchObject({ rows: 192, columns: 153 }); // the stored size
      // a small image with sharp edges: the wavelet's low band is not a box filter, so allow a few levels
      const { image, modelInput } = differences(full.frames[0]!, reduced.frames[0]!, 32);
      expect(image).toBeLessThan(6);
      expect(modelInput).toBeLessThan(4);
    }
  });

  it('keeps the full decode, bit for bit, when a smaller level would go below minSide', async () => {
    const full = await decodeDicomFile(fixture('hand12_j2k_lossless'));
    const kept = await decodeDicomFile(fixture('hand12_j2k_lossless'), { minSide: 80 });
    expect(kept.reduction).toBe(1);
    expect(kept.frames[0]!.data).toEqual(full.frames[0]!.data);
    expect(kept.raw.values[0]).toEqual(full.raw.values[0]);
  });

  it('leaves other transfer syntaxes at full size', async () => {
    for (const name of ['hand12_jpegls_lossless', 'hand12_rle', 'hand8_explicit_le']) {
      const image = await decodeDicomFile(fixture(name), { minSide: 16 });
      expect(image.reduction).toBe(1);
      expect(image.frames[0]).toMatchObject({ width: 153, height: 192 });
    }
  });

  it('scales the pixel spacing to the decoded pixels', async () => {
    const bytes = fixture('hand8_j2k_lossless');
    const full = await decodeDicomFile(bytes);
    const reduced = await decodeDicomFile(bytes, { minSide: 38 });
    expect(reduced.reduction).toBe(4); // 39 x 48
    if (full.meta.pixelSpacing) {
      expect(reduced.meta.pixelSpacing).toEqual(full.meta.pixelSpacing.map((s) => s * 4));
    } else {
      expect(reduced.meta.pixelSpacing).toBeUndefined();
    }
  });

  const SHARED = '../shared/data/dicom';
  it.skipIf(!existsSync(`${SHARED}/CR_tibia_RG3_j2k_lossless.dcm`))(
    'on real radiographs, at twice the model size, the model input is within one grey level on average',
    async () => {
      const manifest = JSON.parse(readFileSync('public/models/manifest.json', 'utf8')) as { input: { size: number } };
      const size = manifest.input.size;
      for (const name of ['CR_tibia_RG3_j2k_lossless', 'CR_chest_RG1_j2k_lossy']) {
        const bytes = new Uint8Array(readFileSync(`${SHARED}/${name}.dcm`));
        const full = await decodeDicomFile(bytes);
        const reduced = await decodeDicomFile(bytes, { minSide: 2 * size });
        expect(reduced.reduction).toBeGreaterThan(1);
        const frame = reduced.frames[0]!;
        expect(Math.min(frame.width, frame.height)).toBeGreaterThanOrEqual(2 * size);
        const { image, modelInput } = differences(full.frames[0]!, frame, size);
        expect(image).toBeLessThan(2);
        expect(modelInput).toBeLessThan(1.5);
      }
    },
  );
});
