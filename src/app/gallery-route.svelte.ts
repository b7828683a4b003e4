// The page's view, following the URL's hash (see gallery-links.ts for the links).
import { VIEW_HASH, caseHash, caseIdOf, viewOf, type View } from './gallery-links';

export { VIEW_HASH, caseHash, caseIdOf, viewOf, type View };

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
