import { describe, expect, it } from 'vitest';
import { errorResult } from '../../src/pipeline/analyze';
import { parseManifest } from '../../src/pipeline/manifest';
import { groupStudies } from '../../src/pipeline/study';
import type { ImageResult } from '../../src/pipeline/types';
import { exampleManifestJson } from './support/manifest-example';

const manifest = parseManifest(exampleManifestJson());

function analysed(file: string, bodyPart: string, abnormalProbability: number): ImageResult {
  return {
    file, bodyPart, abnormalProbability,
    bodyPartProbabilities: {}, decision: 'normal', error: null, heatmap: null, width: 10, height: 10,
  };
}

function unsupported(file: string): ImageResult {
  return { ...errorResult(file, 'not a supported radiograph'), decision: 'unsupported' };
}

describe('groupStudies (MURA rule: a study is the mean of its views)', () => {
  it("averages the views of one part and tiers the mean with that part's thresholds", () => {
    const { low, high } = manifest.thresholds.elbow;
    const views = [analysed('a.png', 'elbow', high), analysed('b.png', 'elbow', low - 0.1), analysed('c.png', 'elbow', low)];
    const [study] = groupStudies(views, manifest);
    expect(study.bodyPart).toBe('elbow');
    expect(study.files).toEqual(['a.png', 'b.png', 'c.png']);
    expect(study.abnormalProbability).toBeCloseTo((high + low - 0.1 + low) / 3, 12);
    // one abnormal-looking view alone does not make the study abnormal
    expect(study.decision).toBe('uncertain');
  });

  it('leaves out unsupported and failed images', () => {
    const studies = groupStudies(
      [unsupported('cat.jpg'), analysed('h.png', 'hand', 0.9), errorResult('broken.png', 'empty file')],
      manifest,
    );
    expect(studies).toEqual([{ bodyPart: 'hand', files: ['h.png'], abnormalProbability: 0.9, decision: 'abnormal' }]);
  });

  it('keeps different body parts apart, in order of first appearance', () => {
    const studies = groupStudies(
      [analysed('s1', 'shoulder', 0.1), analysed('h1', 'hand', 0.1), analysed('s2', 'shoulder', 0.3)],
      manifest,
    );
    expect(studies.map((s) => [s.bodyPart, s.files])).toEqual([['shoulder', ['s1', 's2']], ['hand', ['h1']]]);
    expect(studies[0].decision).toBe('normal');
    expect(studies[0].abnormalProbability).toBeCloseTo(0.2, 12);
  });

  it('splits by the study each image belongs to when told how', () => {
    const images = [analysed('p1/v1', 'elbow', 0.9), analysed('p2/v1', 'elbow', 0.1), analysed('p1/v2', 'elbow', 0.8)];
    const studies = groupStudies(images, manifest, (r) => r.file.split('/')[0]);
    expect(studies.map((s) => s.files)).toEqual([['p1/v1', 'p1/v2'], ['p2/v1']]);
    expect(studies.map((s) => s.decision)).toEqual(['abnormal', 'normal']);
  });

  it('returns no studies when nothing was analysed', () => {
    expect(groupStudies([], manifest)).toEqual([]);
  });
});
