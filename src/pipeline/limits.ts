// The stated limits on one input file, in one place: the app's worker and the CLI refuse a file past them
// with a message that says by how much, before allocating anything in proportion to it.
//
// - File size, 512 MB: a large uncompressed radiograph is 20 to 60 MB; the file is read into memory whole
//   (in a browser tab as well), and the decoded values take several times its pixel count.
// - Pixels, 2^27 (about 134 megapixels) per file, all frames together: the DICOM decoder keeps one float per
//   pixel for window/level next to the 8-bit image, so this is about 670 MB at most, near what a browser tab
//   reliably gets. The largest radiographs (a 43 x 35 cm detector at 0.1 mm, mammograms) are 15 to 25 megapixels.
// - Frames, 1,000 per DICOM file: every frame is analysed as a view of its own.

export const MAX_FILE_BYTES = 512_000_000;
export const MAX_PIXELS = 2 ** 27;
export const MAX_FRAMES = 1000;

/** A file refused for its size, its pixel count or its frame count; the message states the limit. */
export class LimitError extends Error {
  override name = 'LimitError';
}

/** A byte count in words, for messages: `812 MB`, `0.5 MB`. */
export function megabytes(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb >= 10 ? Math.round(mb) : Number(mb.toPrecision(2))} MB`;
}

function megapixels(pixels: number): string {
  const mp = pixels / 1e6;
  return `${mp >= 10 ? Math.round(mp) : Number(mp.toPrecision(2))} megapixels`;
}

export function fileSizeProblem(bytes: number): string | undefined {
  if (bytes <= MAX_FILE_BYTES) return undefined;
  return `file too large: it is ${megabytes(bytes)}; the limit is ${megabytes(MAX_FILE_BYTES)}`;
}

/** `frames` images of `width` x `height` pixels, as a header states them (before any pixel is decoded). */
export function imageSizeProblem(width: number, height: number, frames = 1): string | undefined {
  if (frames > MAX_FRAMES) return `too many frames: the file has ${frames}; the limit is ${MAX_FRAMES}`;
  const pixels = width * height * frames;
  if (pixels <= MAX_PIXELS) return undefined;
  const what = frames > 1 ? `${frames} frames of ${width}x${height}` : `${width}x${height}`;
  return `image too large: ${what} is ${megapixels(pixels)}; the limit is ${megapixels(MAX_PIXELS)}`;
}

export function checkFileSize(bytes: number): void {
  const problem = fileSizeProblem(bytes);
  if (problem) throw new LimitError(problem);
}

export function checkImageSize(width: number, height: number, frames = 1): void {
  const problem = imageSizeProblem(width, height, frames);
  if (problem) throw new LimitError(problem);
}

/** Limits in words, for help texts. */
export const LIMITS_TEXT = `${megabytes(MAX_FILE_BYTES)} per file, ${megapixels(MAX_PIXELS)} per file (all frames together), ${MAX_FRAMES} frames per file`;

// Expansion: a compressed stream can claim or produce far more than its file's size (a 3 MB deflated DICOM
// dataset can expand to 3 GB). Every decompression is stopped as soon as it would pass what the header states
// or these limits, before it allocates for it.
//
// - A deflated DICOM dataset may expand to at most the file-size limit, 512 MB (the inflated bytes are held
//   whole, like a file read into memory).
// - Sequences nested at most 64 deep: real files nest a handful of levels; the DICOM parser recurses once per
//   level, and a browser worker's stack is smaller than Node's.

export const MAX_INFLATED_BYTES = MAX_FILE_BYTES;
export const MAX_SEQUENCE_DEPTH = 64;

export function inflatedSizeProblem(bytes: number): string | undefined {
  if (bytes <= MAX_INFLATED_BYTES) return undefined;
  return `the deflated dataset expands past ${megabytes(MAX_INFLATED_BYTES)}; the limit is ${megabytes(MAX_INFLATED_BYTES)}`;
}

export function sequenceDepthProblem(depth: number): string | undefined {
  if (depth <= MAX_SEQUENCE_DEPTH) return undefined;
  return `sequences nested too deeply: more than ${MAX_SEQUENCE_DEPTH} levels; the limit is ${MAX_SEQUENCE_DEPTH}`;
}
