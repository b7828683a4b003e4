// A multi-frame file gets one decision: its frames combined as a study's views are (mean probability).
import { describe, expect, it } from 'vitest';
import { combineFrames } from '../../src/app/frames';
import { errorResult } from '../../src/pipeline/analyze';
import { parseManifest } from '../../src/pipeline/manifest';
import type { ImageResult } from '../../src/pipeline/types';
import { exampleManifestJson } from './support/manifest-example';

const manifest = parseManifest(exampleManifestJson());

const frame = (k: number, bodyPart: string | null, abnormalProbability: number | null): ImageResult => ({
  file: `scan.dcm#${k}`,
  bodyPart,
  abnormalProbability,
  bodyPartProbabilities: { hand: bodyPart === 'hand' ? 0.9 : 0.1, elbow: bodyPart === 'elbow' ? 0.9 : 0.1 },
  decision: bodyPart ? 'normal' : 'unsupported',
  error: null,
  heatmap: null,
  width: 10,
  height: 10,
});

describe('combining the frames of one file', () => {
  it('averages the frames of one body part and tiers the mean with its thresholds', () => {
    const { low, high } = manifest.thresholds.hand;
    const combined = combineFrames([frame(1, 'hand', high), frame(2, 'hand', low - 0.05), frame(3, 'hand', low)], 'scan.dcm', manifest);
    expect(combined.file).toBe('scan.dcm');
    expect(combined.bodyPart).toBe('hand');
    expect(combined.abnormalProbability).toBeCloseTo((high + low - 0.05 + low) / 3, 12);
    expect(combined.decision).toBe(combined.abnormalProbability! < low ? 'normal' : combined.abnormalProbability! >= high ? 'abnormal' : 'uncertain');
    expect(combined.bodyPartProbabilities.hand).toBeCloseTo(0.9);
  });

  it('gives no combined call when the frames show different body parts, and says which', () => {
    const combined = combineFrames([frame(1, 'hand', 0.2), frame(2, 'elbow', 0.2)], 'scan.dcm', manifest);
    expect(combined.decision).toBe('uncertain');
    expect(combined.abnormalProbability).toBeNull();
    expect(combined.error).toContain('frame 1: hand, 2: elbow');
  });

  it('leaves out frames that failed, saying so, and is unsupported when no frame is supported', () => {
    const withFailure = combineFrames([frame(1, 'hand', 0.1), errorResult('scan.dcm#2', 'corrupt frame')], 'scan.dcm', manifest);
    expect(withFailure.bodyPart).toBe('hand');
    expect(withFailure.abnormalProbability).toBeCloseTo(0.1);
    expect(withFailure.error).toContain('1 of 2 frames could not be analysed');
    expect(combineFrames([frame(1, null, null), frame(2, null, null)], 'scan.dcm', manifest).decision).toBe('unsupported');
    expect(combineFrames([errorResult('scan.dcm#1', 'bad')], 'scan.dcm', manifest).decision).toBe('error');
  });

  it('stays uncertain when the header names another part than the model sees on its frames', () => {
    const reason = 'the header says ELBOW, the model sees a hand: check which body part this film shows';
    const contradicted = { ...frame(1, 'hand', 0.01), decision: 'uncertain' as const, reason };
    const combined = combineFrames([contradicted, { ...frame(2, 'hand', 0.01), decision: 'uncertain', reason }], 'scan.dcm', manifest);
    expect(combined.decision).toBe('uncertain');
    expect(combined.reason).toBe(reason);
  });
});
