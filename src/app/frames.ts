// A multi-frame DICOM file is one card with one decision: its frames are views of one examination, combined by
// the same rule as a study's views (MURA's: the mean of their abnormality probabilities). Frames that disagree on
// the body part get no combined call: each frame's own result stays available on the card.
import type { Manifest } from '../pipeline/manifest';
import type { ImageResult } from '../pipeline/types';
import { decideAbnormality } from '../pipeline/decision';

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function meanProbabilities(results: ImageResult[]): Record<string, number> {
  const classes = Object.keys(results[0]?.bodyPartProbabilities ?? {});
  return Object.fromEntries(classes.map((name) => [name, mean(results.map((r) => r.bodyPartProbabilities[name] ?? 0))]));
}

export function combineFrames(frames: ImageResult[], fileName: string, manifest: Manifest): ImageResult {
  const first = frames[0];
  if (!first) throw new Error('a file has at least one frame');
  const { siteThresholds: _frameFlag, ...firstResult } = first; // set below only where thresholds decide
  const base: ImageResult = { ...firstResult, file: fileName, heatmap: null };
  const readable = frames.filter((f) => f.decision !== 'error');
  if (readable.length === 0) return { ...base, error: first.error };
  const bodyPartProbabilities = meanProbabilities(readable);
  const graded = readable.filter((f) => f.bodyPart !== null && f.abnormalProbability !== null);
  const parts = [...new Set(graded.map((f) => f.bodyPart!))];
  const failed = frames.length - readable.length;
  const skipped = failed ? ` ${failed} of ${frames.length} frames could not be analysed and are left out.` : '';
  if (graded.length === 0) {
    return { ...base, bodyPart: null, abnormalProbability: null, decision: 'unsupported', bodyPartProbabilities, error: (first.error ?? 'No frame shows a supported body part.') + skipped };
  }
  if (parts.length > 1 || graded.length < readable.length) {
    const calls = frames.map((f, i) => `${i + 1}: ${f.bodyPart ?? (f.decision === 'error' ? 'not analysed' : 'not supported')}`).join(', ');
    return {
      ...base,
      bodyPart: null,
      abnormalProbability: null,
      decision: 'uncertain',
      bodyPartProbabilities,
      error: `The frames do not show one body part (frame ${calls}), so they get no combined call. See each frame below.`,
    };
  }
  const bodyPart = parts[0]!;
  const abnormalProbability = mean(graded.map((f) => f.abnormalProbability!));
  const contradicted = graded.find((f) => f.reason);
  // the thresholds in effect (the site's, where set): the same rule as every single image
  return {
    ...base,
    bodyPart,
    abnormalProbability,
    ...decideAbnormality(abnormalProbability, bodyPart, manifest),
    // the header names another part than the model sees (src/pipeline/scope.ts): no call for the file either
    ...(contradicted ? { decision: 'uncertain' as const, reason: contradicted.reason } : {}),
    bodyPartProbabilities,
    error: skipped ? skipped.trim() : null,
  };
}
