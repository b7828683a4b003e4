// A scale bar of a round length (1, 2 or 5 times a power of ten millimetres) for the current zoom.

const NICE_STEPS = [1, 2, 5];

export interface ScaleBar {
  /** length shown, in mm */
  millimetres: number;
  /** its length on screen, in CSS px */
  pixels: number;
  label: string;
}

/** The longest round length whose bar fits in `maxPixels`; null when the spacing is unknown or nothing fits. */
export function scaleBar(millimetresPerPixel: number, maxPixels: number): ScaleBar | null {
  if (!(millimetresPerPixel > 0) || !(maxPixels > 0)) return null;
  const longest = millimetresPerPixel * maxPixels;
  const power = 10 ** Math.floor(Math.log10(longest));
  const step = [...NICE_STEPS].reverse().find((s) => s * power <= longest) ?? 1;
  const millimetres = step * power;
  const label = millimetres >= 10 && millimetres % 10 === 0 ? `${millimetres / 10} cm` : `${Number(millimetres.toPrecision(3))} mm`;
  return { millimetres, pixels: millimetres / millimetresPerPixel, label };
}
