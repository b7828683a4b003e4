// The names exports may show. File names often carry the patient's name (PACS exports do), so by default
// ("anonymise file names", on) every export says "Image 1, 2, 3" and "Study 1, 2" instead.

/** Export name of each card, by entry id, in the order the cards are shown. */
export function imageNames(entries: readonly { id: number; name: string }[], anonymise: boolean): Map<number, string> {
  return new Map(entries.map((entry, i) => [entry.id, anonymise ? `Image ${i + 1}` : entry.name]));
}

/** Export name of each study, by its key, in the order the studies are shown. */
export function studyNames(studies: readonly { key: string; name: string }[], anonymise: boolean): Map<string, string> {
  return new Map(studies.map((study, i) => [study.key, anonymise ? `Study ${i + 1}` : study.name]));
}
