// Reports as images: each view as the clean film and, for analysed films, beside it with its heatmap; a whole
// report drawn on a canvas (PNG), downloaded through a blob URL that is revoked straight after. Nothing leaves
// the device.
import type { ReportContent } from '../app/report-content';
import type { Decision, Heatmap } from '../pipeline/types';
import { DECISION_STYLES } from './format';
import { drawHeatmap } from './heatmap';

/** Heatmap opacity in exports (cold cells are transparent already). */
export const REPORT_HEATMAP_OPACITY = 0.8;

/** A view's pictures in a report: the clean film, and its heatmap version when the film was analysed. */
export interface ReportImages {
  clean: HTMLCanvasElement | null;
  heat: HTMLCanvasElement | null;
}
const REPORT_WIDTH = 1400;
const MARGIN = 40;
const GAP = 24;
const MAX_VIEW_HEIGHT = 560;
const LINE = 26;
/** Decision colours for a white page (the app's CSS colours are tuned for its dark theme). */
const PRINT_COLOURS: Record<Decision, string> = {
  normal: '#1a7f37',
  uncertain: '#9a6700',
  abnormal: '#cf222e',
  unsupported: '#57606a',
  error: '#8250df',
};

/** The view as shown: the image, with its heatmap over it. */
export function composeView(bitmap: ImageBitmap, heatmap: Heatmap | null, opacity = REPORT_HEATMAP_OPACITY): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  if (heatmap) {
    const heat = document.createElement('canvas');
    heat.width = bitmap.width;
    heat.height = bitmap.height;
    drawHeatmap(heat, heatmap);
    context.globalAlpha = opacity;
    context.drawImage(heat, 0, 0);
    context.globalAlpha = 1;
  }
  return canvas;
}

/** Breaks text into lines no wider than `width`. */
export function wrap(context: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && context.measureText(next).width > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

export function drawReport(content: ReportContent, images: ReportImages[]): HTMLCanvasElement {
  const columns = Math.max(1, content.views.length);
  const cellWidth = (REPORT_WIDTH - 2 * MARGIN - (columns - 1) * GAP) / columns;
  // each cell: the clean film, and beside it the heatmap version when there is one
  const pictureWidth = (i: number) => (images[i]?.heat ? (cellWidth - GAP / 2) / 2 : cellWidth);
  const imageHeight = Math.min(
    MAX_VIEW_HEIGHT,
    Math.max(0, ...images.map((v, i) => (v?.clean ? (v.clean.height * pictureWidth(i)) / v.clean.width : 0))),
  );
  const measure = document.createElement('canvas').getContext('2d')!;
  const font = (size: number, weight = 400) => `${weight} ${size}px system-ui, sans-serif`;
  const fullWidth = REPORT_WIDTH - 2 * MARGIN;
  measure.font = font(18);
  const viewText = content.views.map((view) => view.lines.flatMap((l) => wrap(measure, l, cellWidth)));
  const textLines = Math.max(0, ...viewText.map((lines) => lines.length)) + 1;
  const details = content.details.flatMap((l) => wrap(measure, l, fullWidth));
  measure.font = font(20);
  const summary = wrap(measure, content.summary, fullWidth);
  const height =
    MARGIN + 44 + summary.length * LINE + details.length * LINE + GAP + imageHeight + GAP + textLines * LINE + GAP +
    2 * LINE + (content.footer.length + 1) * LINE + MARGIN;

  const canvas = document.createElement('canvas');
  canvas.width = REPORT_WIDTH;
  canvas.height = Math.ceil(height);
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.textBaseline = 'top';
  let y = MARGIN;
  context.fillStyle = '#0d1117';
  context.font = font(30, 700);
  context.fillText(content.title, MARGIN, y, fullWidth);
  y += 44;
  context.font = font(20, 600);
  context.fillStyle = PRINT_COLOURS[content.decision];
  for (const line of summary) {
    context.fillText(line, MARGIN, y);
    y += LINE;
  }
  context.font = font(18);
  context.fillStyle = '#24292f';
  for (const line of details) {
    context.fillText(line, MARGIN, y);
    y += LINE;
  }
  y += GAP;
  const drawPicture = (image: HTMLCanvasElement, x: number, width: number) => {
    context.fillStyle = '#000';
    context.fillRect(x, y, width, imageHeight);
    const scale = Math.min(width / image.width, imageHeight / image.height);
    const w = image.width * scale;
    const h = image.height * scale;
    context.drawImage(image, x + (width - w) / 2, y + (imageHeight - h) / 2, w, h);
  };
  content.views.forEach((view, i) => {
    const x = MARGIN + i * (cellWidth + GAP);
    const pictures = images[i];
    const width = pictureWidth(i);
    if (pictures?.clean) drawPicture(pictures.clean, x, width);
    if (pictures?.heat) drawPicture(pictures.heat, x + width + GAP / 2, width);
    let ty = y + imageHeight + GAP / 2;
    context.font = font(18, 700);
    context.fillStyle = '#0d1117';
    const caption = pictures?.heat ? ' (left: film; right: where the model looked)' : '';
    context.fillText(`${DECISION_STYLES[view.decision].symbol} ${view.title}${caption}`, x, ty, cellWidth);
    ty += LINE;
    context.font = font(18);
    viewText[i]!.forEach((line, k) => {
      context.fillStyle = k === 0 ? PRINT_COLOURS[view.decision] : '#24292f';
      context.fillText(line, x, ty);
      ty += LINE;
    });
  });
  y += imageHeight + GAP + textLines * LINE + GAP;
  context.font = font(18, 600);
  context.fillStyle = '#0d1117';
  context.fillText(content.impression, MARGIN, y, fullWidth);
  y += 2 * LINE;
  context.font = font(16);
  context.fillStyle = '#57606a';
  for (const line of content.footer) {
    context.fillText(line, MARGIN, y, fullWidth);
    y += LINE;
  }
  return canvas;
}

/** Offers a blob as a download, then frees its URL. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function canvasPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the report image could not be made'))), 'image/png'),
  );
}
