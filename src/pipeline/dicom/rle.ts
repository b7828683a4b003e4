// DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of up to 15 segment offsets, then one PackBits
// segment per byte plane, most significant byte first, one component after another.
import { DicomError } from './errors.js';

const HEADER_BYTES = 64;
const MAX_SEGMENTS = 15;

/** Decodes one RLE frame into samples in planar order (all of component 0, then component 1, ...). */
export function decodeRle(
  frame: Uint8Array,
  pixelCount: number,
  samplesPerPixel: number,
  bytesPerSample: number,
): Uint8Array | Uint16Array | Uint32Array {
  if (frame.length < HEADER_BYTES) throw new DicomError('RLE frame is shorter than its 64-byte header (truncated file?)');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segmentCount = view.getUint32(0, true);
  const expected = samplesPerPixel * bytesPerSample;
  if (segmentCount !== expected || segmentCount > MAX_SEGMENTS) {
    throw new DicomError(`RLE frame has ${segmentCount} segments where ${expected} were expected`);
  }
  const offsets = Array.from({ length: segmentCount }, (_, i) => view.getUint32(4 + 4 * i, true));
  const sampleCount = pixelCount * samplesPerPixel;
  const segmentEnd = (segment: number) => Math.min(segment + 1 < segmentCount ? offsets[segment + 1] : frame.length, frame.length);
  if (bytesPerSample === 1 || (bytesPerSample === 2 && PLATFORM_LITTLE_ENDIAN)) {
    // straight into the samples' own bytes: no byte planes to join (16 bits: high byte first in the file,
    // at the odd address of each little-endian sample)
    const samples = bytesPerSample === 1 ? new Uint8Array(sampleCount) : new Uint16Array(sampleCount);
    const bytes = new Uint8Array(samples.buffer);
    for (let segment = 0; segment < segmentCount; segment++) {
      const component = Math.floor(segment / bytesPerSample);
      const significance = bytesPerSample - 1 - (segment % bytesPerSample); // 1: high byte, 0: low byte
      const first = component * pixelCount * bytesPerSample + significance;
      unpackBits(frame, offsets[segment], segmentEnd(segment), bytes, first, bytesPerSample, pixelCount);
    }
    return samples;
  }
  const samples = bytesPerSample <= 2 ? new Uint16Array(sampleCount) : new Uint32Array(sampleCount);
  const planes = Array.from({ length: bytesPerSample }, () => new Uint8Array(pixelCount));
  for (let component = 0; component < samplesPerPixel; component++) {
    for (let byte = 0; byte < bytesPerSample; byte++) {
      const segment = component * bytesPerSample + byte;
      unpackBits(frame, offsets[segment], segmentEnd(segment), planes[byte], 0, 1, pixelCount);
    }
    const target = samples.subarray(component * pixelCount, (component + 1) * pixelCount);
    if (bytesPerSample === 1) target.set(planes[0]);
    else if (bytesPerSample === 2) joinBytes(planes[0], planes[1], target);
    else for (let byte = 0; byte < bytesPerSample; byte++) orShifted(planes[byte], 8 * (bytesPerSample - 1 - byte), target);
  }
  return samples;
}

/** One pass, no read-modify-write: the common 16-bit case. */
function joinBytes(high: Uint8Array, low: Uint8Array, out: Uint16Array | Uint32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (high[i] << 8) | low[i];
}

function orShifted(plane: Uint8Array, shift: number, out: Uint16Array | Uint32Array): void {
  for (let i = 0; i < out.length; i++) out[i] |= plane[i] << shift;
}

/**
 * PackBits: n in 0..127 copies n+1 literal bytes; n in -127..-1 repeats the next byte 1-n times. Writes `count`
 * bytes to out[first], out[first + stride], ...
 */
function unpackBits(input: Uint8Array, start: number, end: number, out: Uint8Array, first: number, stride: number, count: number): void {
  let read = start;
  let written = 0;
  let at = first;
  while (written < count && read < end) {
    const n = (input[read++] << 24) >> 24;
    if (n >= 0) {
      // literal runs are at most 128 bytes: a plain loop beats creating a subarray for each
      const run = Math.min(n + 1, count - written, end - read);
      for (let k = 0; k < run; k++, at += stride) out[at] = input[read + k];
      read += n + 1;
      written += run;
    } else if (n !== -128) {
      const run = Math.min(1 - n, count - written);
      const value = input[read++];
      if (stride === 1) {
        out.fill(value, at, at + run);
        at += run;
      } else for (let k = 0; k < run; k++, at += stride) out[at] = value;
      written += run;
    }
  }
  if (written < count) throw new DicomError('RLE segment ends before the frame is complete (truncated file?)');
}

const PLATFORM_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
