// Which view the page shows, from the URL's hash: "#examples" (gallery), "#examples/<case id>" (one case, a link
// of its own that survives a reload), "#examples/quiz" (quiz), "#examples/reader-study" (the reader's own
// results), "#calibrate" (calibration on one's own cases), anything else the analysis view (whose own in-page
// links, like "#result-3", must not leave it).
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

export class HashRoute {
  hash = $state(typeof location === 'undefined' ? '' : location.hash);
  view = $derived(viewOf(this.hash));
  caseId = $derived(caseIdOf(this.hash));

  constructor() {
    if (typeof window !== 'undefined') window.addEventListener('hashchange', () => (this.hash = location.hash));
  }

  go(view: View): void {
    location.hash = VIEW_HASH[view];
    this.hash = location.hash;
  }

  /** Opens a case (its own link) or, with null, goes back to the grid; `replace` keeps the history as it is. */
  openCase(id: string | null, replace = false): void {
    const hash = id === null ? VIEW_HASH.browse : caseHash(id);
    if (replace) history.replaceState(history.state, '', hash);
    else location.hash = hash;
    this.hash = location.hash;
  }
}
