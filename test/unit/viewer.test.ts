// The DICOM viewer's pure parts: live window/level through a lookup table, presets, the scale bar.
import { describe, expect, it } from 'vitest';
import { applyWindow } from '../../src/pipeline/dicom/pixels';
import { bodyPartAgreement, defaultStudyKey, headerFields } from '../../src/app/dicom-header';
import { scaleBar } from '../../src/ui/scale-bar';
import { binValues, percentile, renderWindow, windowBetween, windowPresets } from '../../src/ui/windowing';

const ramp = (count: number, min: number, max: number) => {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = min + ((max - min) * i) / (count - 1);
  return { values, width: count, height: 1, min, max };
};
const grayOf = (pixels: Uint32Array) => Array.from(pixels, (word) => word & 0xff);

describe('live window/level', () => {
  it('renders the same gray levels as the DICOM window applied to the values directly', () => {
    const image = ramp(4096, -1000, 3095); // 12-bit range after a rescale intercept
    const binned = binValues(image);
    for (const [center, width, invert] of [[1000, 400, false], [0, 4000, true], [2000, 1, false]] as const) {
      const out = new Uint32Array(image.values.length);
      renderWindow(binned, { center, width }, invert, out);
      expect(grayOf(out)).toEqual(Array.from(applyWindow(image.values, center, width, invert)));
    }
  });

  it('writes opaque gray pixels', () => {
    const out = new Uint32Array(3);
    renderWindow(binValues(ramp(3, 0, 2)), { center: 1.5, width: 3 }, false, out);
    for (const word of out) {
      const bytes = new Uint8Array(new Uint32Array([word]).buffer);
      expect(bytes[3]).toBe(255);
      expect(bytes[0]).toBe(bytes[1]);
      expect(bytes[1]).toBe(bytes[2]);
    }
  });

  it('windowBetween is the window whose ramp spans low..high: low black, high white', () => {
    const window = windowBetween(100, 300);
    const levels = applyWindow(new Float32Array([100, 200, 300]), window.center, window.width, false);
    expect(levels[0]).toBe(0);
    expect(levels[2]).toBe(255);
    expect(levels[1]).toBeGreaterThan(100);
    expect(levels[1]).toBeLessThan(155);
  });

  it('percentiles come from the histogram', () => {
    const binned = binValues(ramp(1001, 0, 1000));
    expect(percentile(binned, 0.5)).toBeCloseTo(500, 0);
    expect(percentile(binned, 1)).toBeCloseTo(1000, 0);
  });
});

describe('window presets', () => {
  const binned = binValues(ramp(1001, 0, 1000));

  it("default is the file's first window, else the full range", () => {
    const withWindow = windowPresets({ photometric: 'MONOCHROME2', windowCenter: 400, windowWidth: 600 }, binned);
    expect(withWindow.map((p) => p.name)).toEqual(['Default (file)', 'Bone', 'Soft tissue', 'Full range']);
    expect(withWindow[0]!.window).toEqual({ center: 400, width: 600 });
    const without = windowPresets({ photometric: 'MONOCHROME2' }, binned);
    expect(without[0]!.window).toEqual(without[3]!.window);
    expect(without[3]!.window).toEqual(windowBetween(0, 1000));
  });

  it('bone covers the bright values and soft tissue the dark ones; MONOCHROME1 swaps which end is bright', () => {
    const [, bone, soft] = windowPresets({ photometric: 'MONOCHROME2' }, binned);
    expect(bone!.window.center).toBeGreaterThan(soft!.window.center);
    const [, bone1, soft1] = windowPresets({ photometric: 'MONOCHROME1' }, binned);
    expect(bone1!.window.center).toBeLessThan(soft1!.window.center);
  });

  it('CT uses the Hounsfield windows', () => {
    const [, bone, soft] = windowPresets({ modality: 'CT', photometric: 'MONOCHROME2' }, binned);
    expect(bone!.window).toEqual({ center: 400, width: 1800 });
    expect(soft!.window).toEqual({ center: 40, width: 400 });
  });
});

describe('scale bar', () => {
  it('picks the longest 1-2-5 length that fits', () => {
    expect(scaleBar(0.5, 100)).toEqual({ millimetres: 50, pixels: 100, label: '5 cm' });
    expect(scaleBar(0.5, 90)).toEqual({ millimetres: 20, pixels: 40, label: '2 cm' });
    expect(scaleBar(0.01, 150)).toEqual({ millimetres: 1, pixels: 100, label: '1 mm' });
    expect(scaleBar(0.001, 150)?.label).toBe('0.1 mm');
  });

  it('has no bar without a pixel spacing', () => {
    expect(scaleBar(0, 100)).toBeNull();
    expect(scaleBar(Number.NaN, 100)).toBeNull();
  });
});

describe('DICOM header next to the model', () => {
  const supported = ['elbow', 'hand', 'shoulder'];

  it('groups views by StudyInstanceUID, else by dropped folder, else not at all', () => {
    expect(defaultStudyKey({ studyInstanceUid: '1.2.3' }, 'a')).toBe(defaultStudyKey({ studyInstanceUid: '1.2.3' }, 'b'));
    expect(defaultStudyKey({ studyInstanceUid: '1.2.3' }, undefined)).not.toBe(defaultStudyKey({ studyInstanceUid: '1.2.4' }, undefined));
    expect(defaultStudyKey(undefined, 'elbow-2026')).toBe(defaultStudyKey({}, 'elbow-2026'));
    expect(defaultStudyKey(undefined, 'a')).not.toBe(defaultStudyKey(undefined, 'b'));
    // images dropped together are not pooled unasked
    expect(defaultStudyKey(undefined, undefined)).toBeNull();
    expect(defaultStudyKey({}, undefined)).toBeNull();
  });

  it('lists body part, view and laterality in words', () => {
    expect(headerFields({ bodyPartExamined: 'HAND', viewPosition: 'PA', laterality: 'R' })).toEqual([
      { label: 'Body part (header)', value: 'HAND' },
      { label: 'View', value: 'PA' },
      { label: 'Laterality', value: 'R (right)' },
    ]);
  });

  it('flags a disagreement in words', () => {
    expect(bodyPartAgreement('HAND', 'hand', 'hand', supported)).toMatchObject({ agrees: true });
    expect(bodyPartAgreement('HAND', 'elbow', 'elbow', supported)).toEqual({
      agrees: false,
      message: 'The header says HAND; the model says elbow.',
    });
    expect(bodyPartAgreement('CHEST', 'shoulder', 'shoulder', supported)?.message).toBe(
      'The header says CHEST, a body part the models were not trained on; the model says shoulder.',
    );
    expect(bodyPartAgreement('HAND', null, 'other_xray', supported)).toEqual({
      agrees: false,
      message: 'The header says HAND, but the model did not recognise a supported body part (most likely other xray).',
    });
    expect(bodyPartAgreement(undefined, 'hand', 'hand', supported)).toBeNull();
  });
});
