// The viewer's drag tools and their words. One tool at a time decides what a one-finger or mouse drag does.
export type DragTool = 'pan' | 'window' | 'distance' | 'angle';

export const TOOL_LABELS: Record<DragTool, string> = {
  pan: 'Pan',
  window: 'Window/level',
  distance: 'Distance',
  angle: 'Angle',
};

/** What the active tool does, shown on the image. */
export const TOOL_HINTS: Record<DragTool, string> = {
  pan: 'Drag: pan',
  window: 'Drag: window/level',
  distance: 'Drag or tap twice: distance',
  angle: 'Angle: draw one arm, then tap the third point',
};

/**
 * The tool a viewer starts with: on a touch screen panning (so a swipe at zoom 1 scrolls the page and window/level
 * is a deliberate choice); with a mouse, window/level for DICOM, whose values can be windowed.
 */
export function defaultTool(coarsePointer: boolean, windowable: boolean): DragTool {
  return windowable && !coarsePointer ? 'window' : 'pan';
}

/**
 * The CSS touch-action of the viewport: at zoom 1 with the pan tool a vertical swipe belongs to the page
 * (it scrolls); otherwise every touch gesture belongs to the viewer.
 */
export function touchAction(tool: DragTool, zoom: number): 'pan-y' | 'none' {
  return tool === 'pan' && zoom <= 1 ? 'pan-y' : 'none';
}

/** Keyboard shortcuts, for the `?` list. */
export const SHORTCUTS: [string, string][] = [
  ['+ / −', 'zoom in / out'],
  ['0', 'reset zoom, position, rotation and flips'],
  ['Arrow keys', 'pan'],
  ['Shift + arrow keys', 'window width (left/right) and centre (up/down), DICOM only'],
  ['W, P, D, A', 'tool: window/level, pan, distance, angle'],
  ['R / Shift + R', 'rotate 90° clockwise / anticlockwise'],
  ['H / V', 'flip horizontally / vertically'],
  ['I', 'invert'],
  ['F', 'full screen on or off'],
  ['Esc', 'leave full screen, cancel a measurement, close this list'],
  ['?', 'show or hide this list'],
];
