// The calibration report drawn on a canvas (for a PNG download or printing): per body part its ROC curve with
// the thresholds marked, and its lines. Only the figures are drawn: no image, no file name.
import type { CalibrationReportContent, ReportPart } from '../../app/calibration-report';
import type { Thresholds } from '../../pipeline/manifest';
import type { RocPoint } from '../../pipeline/roc';
import { wrap } from '../report';

const WIDTH = 1400;
const MARGIN = 40;
const PLOT = 300;
const LINE = 24;
const GAP = 28;

function pointAt(roc: RocPoint[], t: number): RocPoint | undefined {
  return roc.filter((p) => p.threshold >= t).reduce<RocPoint | undefined>((best, p) => (!best || p.threshold < best.threshold ? p : best), undefined);
}

function drawCurve(context: CanvasRenderingContext2D, part: ReportPart, x: number, y: number): void {
  const at = (p: { falsePositiveRate: number; truePositiveRate: number }) => [x + p.falsePositiveRate * PLOT, y + PLOT - p.truePositiveRate * PLOT] as const;
  context.strokeStyle = '#8c959f';
  context.lineWidth = 1;
  context.strokeRect(x, y, PLOT, PLOT);
  context.beginPath();
  context.moveTo(x, y + PLOT);
  context.lineTo(x + PLOT, y);
  context.stroke();
  const line = (roc: RocPoint[], colour: string, dash: number[]) => {
    if (!roc.length) return;
    context.setLineDash(dash);
    context.strokeStyle = colour;
    context.lineWidth = 2.5;
    context.beginPath();
    roc.forEach((p, i) => (i ? context.lineTo(...at(p)) : context.moveTo(...at(p))));
    context.stroke();
    context.setLineDash([]);
  };
  if (part.studyRoc) line(part.studyRoc, '#6e7781', [8, 5]);
  line(part.roc, '#0969da', []);
  const mark = (t: Thresholds | null, colour: string) => {
    for (const value of t ? [t.low, t.high] : []) {
      const p = pointAt(part.roc, value);
      if (!p) continue;
      context.fillStyle = colour;
      context.beginPath();
      context.arc(...at(p), 7, 0, 2 * Math.PI);
      context.fill();
    }
  };
  mark(part.shipped, '#9a6700');
  mark(part.chosen, '#1a7f37');
  context.fillStyle = '#57606a';
  context.font = '400 14px system-ui, sans-serif';
  context.fillText('normal cases called abnormal →', x, y + PLOT + 6);
  context.save();
  context.translate(x - 22, y + PLOT);
  context.rotate(-Math.PI / 2);
  context.fillText('abnormal cases caught →', 0, 0);
  context.restore();
}

export function drawCalibrationReport(content: CalibrationReportContent): HTMLCanvasElement {
  const measure = document.createElement('canvas').getContext('2d')!;
  const font = (size: number, weight = 400) => `${weight} ${size}px system-ui, sans-serif`;
  const textX = MARGIN + 30 + PLOT + GAP;
  const textWidth = WIDTH - textX - MARGIN;
  measure.font = font(17);
  const partText = content.parts.map((part) => [...part.lines, ...part.warnings.map((w) => `⚠ ${w}`)].flatMap((l) => [...wrap(measure, l, textWidth), '']));
  const partHeights = partText.map((lines) => Math.max(PLOT + 30, 34 + lines.length * LINE));
  const header = 44 + content.lines.length * LINE + GAP;
  const height = MARGIN + header + partHeights.reduce((a, b) => a + b + GAP, 0) + 2 * LINE + LINE + MARGIN;

  const canvas = document.createElement('canvas');
  canvas.width = WIDTH;
  canvas.height = Math.ceil(height);
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.textBaseline = 'top';
  context.fillStyle = '#1f2328';
  context.font = font(30, 700);
  context.fillText(content.title, MARGIN, MARGIN);
  context.font = font(18);
  let y = MARGIN + 44;
  for (const line of content.lines) {
    context.fillText(line, MARGIN, y);
    y += LINE;
  }
  y += GAP;
  content.parts.forEach((part, i) => {
    context.fillStyle = '#1f2328';
    context.font = font(22, 700);
    context.fillText(part.part[0].toUpperCase() + part.part.slice(1), textX, y);
    drawCurve(context, part, MARGIN + 30, y);
    context.font = font(17);
    let ty = y + 34;
    for (const line of partText[i]) {
      context.fillStyle = line.startsWith('⚠') ? '#9a6700' : '#1f2328';
      context.fillText(line, textX, ty);
      ty += LINE;
    }
    y += partHeights[i] + GAP;
  });
  context.fillStyle = '#57606a';
  context.font = font(15);
  context.fillText('Blue: images; grey dashes: studies; amber dots: shipped thresholds; green dots: chosen thresholds.', MARGIN, y);
  context.fillText(content.footer, MARGIN, y + LINE);
  return canvas;
}
