// Helpers for the DICOM tests: reading the committed fixtures (made by scripts/make-dicom-fixtures.sh) and
// patching their bytes to make broken files.
import { readFileSync } from 'node:fs';

export const FIXTURES = 'test/fixtures/dicom';
/** The made-up patient name every fixture carries. */
export const FIXTURE_PATIENT_NAME = 'Fixture^Confidential';

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${FIXTURES}/${name}.dcm`));
}

/** Stored 8-bit pixels of the reference: an Explicit VR Little Endian file ends with its pixel data. */
export function referencePixels8(): Uint8Array {
  const bytes = fixture('hand8_explicit_le');
  const rows = explicitUint16(bytes, 0x0028, 0x0010);
  const columns = explicitUint16(bytes, 0x0028, 0x0011);
  return bytes.slice(bytes.length - rows * columns);
}

function tagBytes(group: number, element: number, vr: string): number[] {
  return [group & 0xff, group >> 8, element & 0xff, element >> 8, vr.charCodeAt(0), vr.charCodeAt(1)];
}

function indexOfSequence(bytes: Uint8Array, sequence: number[]): number {
  outer: for (let i = 0; i + sequence.length <= bytes.length; i++) {
    for (let j = 0; j < sequence.length; j++) if (bytes[i + j] !== sequence[j]) continue outer;
    return i;
  }
  throw new Error(`byte sequence ${sequence.join(',')} not found`);
}

/** Offset of the value of an explicit-VR little-endian US element. */
function usValueOffset(bytes: Uint8Array, group: number, element: number): number {
  return indexOfSequence(bytes, tagBytes(group, element, 'US')) + 8;
}

export function explicitUint16(bytes: Uint8Array, group: number, element: number): number {
  const at = usValueOffset(bytes, group, element);
  return bytes[at] | (bytes[at + 1] << 8);
}

export function withUint16(bytes: Uint8Array, group: number, element: number, value: number): Uint8Array {
  const patched = bytes.slice();
  const at = usValueOffset(patched, group, element);
  patched[at] = value & 0xff;
  patched[at + 1] = value >> 8;
  return patched;
}

/** Replaces an ASCII string with another of the same length (e.g. one UID for another). */
export function withText(bytes: Uint8Array, from: string, to: string): Uint8Array {
  if (from.length !== to.length) throw new Error('withText keeps the file layout: same length only');
  const patched = bytes.slice();
  patched.set([...to].map((c) => c.charCodeAt(0)), indexOfSequence(patched, [...from].map((c) => c.charCodeAt(0))));
  return patched;
}

/** Renames the Pixel Data element (7FE0,0010) to a private tag, so the file has no pixel data. */
export function withoutPixelData(bytes: Uint8Array): Uint8Array {
  const patched = bytes.slice();
  const at = indexOfSequence(patched, [0xe0, 0x7f, 0x10, 0x00]);
  patched[at] = 0xe1;
  return patched;
}

/** The dataset alone: no 128-byte preamble, no DICM, no file meta group. */
export function withoutPart10Header(bytes: Uint8Array): Uint8Array {
  const metaLengthAt = 128 + 4 + 8; // preamble, DICM, (0002,0000) UL tag/VR/length
  const metaLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(metaLengthAt, true);
  return bytes.slice(metaLengthAt + 4 + metaLength);
}

export function meanAbsoluteDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

/** Mean of b - a: a systematic offset that an average of absolute errors would hide. */
export function meanDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += b[i] - a[i];
  return sum / a.length;
}

export function maxAbsoluteDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
