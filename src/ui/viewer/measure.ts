// Measurement maths on image pixels: distances in millimetres from a row/column pixel spacing (which may differ),
// a spacing calibrated from a line of known length, and angles. Points are in image pixels (x: column, y: row).

export interface Point {
  x: number;
  y: number;
}

/** Row spacing (between rows, along y) and column spacing (between columns, along x), in mm per pixel. */
export interface Spacing {
  row: number;
  column: number;
}

/** Where a spacing comes from, as a reader needs to judge the number. */
export type SpacingBasis =
  | { kind: 'pixel-spacing'; spacing: Spacing }
  | { kind: 'imager-pixel-spacing'; spacing: Spacing }
  | { kind: 'calibrated'; spacing: Spacing; knownMillimetres: number }
  | { kind: 'none' };

export const pixelDistance = (a: Point, b: Point): number => Math.hypot(b.x - a.x, b.y - a.y);

/** Length of the line a-b in mm: each axis scaled by its own spacing (DICOM Pixel Spacing is row\column). */
export function distanceMillimetres(a: Point, b: Point, spacing: Spacing): number {
  return Math.hypot((b.x - a.x) * spacing.column, (b.y - a.y) * spacing.row);
}

/**
 * The isotropic spacing that makes the line a-b `knownMillimetres` long; null when the line has no length or the
 * known length is not a positive number.
 */
export function calibrate(a: Point, b: Point, knownMillimetres: number): Spacing | null {
  const pixels = pixelDistance(a, b);
  if (!(pixels > 0) || !(knownMillimetres > 0) || !Number.isFinite(knownMillimetres)) return null;
  const perPixel = knownMillimetres / pixels;
  return { row: perPixel, column: perPixel };
}

/**
 * The angle at `vertex` between the arms to `a` and `c`, in degrees (0 to 180), measured in millimetre space so
 * that unequal row and column spacings do not skew it. Null when an arm has no length.
 */
export function angleDegrees(a: Point, vertex: Point, c: Point, spacing: Spacing = { row: 1, column: 1 }): number | null {
  const u = { x: (a.x - vertex.x) * spacing.column, y: (a.y - vertex.y) * spacing.row };
  const v = { x: (c.x - vertex.x) * spacing.column, y: (c.y - vertex.y) * spacing.row };
  const lengths = Math.hypot(u.x, u.y) * Math.hypot(v.x, v.y);
  if (lengths === 0) return null;
  const cosine = Math.min(1, Math.max(-1, (u.x * v.x + u.y * v.y) / lengths));
  return (Math.acos(cosine) * 180) / Math.PI;
}

export function spacingOf(basis: SpacingBasis): Spacing | null {
  return basis.kind === 'none' ? null : basis.spacing;
}

/** The basis in words, shown next to every measurement. */
export function basisText(basis: SpacingBasis): string {
  const mm = (value: number) => `${Number(value.toPrecision(3))} mm`;
  const pair = (s: Spacing) => (s.row === s.column ? `${mm(s.row)} per pixel` : `${mm(s.row)} (rows) × ${mm(s.column)} (columns) per pixel`);
  switch (basis.kind) {
    case 'pixel-spacing':
      return `From the file's Pixel Spacing: ${pair(basis.spacing)}.`;
    case 'imager-pixel-spacing':
      return `From the file's Imager Pixel Spacing (${pair(basis.spacing)}), measured at the detector: real sizes are usually a little smaller because of magnification.`;
    case 'calibrated':
      return `Calibrated by you from a line of known length (${mm(basis.knownMillimetres)}): ${pair(basis.spacing)}.`;
    case 'none':
      return 'The file gives no pixel size, so lengths are in pixels. Draw a line over something of known length and calibrate to get millimetres.';
  }
}

/** A distance for display: millimetres to 0.1 mm when a spacing is known, else whole pixels. */
export function formatDistance(a: Point, b: Point, basis: SpacingBasis): string {
  const spacing = spacingOf(basis);
  if (!spacing) return `${Math.round(pixelDistance(a, b))} px`;
  return `${distanceMillimetres(a, b, spacing).toFixed(1)} mm`;
}

export function formatAngle(a: Point, vertex: Point, c: Point, basis: SpacingBasis): string {
  const degrees = angleDegrees(a, vertex, c, spacingOf(basis) ?? undefined);
  return degrees === null ? '—' : `${degrees.toFixed(1)}°`;
}
