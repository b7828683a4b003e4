// Where an image pixel appears in the viewport and back, under the viewer's zoom, pan, rotation and flips.
// The stage is drawn with the CSS transform `translate(pan) scale(zoom) rotate(rotation) scale(flipX, flipY)`
// about the viewport's centre; the image box fills the viewport at zoom 1 (its aspect follows the rotation).
import type { Point } from './measure';

export type Rotation = 0 | 90 | 180 | 270;

export interface ViewTransform {
  zoom: number;
  panX: number;
  panY: number;
  rotation: Rotation;
  flipHorizontal: boolean;
  flipVertical: boolean;
}

export interface ViewGeometry extends ViewTransform {
  /** the viewport's size in CSS px */
  viewportWidth: number;
  viewportHeight: number;
  /** the image's size in pixels */
  imageWidth: number;
  imageHeight: number;
}

export const IDENTITY: ViewTransform = { zoom: 1, panX: 0, panY: 0, rotation: 0, flipHorizontal: false, flipVertical: false };

export const turnsSideways = (rotation: Rotation): boolean => rotation === 90 || rotation === 270;

/** The image box (before rotation) in CSS px: the viewport's size, its sides swapped when the image lies sideways. */
export function imageBox(g: Pick<ViewGeometry, 'viewportWidth' | 'viewportHeight' | 'rotation'>): { width: number; height: number } {
  return turnsSideways(g.rotation)
    ? { width: g.viewportHeight, height: g.viewportWidth }
    : { width: g.viewportWidth, height: g.viewportHeight };
}

/** The aspect ratio (width / height) the viewport takes for an image of this size turned by `rotation`. */
export const viewAspect = (width: number, height: number, rotation: Rotation): number =>
  turnsSideways(rotation) ? height / width : width / height;

const rotate = (p: Point, degrees: number): Point => {
  const radians = (degrees * Math.PI) / 180;
  const cos = Math.round(Math.cos(radians)); // multiples of 90 degrees only: exact
  const sin = Math.round(Math.sin(radians));
  return { x: p.x * cos - p.y * sin, y: p.x * sin + p.y * cos };
};

/** An image pixel position (x: column, y: row, continuous) to a viewport position (CSS px from its top left). */
export function imageToViewport(g: ViewGeometry, p: Point): Point {
  const box = imageBox(g);
  let q = { x: (p.x / g.imageWidth - 0.5) * box.width, y: (p.y / g.imageHeight - 0.5) * box.height };
  q = { x: g.flipHorizontal ? -q.x : q.x, y: g.flipVertical ? -q.y : q.y };
  q = rotate(q, g.rotation);
  return { x: g.viewportWidth / 2 + g.panX + q.x * g.zoom, y: g.viewportHeight / 2 + g.panY + q.y * g.zoom };
}

/** The inverse of imageToViewport. */
export function viewportToImage(g: ViewGeometry, p: Point): Point {
  const box = imageBox(g);
  let q = { x: (p.x - g.viewportWidth / 2 - g.panX) / g.zoom, y: (p.y - g.viewportHeight / 2 - g.panY) / g.zoom };
  q = rotate(q, -g.rotation);
  q = { x: g.flipHorizontal ? -q.x : q.x, y: g.flipVertical ? -q.y : q.y };
  return { x: (q.x / box.width + 0.5) * g.imageWidth, y: (q.y / box.height + 0.5) * g.imageHeight };
}

/** The pixel (column, row) that contains an image position, or null outside the image. */
export function pixelAt(p: Point, width: number, height: number): { column: number; row: number } | null {
  const column = Math.floor(p.x);
  const row = Math.floor(p.y);
  return column >= 0 && row >= 0 && column < width && row < height ? { column, row } : null;
}

/** Pan offsets that keep the zoomed image covering the viewport (no panning past its edges). */
export function clampPan(zoom: number, viewportWidth: number, viewportHeight: number, x: number, y: number): [number, number] {
  const maxX = ((zoom - 1) * viewportWidth) / 2;
  const maxY = ((zoom - 1) * viewportHeight) / 2;
  return [Math.min(maxX, Math.max(-maxX, x)), Math.min(maxY, Math.max(-maxY, y))];
}

/** Zoom to `next` keeping the point `anchor` (offset from the viewport centre) where it is on screen. */
export function zoomAbout(
  current: { zoom: number; panX: number; panY: number },
  next: number,
  anchor: Point,
): { zoom: number; panX: number; panY: number } {
  const ratio = next / current.zoom;
  return { zoom: next, panX: anchor.x - (anchor.x - current.panX) * ratio, panY: anchor.y - (anchor.y - current.panY) * ratio };
}

/** The CSS transform of the stage for a view. */
export function stageTransform(t: ViewTransform): string {
  return `translate(${t.panX}px, ${t.panY}px) scale(${t.zoom}) rotate(${t.rotation}deg) scale(${t.flipHorizontal ? -1 : 1}, ${t.flipVertical ? -1 : 1})`;
}

export const nextRotation = (rotation: Rotation, clockwise: boolean): Rotation =>
  (((rotation + (clockwise ? 90 : 270)) % 360) as Rotation);
