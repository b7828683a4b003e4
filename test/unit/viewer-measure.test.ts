// Measuring on a radiograph: lengths from the row/column pixel spacing, calibration from a known length, angles,
// and the tools that turn pointer presses into measurements.
import { describe, expect, it } from 'vitest';
import { angleDegrees, basisText, calibrate, distanceMillimetres, formatAngle, formatDistance } from '../../src/ui/viewer/measure';
import { emptyMeasures, pointerDown, pointerMove, pointerUp } from '../../src/ui/viewer/measure-tool';

describe('distance in millimetres', () => {
  it('scales columns (x) by the column spacing and rows (y) by the row spacing', () => {
    const spacing = { row: 0.2, column: 0.1 };
    expect(distanceMillimetres({ x: 0, y: 0 }, { x: 100, y: 0 }, spacing)).toBeCloseTo(10);
    expect(distanceMillimetres({ x: 0, y: 0 }, { x: 0, y: 100 }, spacing)).toBeCloseTo(20);
    // a 3-4-5 triangle in millimetres: 30 columns * 0.1 = 3 mm, 20 rows * 0.2 = 4 mm
    expect(distanceMillimetres({ x: 10, y: 10 }, { x: 40, y: 30 }, spacing)).toBeCloseTo(5);
  });

  it('shows millimetres to a tenth with a spacing, whole pixels without one', () => {
    const spacing = { row: 0.5, column: 0.5 };
    expect(formatDistance({ x: 0, y: 0 }, { x: 30, y: 40 }, { kind: 'pixel-spacing', spacing })).toBe('25.0 mm');
    expect(formatDistance({ x: 0, y: 0 }, { x: 30, y: 40 }, { kind: 'none' })).toBe('50 px');
  });
});

describe('calibration by a known length', () => {
  it('gives the isotropic spacing that makes the drawn line as long as the known length', () => {
    const spacing = calibrate({ x: 0, y: 0 }, { x: 60, y: 80 }, 25)!; // 100 px are 25 mm
    expect(spacing.row).toBeCloseTo(0.25);
    expect(spacing.column).toBeCloseTo(0.25);
    expect(distanceMillimetres({ x: 0, y: 0 }, { x: 0, y: 40 }, spacing)).toBeCloseTo(10);
  });

  it('refuses a line without length or a known length that is not a positive number', () => {
    expect(calibrate({ x: 5, y: 5 }, { x: 5, y: 5 }, 10)).toBeNull();
    expect(calibrate({ x: 0, y: 0 }, { x: 10, y: 0 }, 0)).toBeNull();
    expect(calibrate({ x: 0, y: 0 }, { x: 10, y: 0 }, Number.NaN)).toBeNull();
  });

  it('states the basis of every length in words', () => {
    const spacing = { row: 0.143, column: 0.143 };
    expect(basisText({ kind: 'pixel-spacing', spacing })).toContain('Pixel Spacing: 0.143 mm per pixel');
    expect(basisText({ kind: 'imager-pixel-spacing', spacing })).toContain('detector');
    expect(basisText({ kind: 'calibrated', spacing, knownMillimetres: 30 })).toContain('known length (30 mm)');
    expect(basisText({ kind: 'none' })).toContain('pixels');
  });
});

describe('angles', () => {
  it('measures the angle at the vertex between its two arms', () => {
    expect(angleDegrees({ x: 10, y: 0 }, { x: 0, y: 0 }, { x: 0, y: 10 })).toBeCloseTo(90);
    expect(angleDegrees({ x: 10, y: 0 }, { x: 0, y: 0 }, { x: 10, y: 10 })).toBeCloseTo(45);
    expect(angleDegrees({ x: 10, y: 0 }, { x: 0, y: 0 }, { x: -10, y: 0 })).toBeCloseTo(180);
  });

  it('works in millimetre space, so unequal row and column spacings do not skew it', () => {
    // 10 columns at 0.1 mm and 5 rows at 0.2 mm are both 1 mm: the diagonal is at 45 degrees
    expect(angleDegrees({ x: 10, y: 0 }, { x: 0, y: 0 }, { x: 10, y: 5 }, { row: 0.2, column: 0.1 })).toBeCloseTo(45);
    expect(formatAngle({ x: 10, y: 0 }, { x: 0, y: 0 }, { x: 0, y: 7 }, { kind: 'none' })).toBe('90.0°');
  });

  it('has no angle when an arm has no length', () => {
    expect(angleDegrees({ x: 0, y: 0 }, { x: 0, y: 0 }, { x: 3, y: 3 })).toBeNull();
  });
});

describe('the distance and angle tools', () => {
  it('draws a distance by press, drag and release', () => {
    let state = pointerDown(emptyMeasures(), 'distance', { x: 1, y: 1 });
    state = pointerMove(state, { x: 20, y: 1 });
    expect(state.drawing?.points).toEqual([{ x: 1, y: 1 }, { x: 20, y: 1 }]);
    state = pointerUp(state, { x: 31, y: 1 }, 2);
    expect(state.drawing).toBeNull();
    expect(state.done).toEqual([{ id: 1, kind: 'distance', points: [{ x: 1, y: 1 }, { x: 31, y: 1 }] }]);
  });

  it('draws a distance by two taps (touch)', () => {
    let state = pointerUp(pointerDown(emptyMeasures(), 'distance', { x: 5, y: 5 }), { x: 5, y: 5 }, 2);
    expect(state.done).toHaveLength(0);
    state = pointerUp(pointerDown(state, 'distance', { x: 5, y: 45 }), { x: 5, y: 45 }, 2);
    expect(state.done[0]?.points).toEqual([{ x: 5, y: 5 }, { x: 5, y: 45 }]);
  });

  it('draws an angle from a first arm and a third point', () => {
    let state = pointerDown(emptyMeasures(), 'angle', { x: 10, y: 0 });
    state = pointerUp(state, { x: 0, y: 0 }, 2);
    expect(state.drawing?.points).toHaveLength(3);
    state = pointerUp(pointerDown(state, 'angle', { x: 0, y: 10 }), { x: 0, y: 10 }, 2);
    const [angle] = state.done;
    expect(angle?.kind).toBe('angle');
    expect(angleDegrees(angle!.points[0]!, angle!.points[1]!, angle!.points[2]!)).toBeCloseTo(90);
  });
});

describe('measurements on the same film at another pixel size', () => {
  it('follow the film: a length in millimetres stays the same when the pixels double', async () => {
    const { rescaleMeasures } = await import('../../src/ui/viewer/measure-tool');
    const state = pointerUp(pointerDown(emptyMeasures(), 'distance', { x: 10, y: 10 }), { x: 40, y: 50 }, 2);
    const twice = rescaleMeasures(state, 2, 2);
    const [a, b] = twice.done[0]!.points;
    expect(distanceMillimetres(a!, b!, { row: 0.25, column: 0.25 })).toBeCloseTo(distanceMillimetres({ x: 10, y: 10 }, { x: 40, y: 50 }, { row: 0.5, column: 0.5 }));
  });
});
