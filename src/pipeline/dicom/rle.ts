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
): Uint32Array {
  if (frame.length < HEADER_BYTES) throw new DicomError('RLE frame is shorter than its 64-byte header (truncated file?)');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segmentCount = view.getUint32(0, true);
  const expected = samplesPerPixel * bytesPerSample;
  if (segmentCount !== expected || segmentCount > MAX_SEGMENTS) {
    throw new DicomError(`RLE frame has ${segmentCount} segments where ${expected} were expected`);
  }
  const offsets = Array.from({ length: segmentCount }, (_, i) => view.getUint32(4 + 4 * i, true));
  const samples = new Uint32Array(pixelCount * samplesPerPixel);
  const plane = new Uint8Array(pixelCount);
  for (let segment = 0; segment < segmentCount; segment++) {
    const end = segment + 1 < segmentCount ? offsets[segment + 1] : frame.length;
    unpackBits(frame, offsets[segment], Math.min(end, frame.length), plane);
    const component = Math.floor(segment / bytesPerSample);
    const shift = 8 * (bytesPerSample - 1 - (segment % bytesPerSample));
    const base = component * pixelCount;
    for (let i = 0; i < pixelCount; i++) samples[base + i] |= plane[i] << shift;
  }
  return samples;
}

/** PackBits: n in 0..127 copies n+1 literal bytes; n in -127..-1 repeats the next byte 1-n times. */
function unpackBits(input: Uint8Array, start: number, end: number, out: Uint8Array): void {
  let read = start;
  let written = 0;
  while (written < out.length && read < end) {
    const n = (input[read++] << 24) >> 24;
    if (n >= 0) {
      const count = Math.min(n + 1, out.length - written, end - read);
      out.set(input.subarray(read, read + count), written);
      read += n + 1;
      written += count;
    } else if (n !== -128) {
      const count = Math.min(1 - n, out.length - written);
      out.fill(input[read++], written, written + count);
      written += count;
    }
  }
  if (written < out.length) throw new DicomError('RLE segment ends before the frame is complete (truncated file?)');
}
