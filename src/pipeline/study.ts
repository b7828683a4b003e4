// Study aggregation (MURA's rule): a study's probability is the mean of its images' abnormal probabilities.
import type { Manifest } from './manifest';
import type { ImageResult, StudyResult } from './types';
import { decideAbnormality } from './decision';

/**
 * Groups the analysed images (unsupported and failed ones are left out) into studies of one body part.
 * `studyOf` names the study an image belongs to; by default all images of a body part form one study.
 * Studies come in the order their first image appears.
 */
export function groupStudies(
  results: ImageResult[],
  manifest: Manifest,
  studyOf: (r: ImageResult) => string = () => '',
): StudyResult[] {
  const groups = new Map<string, { bodyPart: string; files: string[]; probabilities: number[] }>();
  for (const result of results) {
    if (result.bodyPart === null || result.abnormalProbability === null) continue;
    const key = JSON.stringify([studyOf(result), result.bodyPart]);
    let group = groups.get(key);
    if (!group) {
      group = { bodyPart: result.bodyPart, files: [], probabilities: [] };
      groups.set(key, group);
    }
    group.files.push(result.file);
    group.probabilities.push(result.abnormalProbability);
  }
  return [...groups.values()].map(({ bodyPart, files, probabilities }) => {
    const abnormalProbability = studyProbability(probabilities);
    return { bodyPart, files, abnormalProbability, ...decideAbnormality(abnormalProbability, bodyPart, manifest) };
  });
}

/** A study's abnormal probability from its views' (MURA's rule: their mean). */
export function studyProbability(probabilities: readonly number[]): number {
  return probabilities.reduce((a, b) => a + b, 0) / probabilities.length;
}
