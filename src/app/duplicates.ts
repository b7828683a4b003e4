// The same file dropped twice is one film, not two views: files are recognised by the SHA-256 of their bytes.

/** SHA-256 of the bytes as hex; null where the browser offers no Web Crypto (an insecure context). */
export async function fileDigest(bytes: ArrayBuffer): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The files of this session by digest, to tell a repeat from a new file. */
export class SeenFiles {
  #names = new Map<string, string>();

  /** The name of the earlier file with the same bytes, or null when new (it is then remembered as `name`). */
  see(digest: string | null, name: string): string | null {
    if (digest === null) return null;
    const earlier = this.#names.get(digest);
    if (earlier !== undefined) return earlier;
    this.#names.set(digest, name);
    return null;
  }

  forget(digest: string | null | undefined): void {
    if (digest) this.#names.delete(digest);
  }
}

/** The note shown when a repeat is left out. */
export function duplicateNote(name: string, earlier: string): string {
  return name === earlier
    ? `${name} was added again and left out: it is already in the list.`
    : `${name} was left out: it is the same file as ${earlier}, already in the list.`;
}
