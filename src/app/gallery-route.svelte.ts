// Which view the page shows, from the URL's hash: "#examples" (gallery), "#examples/quiz" (quiz), "#calibrate"
// (calibration on one's own cases), anything else the analysis view (whose own in-page links, like "#result-3", must not leave it).
export type View = 'analyse' | 'browse' | 'quiz' | 'calibrate';

export const VIEW_HASH: Record<View, string> = { analyse: '#', browse: '#examples', quiz: '#examples/quiz', calibrate: '#calibrate' };

export function viewOf(hash: string): View {
  if (hash === VIEW_HASH.calibrate) return 'calibrate';
  if (hash === VIEW_HASH.quiz) return 'quiz';
  if (hash === VIEW_HASH.browse || hash.startsWith(`${VIEW_HASH.browse}/`)) return 'browse';
  return 'analyse';
}

export class HashRoute {
  hash = $state(typeof location === 'undefined' ? '' : location.hash);
  view = $derived(viewOf(this.hash));

  constructor() {
    if (typeof window !== 'undefined') window.addEventListener('hashchange', () => (this.hash = location.hash));
  }

  go(view: View): void {
    location.hash = VIEW_HASH[view];
  }
}
