// The viewer's geometry: pixels to screen and back under zoom, pan, rotation and flips; a pinch zooms about the
// fingers; the pixel readout gives stored and rescaled values.
import { describe, expect, it } from 'vitest';
import { IDENTITY, clampPan, imageToViewport, nextRotation, pixelAt, viewAspect, viewportToImage, type ViewGeometry } from '../../src/ui/viewer/geometry';
import { pinchView, startPinch } from '../../src/ui/viewer/pinch';
import { readValue, readoutText } from '../../src/ui/viewer/readout';

// a 200 x 100 px image shown in a 400 x 200 CSS px viewport (2 CSS px per image px)
const base: ViewGeometry = { ...IDENTITY, viewportWidth: 400, viewportHeight: 200, imageWidth: 200, imageHeight: 100 };

describe('image pixels and viewport positions', () => {
  it('maps corners and centre at zoom 1', () => {
    expect(imageToViewport(base, { x: 0, y: 0 })).toEqual({ x: 0, y: 0 });
    expect(imageToViewport(base, { x: 200, y: 100 })).toEqual({ x: 400, y: 200 });
    expect(viewportToImage(base, { x: 200, y: 100 })).toEqual({ x: 100, y: 50 });
  });

  it('zooms about the centre and shifts with the pan', () => {
    const g = { ...base, zoom: 2, panX: 30, panY: -10 };
    // the image centre lands on the viewport centre plus the pan
    expect(imageToViewport(g, { x: 100, y: 50 })).toEqual({ x: 230, y: 90 });
    // one image pixel is 4 CSS px at zoom 2
    expect(imageToViewport(g, { x: 101, y: 50 }).x).toBeCloseTo(234);
  });

  it('turned 90 degrees clockwise, the top-left pixel sits at the top right', () => {
    const g: ViewGeometry = { ...base, rotation: 90, viewportWidth: 200, viewportHeight: 400 };
    const topLeft = imageToViewport(g, { x: 0, y: 0 });
    expect(topLeft.x).toBeCloseTo(200);
    expect(topLeft.y).toBeCloseTo(0);
    expect(viewAspect(200, 100, 90)).toBe(0.5);
  });

  it('flipped horizontally, the left edge is on the right', () => {
    const g = { ...base, flipHorizontal: true };
    expect(imageToViewport(g, { x: 0, y: 0 })).toEqual({ x: 400, y: 0 });
  });

  it('goes back to the same pixel under any combination', () => {
    for (const rotation of [0, 90, 180, 270] as const) {
      for (const flipHorizontal of [false, true]) {
        const g: ViewGeometry = { ...base, rotation, flipHorizontal, flipVertical: !flipHorizontal, zoom: 3, panX: 17, panY: -40 };
        const back = viewportToImage(g, imageToViewport(g, { x: 37.5, y: 81.25 }));
        expect(back.x).toBeCloseTo(37.5);
        expect(back.y).toBeCloseTo(81.25);
      }
    }
  });

  it('names the pixel under a position, none outside the image', () => {
    expect(pixelAt({ x: 12.7, y: 3.2 }, 200, 100)).toEqual({ column: 12, row: 3 });
    expect(pixelAt({ x: -0.1, y: 3 }, 200, 100)).toBeNull();
    expect(pixelAt({ x: 200, y: 3 }, 200, 100)).toBeNull();
  });

  it('keeps the zoomed image covering the viewport, and rotates in quarter turns', () => {
    expect(clampPan(2, 400, 200, 500, -500)).toEqual([200, -100]);
    expect(clampPan(1, 400, 200, 5, 5)).toEqual([0, 0]);
    expect(nextRotation(270, true)).toBe(0);
    expect(nextRotation(0, false)).toBe(270);
  });
});

describe('pinch', () => {
  it('doubles the zoom when the fingers move twice as far apart, keeping the point between them in place', () => {
    const start = startPinch({ x: -50, y: 20 }, { x: 50, y: 20 }, { zoom: 1, panX: 0, panY: 0 });
    const view = pinchView(start, { x: -100, y: 20 }, { x: 100, y: 20 }, 1, 8);
    expect(view.zoom).toBeCloseTo(2);
    // the image point under the midpoint (0, 20) before: (0 - 0) / 1, (20 - 0) / 1; after: pan + point * zoom = 20
    expect(view.panY + 20 * view.zoom).toBeCloseTo(20 * 1 + 0);
    expect(view.panX).toBeCloseTo(0);
  });

  it('moves the picture with the fingers and stays within the zoom limits', () => {
    const start = startPinch({ x: 0, y: 0 }, { x: 100, y: 0 }, { zoom: 2, panX: 0, panY: 0 });
    const moved = pinchView(start, { x: 10, y: 30 }, { x: 110, y: 30 }, 1, 8);
    expect(moved).toEqual({ zoom: 2, panX: 10, panY: 30 });
    expect(pinchView(start, { x: 0, y: 0 }, { x: 1000, y: 0 }, 1, 8).zoom).toBe(8);
    expect(pinchView(start, { x: 0, y: 0 }, { x: 10, y: 0 }, 1, 8).zoom).toBe(1);
  });
});

describe('pixel readout', () => {
  const grid = { values: new Float32Array([100, 150.5, -400, 0]), width: 2, height: 2 };

  it('gives the stored value and, with a rescale, the rescaled one', () => {
    // slope 0.5, intercept 100: stored = (rescaled - 100) / 0.5
    expect(readValue(grid, { slope: 0.5, intercept: 100 }, 0, 1)).toEqual({ column: 0, row: 1, stored: -1000, rescaled: -400 });
    expect(readValue(grid, undefined, 1, 0)).toEqual({ column: 1, row: 0, stored: 150.5 });
    expect(readoutText(readValue(grid, { slope: 0.5, intercept: 100 }, 0, 1)!)).toBe('x 0, y 1: stored -1000, rescaled -400');
  });

  it('has nothing to say outside the image', () => {
    expect(readValue(grid, undefined, 2, 0)).toBeNull();
  });
});

describe('drag tools', () => {
  it('start with panning on a touch screen, window/level with a mouse on DICOM', async () => {
    const { defaultTool, touchAction } = await import('../../src/ui/viewer/tools');
    expect(defaultTool(true, true)).toBe('pan');
    expect(defaultTool(false, true)).toBe('window');
    expect(defaultTool(false, false)).toBe('pan');
    // a vertical swipe scrolls the page only when the viewer has nothing to do with it
    expect(touchAction('pan', 1)).toBe('pan-y');
    expect(touchAction('pan', 2)).toBe('none');
    expect(touchAction('window', 1)).toBe('none');
    expect(touchAction('distance', 1)).toBe('none');
  });
});
