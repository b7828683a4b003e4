// The value under the pointer: the stored pixel value and, where the file states a rescale (a Modality LUT of
// slope and intercept), the rescaled value the window/level works on. The viewer holds the rescaled values.

export interface ValueGrid {
  values: Float32Array;
  width: number;
  height: number;
}

export interface Readout {
  column: number;
  row: number;
  stored: number;
  /** present when a rescale applies */
  rescaled?: number;
}

/** The readout at pixel (column, row), or null outside the image. Colour images have no rescale (luma). */
export function readValue(grid: ValueGrid, rescale: { slope: number; intercept: number } | undefined, column: number, row: number): Readout | null {
  if (column < 0 || row < 0 || column >= grid.width || row >= grid.height) return null;
  const value = grid.values[row * grid.width + column]!;
  if (!rescale || rescale.slope === 0) return { column, row, stored: value };
  const stored = (value - rescale.intercept) / rescale.slope;
  // stored values are integers: undo the float rounding of the Float32Array
  return { column, row, stored: Math.round(stored * 1e4) / 1e4, rescaled: value };
}

export function readoutText(readout: Readout): string {
  const number = (value: number) => String(Number(value.toPrecision(6)));
  const at = `x ${readout.column}, y ${readout.row}`;
  return readout.rescaled === undefined
    ? `${at}: value ${number(readout.stored)}`
    : `${at}: stored ${number(readout.stored)}, rescaled ${number(readout.rescaled)}`;
}
