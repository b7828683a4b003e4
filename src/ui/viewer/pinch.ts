// Two-finger pinch: the zoom follows the distance between the fingers and the image point that was under
// their midpoint stays under it (so the picture moves with the fingers). Positions are offsets from the
// viewport's centre in CSS px.
import type { Point } from './measure';
import { zoomAbout } from './geometry';

export interface PinchStart {
  distance: number;
  midpoint: Point;
  zoom: number;
  panX: number;
  panY: number;
}

const midpointOf = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });

export function startPinch(a: Point, b: Point, view: { zoom: number; panX: number; panY: number }): PinchStart {
  return { distance: Math.hypot(b.x - a.x, b.y - a.y), midpoint: midpointOf(a, b), ...view };
}

/** The zoom and pan for the fingers now at `a` and `b`, with the zoom kept within [minZoom, maxZoom]. */
export function pinchView(start: PinchStart, a: Point, b: Point, minZoom: number, maxZoom: number): { zoom: number; panX: number; panY: number } {
  const distance = Math.hypot(b.x - a.x, b.y - a.y);
  const scale = start.distance > 0 ? distance / start.distance : 1;
  const zoom = Math.min(maxZoom, Math.max(minZoom, start.zoom * scale));
  // zoom about the starting midpoint, then move with the midpoint
  const about = zoomAbout(start, zoom, start.midpoint);
  const midpoint = midpointOf(a, b);
  return { zoom, panX: about.panX + midpoint.x - start.midpoint.x, panY: about.panY + midpoint.y - start.midpoint.y };
}
