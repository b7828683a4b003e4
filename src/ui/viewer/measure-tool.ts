// The distance and angle tools as pointer handling over plain state (no DOM): press-drag-release or tap-tap
// draws a distance; an angle takes a first arm (press-drag-release or two taps) and then its third point.
// Points are image pixels.
import { pixelDistance, type Point } from './measure';

export type MeasureKind = 'distance' | 'angle';

export interface Measurement {
  id: number;
  kind: MeasureKind;
  points: Point[];
}

export interface MeasureState {
  done: Measurement[];
  /** the measurement being drawn; its last point follows the pointer */
  drawing: { kind: MeasureKind; points: Point[] } | null;
  nextId: number;
}

export const emptyMeasures = (): MeasureState => ({ done: [], drawing: null, nextId: 1 });

const POINTS: Record<MeasureKind, number> = { distance: 2, angle: 3 };

const withLast = (points: Point[], p: Point) => [...points.slice(0, -1), p];

export function pointerDown(state: MeasureState, kind: MeasureKind, p: Point): MeasureState {
  if (!state.drawing || state.drawing.kind !== kind) return { ...state, drawing: { kind, points: [p, p] } };
  return { ...state, drawing: { kind, points: withLast(state.drawing.points, p) } };
}

export function pointerMove(state: MeasureState, p: Point): MeasureState {
  if (!state.drawing) return state;
  return { ...state, drawing: { ...state.drawing, points: withLast(state.drawing.points, p) } };
}

/**
 * Fixes the live point. A segment shorter than `minLength` (a tap) waits for the next tap to end it. When the
 * measurement has all its points it joins `done`, else a new live point starts where this one ended.
 */
export function pointerUp(state: MeasureState, p: Point, minLength: number): MeasureState {
  if (!state.drawing) return state;
  const points = withLast(state.drawing.points, p);
  const from = points[points.length - 2]!;
  if (pixelDistance(from, p) < minLength) return { ...state, drawing: { ...state.drawing, points } };
  if (points.length < POINTS[state.drawing.kind]) return { ...state, drawing: { ...state.drawing, points: [...points, p] } };
  const measurement: Measurement = { id: state.nextId, kind: state.drawing.kind, points };
  return { done: [...state.done, measurement], drawing: null, nextId: state.nextId + 1 };
}

export const cancelDrawing = (state: MeasureState): MeasureState => ({ ...state, drawing: null });

export const removeMeasurement = (state: MeasureState, id: number): MeasureState => ({ ...state, done: state.done.filter((m) => m.id !== id) });

/**
 * The measurements on the same film shown at another pixel size (the full-size pixels replacing the ones decoded
 * at the model's size): every point scaled by the ratio of the new size to the old.
 */
export function rescaleMeasures(state: MeasureState, scaleX: number, scaleY: number): MeasureState {
  const scale = (p: Point): Point => ({ x: p.x * scaleX, y: p.y * scaleY });
  return {
    ...state,
    done: state.done.map((m) => ({ ...m, points: m.points.map(scale) })),
    drawing: state.drawing && { ...state.drawing, points: state.drawing.points.map(scale) },
  };
}
