// The site's own thresholds, kept on this device in IndexedDB (one record: the thresholds file as exported,
// with its case counts and date). Nothing else is stored, and no image or file name is ever part of it.
import { parseSiteThresholds, type SiteThresholds } from '../pipeline/site-thresholds';

const DB_NAME = 'bonelens';
const STORE = 'settings';
const KEY = 'site-thresholds';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
  });
}

async function transact<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = act(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
    });
  } finally {
    db.close();
  }
}

/** The saved thresholds, or null when none are saved (or storage is unavailable, or the record is unreadable). */
export async function loadSiteThresholds(): Promise<SiteThresholds | null> {
  try {
    const stored = await transact('readonly', (store) => store.get(KEY));
    return stored === undefined ? null : parseSiteThresholds(stored);
  } catch {
    return null;
  }
}

/** Saves (or, with null, forgets) the site thresholds; throws when this browser cannot store them. */
export async function saveSiteThresholds(site: SiteThresholds | null): Promise<void> {
  if (site) await transact('readwrite', (store) => store.put(site, KEY));
  else await transact('readwrite', (store) => store.delete(KEY));
}
