// The same file dropped twice is recognised by its bytes, whatever its name; a different file is not.
import { describe, expect, it } from 'vitest';
import { duplicateNote, fileDigest, SeenFiles } from '../../src/app/duplicates';
import { fixtureBytes } from './support/models';

const buffer = (bytes: Uint8Array) => bytes.slice().buffer as ArrayBuffer;

describe('duplicate detection', () => {
  it('gives the same SHA-256 for the same bytes and another for other bytes', async () => {
    const elbow = fixtureBytes('elbow_fracatlas_IMG0002519.jpg');
    const hand = fixtureBytes('hand_fracatlas_IMG0002940.jpg');
    const digest = await fileDigest(buffer(elbow));
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await fileDigest(buffer(elbow))).toBe(digest);
    expect(await fileDigest(buffer(hand))).not.toBe(digest);
    const oneByteChanged = elbow.slice();
    oneByteChanged[oneByteChanged.length >> 1] ^= 1;
    expect(await fileDigest(buffer(oneByteChanged))).not.toBe(digest);
  });

  it('names the earlier file for a repeat, even renamed, and forgets a removed file', async () => {
    const seen = new SeenFiles();
    const elbow = await fileDigest(buffer(fixtureBytes('elbow_fracatlas_IMG0002519.jpg')));
    const hand = await fileDigest(buffer(fixtureBytes('hand_fracatlas_IMG0002940.jpg')));
    expect(seen.see(elbow, 'elbow.jpg')).toBeNull();
    expect(seen.see(hand, 'hand.jpg')).toBeNull();
    expect(seen.see(elbow, 'copy of elbow.jpg')).toBe('elbow.jpg');
    expect(duplicateNote('copy of elbow.jpg', 'elbow.jpg')).toBe('copy of elbow.jpg was left out: it is the same file as elbow.jpg, already in the list.');
    seen.forget(elbow);
    expect(seen.see(elbow, 'elbow.jpg')).toBeNull();
    // without a digest (no Web Crypto) nothing is called a repeat
    expect(seen.see(null, 'a')).toBeNull();
    expect(seen.see(null, 'a')).toBeNull();
  });
});
