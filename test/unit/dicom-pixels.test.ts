import { describe, expect, it } from 'vitest';
import { grayscaleFrame, grayscaleTo8Bit, JUST_BELOW_HALF, modalityValues } from '../../src/pipeline/dicom/pixels';
import { nativeSamples } from '../../src/pipeline/dicom/frames';
import { parseDataset, parseDatasetAsync } from '../../src/pipeline/dicom/dataset';
import { fixture } from './dicom-fixtures';

describe('rounding in the 8-bit mapping', () => {
  it('Math.floor(t + JUST_BELOW_HALF) is Math.round(t) for t >= 0, at the halves and one step either side', () => {
    const halves = Array.from({ length: 256 }, (_, n) => n + 0.5);
    const around = halves.flatMap((t) => [t, t - t * Number.EPSILON, t + t * Number.EPSILON]);
    const cases = [0, 0.49999999999999994, 0.5, 1e-300, 255, ...around];
    for (const t of cases) expect(Math.floor(t + JUST_BELOW_HALF)).toBe(Math.round(t));
  });
});

describe('modalityValues', () => {
  const twelveBits = { bitsStored: 12, signed: false, slope: 1, intercept: 0 };

  it('keeps the low bitsStored bits, whatever sits above them', () => {
    const { values } = modalityValues(Uint16Array.from([0xf000 | 5, 0x0fff, 0x1000]), 3, twelveBits);
    expect(Array.from(values)).toEqual([5, 4095, 0]);
  });

  it('sign-extends signed samples from bit bitsStored - 1, then rescales', () => {
    const format = { bitsStored: 12, signed: true, slope: 0.5, intercept: 100 };
    const { values, min, max } = modalityValues(Uint16Array.from([0x0fff, 0x0800, 0x07ff, 0]), 4, format);
    expect(Array.from(values)).toEqual([-1 * 0.5 + 100, -2048 * 0.5 + 100, 2047 * 0.5 + 100, 100]);
    expect([min, max]).toEqual([-2048 * 0.5 + 100, 2047 * 0.5 + 100]);
  });

  it('reads Int16 samples (signed codecs) as their two’s complement bits', () => {
    const { values } = modalityValues(Int16Array.from([-5, 7]), 2, { ...twelveBits, bitsStored: 16, signed: true });
    expect(Array.from(values)).toEqual([-5, 7]);
  });

  it('gives the range of the rescaled values, swapped by a negative slope', () => {
    const { min, max } = modalityValues(Uint8Array.from([10, 20, 30]), 3, { ...twelveBits, slope: -2, intercept: 1 });
    expect([min, max]).toEqual([-59, -19]);
  });
});

describe('grayscaleFrame (lookup tables, one pass)', () => {
  /** deterministic samples: every bit pattern of 16 bits can occur, not only the stored ones */
  function randomSamples(count: number, seed: number): Uint16Array {
    const samples = new Uint16Array(count);
    let state = seed;
    for (let i = 0; i < count; i++) {
      state = (state * 1103515245 + 12345) >>> 0;
      samples[i] = state >>> 16;
    }
    return samples;
  }

  const formats = [
    { bitsStored: 12, signed: false, slope: 1, intercept: 0 },
    { bitsStored: 12, signed: true, slope: 0.5, intercept: 100 },
    { bitsStored: 16, signed: true, slope: 1, intercept: -1024 },
    { bitsStored: 16, signed: false, slope: -2.5, intercept: 3 },
    { bitsStored: 8, signed: false, slope: 1, intercept: 0 },
    { bitsStored: 1, signed: false, slope: 1, intercept: 0 },
    { bitsStored: 10, signed: true, slope: 1e-3, intercept: 0.1 },
  ];
  const windows = [undefined, { center: 40, width: 400 }, { center: 2048, width: 4096 }, { center: 0.5, width: 0.2 }];

  it('gives the values, range and 8-bit image of modalityValues + grayscaleTo8Bit, bit for bit', () => {
    for (const [f, format] of formats.entries()) {
      for (const window of windows) {
        for (const invert of [false, true]) {
          const samples = randomSamples(2000, 7 + f);
          const separate = modalityValues(samples, samples.length, format);
          const expected = grayscaleTo8Bit(separate, window, invert);
          const fused = grayscaleFrame(samples, samples.length, format, window, invert);
          expect(fused.values).toEqual(separate.values);
          expect([fused.min, fused.max]).toEqual([separate.min, separate.max]);
          expect(fused.data).toEqual(expected);
        }
      }
    }
  });

  it('reads Int16 samples and a single-valued frame as modalityValues does', () => {
    for (const samples of [Int16Array.from([-5, 7, -32768, 32767]), Uint16Array.from([9, 9, 9])]) {
      const format = { bitsStored: 16, signed: samples instanceof Int16Array, slope: 1, intercept: 0 };
      const separate = modalityValues(samples, samples.length, format);
      const fused = grayscaleFrame(samples, samples.length, format, undefined, false);
      expect(fused.values).toEqual(separate.values);
      expect([fused.min, fused.max]).toEqual([separate.min, separate.max]);
      expect(fused.data).toEqual(grayscaleTo8Bit(separate, undefined, false));
    }
  });
});

describe('nativeSamples', () => {
  it('reads 16-bit samples in either byte order, from an odd offset too', () => {
    const file = Uint8Array.from([0xaa, 0x34, 0x12, 0x02, 0x01]);
    expect(Array.from(nativeSamples(file.subarray(1), 2, true))).toEqual([0x1234, 0x0102]);
    expect(Array.from(nativeSamples(file.subarray(1), 2, false))).toEqual([0x3412, 0x0201]);
  });
});

describe('parseDatasetAsync (deflate by the platform)', () => {
  it('gives the same elements and bytes as the synchronous fflate path', async () => {
    const bytes = fixture('hand8_deflated');
    const sync = parseDataset(bytes);
    const fast = await parseDatasetAsync(bytes);
    expect(Object.keys(fast.elements)).toEqual(Object.keys(sync.elements));
    expect(fast.byteArray).toEqual(sync.byteArray);
  });
});
