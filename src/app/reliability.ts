// What the manifest's `parts` section (docs/manifest.md) means for a reader, in plain words. Absent figures
// give no line: nothing is guessed.
import type { PartReliability } from '../pipeline/manifest';

const per100 = (share: number) => Math.round(share * 100);

/** "On test films, the model could not tell for about 86 of 100 elbow films." */
export function uncertainShareLine(part: string, reliability: PartReliability | undefined): string | null {
  if (!reliability || reliability.testFilms === 0) return null;
  return `On test films it could not tell for about ${per100(reliability.uncertainShare)} of 100 ${part} films.`;
}

/** The warning every card of a weak part carries, or null. */
export function weakPartWarning(part: string, reliability: PartReliability | undefined): string | null {
  if (!reliability?.weak) return null;
  return `The ${part} model is weak: on test films its ${part} calls were often wrong. Give this result little weight.`;
}

/** "Of 100 elbow films called normal, about 7 are abnormal." (and the same for "abnormal"), where known. */
export function callLines(part: string, reliability: PartReliability | undefined): string[] {
  if (!reliability) return [];
  const lines: string[] = [];
  if (reliability.normalCallsRight !== null) {
    lines.push(`Of 100 ${part} films called normal, about ${100 - per100(reliability.normalCallsRight)} are abnormal.`);
  }
  if (reliability.abnormalCallsRight !== null) {
    lines.push(`Of 100 ${part} films called abnormal, about ${100 - per100(reliability.abnormalCallsRight)} are normal.`);
  }
  return lines;
}

/** The lines a report or card adds for a part: the weak warning first, then how often it cannot tell. */
export function partNotes(part: string, reliability: PartReliability | undefined): string[] {
  return [weakPartWarning(part, reliability), uncertainShareLine(part, reliability)].filter((line): line is string => line !== null);
}
