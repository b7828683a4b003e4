// Which view the page shows, from the URL's hash: "#examples" (gallery), "#examples/<case id>" (one case, a link
// of its own that survives a reload), "#examples/quiz" (quiz), "#examples/reader-study" (the reader's own
// results), "#calibrate" (calibration on one's own cases), anything else the analysis view (whose own in-page
// links, like "#result-3", must not leave it). Pure, for the tests; HashRoute (gallery-route.svelte.ts) follows
// the hash.
export type View = 'analyse' | 'browse' | 'quiz' | 'study' | 'calibrate';

export const VIEW_HASH: Record<View, string> = {
  analyse: '#',
  browse: '#examples',
  quiz: '#examples/quiz',
  study: '#examples/reader-study',
  calibrate: '#calibrate',
};

export function viewOf(hash: string): View {
  if (hash === VIEW_HASH.calibrate) return 'calibrate';
  if (hash === VIEW_HASH.quiz) return 'quiz';
  if (hash === VIEW_HASH.study) return 'study';
  if (hash === VIEW_HASH.browse || hash.startsWith(`${VIEW_HASH.browse}/`)) return 'browse';
  return 'analyse';
}

/** The case a "#examples/<id>" link opens; null for the grid and the other views. */
export function caseIdOf(hash: string): string | null {
  if (viewOf(hash) !== 'browse' || !hash.startsWith(`${VIEW_HASH.browse}/`)) return null;
  const id = decodeURIComponent(hash.slice(VIEW_HASH.browse.length + 1));
  return id || null;
}

export const caseHash = (id: string): string => `${VIEW_HASH.browse}/${encodeURIComponent(id)}`;
