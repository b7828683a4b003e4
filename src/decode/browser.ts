// Turns the bytes of a dropped file into the 8-bit grayscale image the pipeline expects, in a Web Worker
// (createImageBitmap + OffscreenCanvas; DICOM through the pipeline's own decoder). Every failure is a
// DecodeError whose message is written for the person who dropped the file.
import { rgbaToGray, sniffFormat, type ImageFormat } from '../pipeline/image';
import type { GrayImage } from '../pipeline/types';
import type { DicomMeta } from '../pipeline/dicom/index';
import { fitWithin, imageDimensions, type Dimensions } from './dimensions';
import { fileSizeProblem, imageSizeProblem } from '../pipeline/limits';

export class DecodeError extends Error {
  override name = 'DecodeError';
}

export interface DecodedImage {
  /** one image per view: a multi-frame DICOM file holds several, every other file one */
  frames: GrayImage[];
  /** the first (usually only) view */
  image: GrayImage;
  format: ImageFormat;
  /** the stored size, before any downscaling for memory */
  original: Dimensions;
  /**
   * DICOM only: the header and the modality values of each frame (for window/level on the page); `reduction` 1
   * when every stored pixel was decoded, 2, 4, ... when decoded that much smaller for the model (minSide)
   */
  dicom?: { meta: DicomMeta; values: Float32Array[]; min: number; max: number; reduction: number; reducedDecodeFailure?: string };
}

export interface DecodeOptions {
  /** DICOM JPEG 2000: decode only as large as this shorter side needs (modelDecodeMinSide), for the model alone */
  minSide?: number;
}

/** Long side of the pixels we read from a raster image; larger images are decoded straight to this size. */
export const MAX_DECODE_SIDE = 4096;

const MIME: Partial<Record<ImageFormat, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  bmp: 'image/bmp',
  gif: 'image/gif',
};

async function decodeDicom(bytes: Uint8Array, minSide: number | undefined): Promise<DecodedImage> {
  // its own chunk (with its WASM codecs), loaded only when a DICOM file arrives
  const { decodeDicomFile } = await import('../pipeline/dicom/index');
  let decoded: Awaited<ReturnType<typeof decodeDicomFile>>;
  try {
    decoded = await decodeDicomFile(bytes, { minSide });
  } catch (error) {
    throw new DecodeError(`could not read this DICOM file: ${error instanceof Error ? error.message : error}`);
  }
  const { frames, meta, raw, reduction, reducedDecodeFailure } = decoded;
  const image = frames[0];
  if (!image) throw new DecodeError('this DICOM file holds no image frames');
  const dicom = { meta, ...raw, reduction, ...(reducedDecodeFailure ? { reducedDecodeFailure } : {}) };
  return { frames, image, format: 'dicom', original: { width: meta.columns, height: meta.rows }, dicom };
}

async function decodeRaster(bytes: Uint8Array, format: ImageFormat, maxSide: number): Promise<DecodedImage> {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: MIME[format] });
  const stored = imageDimensions(bytes, format);
  // refused from the header's size, before the browser decodes (and allocates for) every pixel
  const tooLarge = stored && imageSizeProblem(stored.width, stored.height);
  if (tooLarge) throw new DecodeError(tooLarge);
  const options: ImageBitmapOptions = { colorSpaceConversion: 'none', premultiplyAlpha: 'none' };
  const target = stored && fitWithin(stored, maxSide);
  const needsDownscale = stored && target && (target.width < stored.width || target.height < stored.height);
  const sized: ImageBitmapOptions = needsDownscale
    ? { ...options, resizeWidth: target.width, resizeHeight: target.height, resizeQuality: 'high' }
    : options;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, sized);
  } catch {
    throw new DecodeError(`could not decode this ${format.toUpperCase()} file: it is corrupt or truncated`);
  }
  const original = stored ?? { width: bitmap.width, height: bitmap.height };
  try {
    if (Math.max(bitmap.width, bitmap.height) > maxSide) {
      // the header did not tell the size; shrink now, still before reading any pixels
      const smaller = fitWithin(bitmap, maxSide);
      const resized = await createImageBitmap(bitmap, { resizeWidth: smaller.width, resizeHeight: smaller.height, resizeQuality: 'high' });
      bitmap.close();
      bitmap = resized;
    }
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new DecodeError('this browser cannot read image pixels (no 2D canvas in workers)');
    context.drawImage(bitmap, 0, 0);
    const rgba = context.getImageData(0, 0, width, height).data;
    const image = rgbaToGray(rgba, width, height);
    return { frames: [image], image, format, original };
  } finally {
    bitmap.close();
  }
}

/** Decodes a file's bytes to grayscale; throws DecodeError with a reason a person can act on. */
export async function decodeImageBytes(bytes: Uint8Array, maxSide = MAX_DECODE_SIDE, { minSide }: DecodeOptions = {}): Promise<DecodedImage> {
  if (bytes.length === 0) throw new DecodeError('empty file (0 bytes)');
  const tooBig = fileSizeProblem(bytes.length);
  if (tooBig) throw new DecodeError(tooBig);
  let format = sniffFormat(bytes);
  // a DICOM dataset written without the 128-byte preamble has no magic number: the DICOM parser decides
  if (format === 'unknown' && (await import('../pipeline/dicom/index')).isDicom(bytes)) format = 'dicom';
  if (format === 'unknown') {
    throw new DecodeError('not an image: the contents are not PNG, JPEG, WebP, BMP, GIF or DICOM, whatever the file name says');
  }
  if (format === 'dicom') return decodeDicom(bytes, minSide);
  return decodeRaster(bytes, format, maxSide);
}

/** A downscaled bitmap of the grayscale image (what the model saw), to show on the page. */
export async function previewBitmap(image: GrayImage, maxSide: number): Promise<ImageBitmap> {
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0; i < image.data.length; i++) {
    const v = image.data[i]!;
    rgba[4 * i] = v;
    rgba[4 * i + 1] = v;
    rgba[4 * i + 2] = v;
    rgba[4 * i + 3] = 255;
  }
  const size = fitWithin(image, maxSide);
  return createImageBitmap(new ImageData(rgba, image.width, image.height), {
    resizeWidth: size.width,
    resizeHeight: size.height,
    resizeQuality: 'medium',
  });
}
