// Inflating a Deflated Explicit VR Little Endian dataset without trusting it: the output is counted as it is
// produced and its element headers are walked as they arrive (DatasetGuard), so a stream that would expand past
// the limit, or past what its own header states, is stopped early instead of being inflated and then checked.
import { Inflate } from 'fflate';
import { DicomError } from './errors.js';
import { DatasetGuard } from './guard.js';
import { inflatedSizeProblem, MAX_INFLATED_BYTES } from '../limits.js';

/** Compressed bytes handed to the inflater at a time: zeros expand about 1,000-fold, so at most ~16 MB out per push. */
const INPUT_SLICE = 16_384;

/** The file's bytes before the deflated stream, then the inflated dataset, in one growing buffer. */
export class BoundedInflation {
  private buffer: Uint8Array;
  private length: number;
  private readonly guard: DatasetGuard;

  constructor(private readonly prefix: Uint8Array, deflatedLength: number) {
    const guess = Math.min(MAX_INFLATED_BYTES, Math.max(1 << 20, 8 * deflatedLength));
    this.buffer = new Uint8Array(prefix.length + guess);
    this.buffer.set(prefix);
    this.length = prefix.length;
    this.guard = new DatasetGuard(prefix.length, { explicit: true, inflated: true });
  }

  /** Appends inflated bytes; throws a DicomError (before growing) when they pass a limit. */
  write(chunk: Uint8Array): void {
    const inflated = this.inflatedBytes + chunk.length;
    const problem = inflatedSizeProblem(inflated);
    if (problem) throw new DicomError(problem);
    if (this.length + chunk.length > this.buffer.length) {
      const grown = new Uint8Array(this.prefix.length + Math.min(MAX_INFLATED_BYTES, Math.max(2 * (this.buffer.length - this.prefix.length), inflated)));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.length);
    this.length += chunk.length;
    this.guard.advance(this.buffer, this.length);
  }

  get inflatedBytes(): number {
    return this.length - this.prefix.length;
  }

  /** The whole dataset: the prefix, then every inflated byte. */
  result(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

function inflateError(error: unknown): DicomError {
  if (error instanceof DicomError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new DicomError(
    /unexpected EOF/i.test(reason)
      ? 'truncated DICOM file: the deflated dataset ends early'
      : 'the deflated dataset is corrupt and cannot be inflated (the file is damaged)',
  );
}

/** Inflates `bytes[position..]` with fflate's streaming inflater, a slice at a time; the whole file's bytes, inflated. */
export function inflateDatasetSync(bytes: Uint8Array, position: number): Uint8Array {
  const deflated = bytes.subarray(position);
  const output = new BoundedInflation(bytes.subarray(0, position), deflated.length);
  const inflater = new Inflate();
  inflater.ondata = (chunk) => output.write(chunk);
  try {
    if (deflated.length === 0) inflater.push(deflated, true);
    for (let at = 0; at < deflated.length; at += INPUT_SLICE) {
      inflater.push(deflated.subarray(at, at + INPUT_SLICE), at + INPUT_SLICE >= deflated.length);
    }
  } catch (error) {
    throw inflateError(error);
  }
  return output.result();
}

/**
 * Compressed bytes written to the platform's decompressor at a time. It inflates a written chunk whole before
 * the first piece can be read (Chromium: 2 s for the 64 MB that 64 KB of zeros make, on a busy machine), so the
 * slices are sized from the expansion seen so far to give about 4 MB each: 4 KB at first and for a bomb, up to
 * 1 MB for an ordinary dataset.
 */
const NATIVE_OUTPUT_PER_SLICE = 4_000_000;
const NATIVE_SLICE_MIN = 4096;
const NATIVE_SLICE_MAX = 1 << 20;

function nativeSlice(fed: number, inflated: number): number {
  if (fed === 0) return NATIVE_SLICE_MIN;
  const ratio = Math.max(1, inflated / fed);
  return Math.round(Math.min(NATIVE_SLICE_MAX, Math.max(NATIVE_SLICE_MIN, NATIVE_OUTPUT_PER_SLICE / ratio)));
}

/**
 * The same with the platform's own zlib (DecompressionStream), far faster than fflate. undefined where there is
 * none or the stream is corrupt (the synchronous path then words the error); a limit is thrown as it is. The input
 * is written a slice at a time (nativeSlice) as the output is read.
 */
export async function inflateDatasetNatively(bytes: Uint8Array, position: number): Promise<Uint8Array | undefined> {
  const Decompression = (globalThis as { DecompressionStream?: typeof DecompressionStream }).DecompressionStream;
  if (!Decompression) return undefined;
  const deflated = bytes.subarray(position);
  const output = new BoundedInflation(bytes.subarray(0, position), deflated.length);
  const stream = new Decompression('deflate-raw');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let stopped = false;
  const feeding = (async () => {
    for (let at = 0; at < deflated.length && !stopped; ) {
      await writer.ready;
      const end = Math.min(deflated.length, at + nativeSlice(at, output.inflatedBytes));
      await writer.write(deflated.slice(at, end));
      at = end;
    }
    if (!stopped) await writer.close();
  })();
  feeding.catch(() => {}); // a corrupt stream errors the reader too
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      output.write(value);
    }
    await feeding;
    return output.result();
  } catch (error) {
    stopped = true;
    await Promise.allSettled([reader.cancel(), writer.abort()]);
    if (error instanceof DicomError) throw error;
    return undefined;
  }
}
