// Node-side decoding of a file's bytes to the pipeline's grayscale frames (sharp for raster formats,
// a pure decoder for BMP, the project's DICOM decoder for DICOM). Browser code decodes elsewhere.
import sharp, { type Sharp } from 'sharp';
import type { GrayImage } from '../pipeline/types';
import { gray16ToGray, rgbaToGray, sniffFormat, type ImageFormat } from '../pipeline/image';
import { decodeBmp } from '../pipeline/bmp';
import { decodeDicomFile, isDicom, type DicomMeta } from '../pipeline/dicom/index';
import { checkFileSize, checkImageSize, LimitError, MAX_PIXELS } from '../pipeline/limits';
import { imageDimensions } from './dimensions';

/** sharp refuses inputs above this many pixels before decoding them (decompression-bomb guard): the shared limit. */
export const MAX_INPUT_PIXELS = MAX_PIXELS;
/** Larger images are first downscaled by sharp so the long side is at most this (aspect kept). */
export const MAX_DECODED_SIDE = 4096;

const FORMAT_NAMES: Record<ImageFormat, string> = {
  png: 'PNG', jpeg: 'JPEG', webp: 'WebP', bmp: 'BMP', gif: 'GIF', dicom: 'DICOM', unknown: 'image',
};

export interface DecodedFile {
  format: ImageFormat;
  /** one frame per image; several for multi-frame DICOM */
  frames: GrayImage[];
  /** DICOM only: the header (patient fields included: keep it in memory, never print it) */
  dicom?: DicomMeta;
  /** the size as stored, where the frames were decoded smaller for the model (DICOM, JPEG 2000 resolution levels) */
  stored?: { width: number; height: number };
  /** why a decode at the model's size failed, where the file was then decoded at full size instead (DICOM) */
  reducedDecodeFailure?: string;
}

export interface NodeDecodeOptions {
  /** decode DICOM JPEG 2000 only as large as this shorter side needs (modelDecodeMinSide): for the model alone */
  minSide?: number;
}

/** The content's format; a DICOM dataset written without the 128-byte preamble has no magic number, so the DICOM parser decides. */
export function detectFormat(bytes: Uint8Array): ImageFormat {
  const sniffed = sniffFormat(bytes);
  if (sniffed !== 'unknown') return sniffed;
  return isDicom(bytes) ? 'dicom' : 'unknown';
}

async function decodeDicom(bytes: Uint8Array, minSide: number | undefined): Promise<DecodedFile> {
  const { frames, meta, reduction, reducedDecodeFailure } = await decodeDicomFile(bytes, { minSide });
  if (frames.length === 0) throw new Error('DICOM file holds no image frames');
  return {
    format: 'dicom',
    frames,
    dicom: meta,
    ...(reduction > 1 ? { stored: { width: meta.columns, height: meta.rows } } : {}),
    ...(reducedDecodeFailure ? { reducedDecodeFailure } : {}),
  };
}

/** What is wrong with the file, from sharp's error: its own text names libvips and libpng, not the file's problem. */
function sharpProblem(error: unknown, format: ImageFormat): string {
  const reason = error instanceof Error ? error.message : String(error);
  const name = FORMAT_NAMES[format];
  if (/premature end|truncated|unexpected end|end of (the )?(file|input|data|stream)|not enough data|out of data|too short/i.test(reason)) {
    return `corrupt ${name}: the file ends before the image does (cut short)`;
  }
  if (/header|signature|unsupported image format|not a known file format|not a (png|jpeg|webp|gif)/i.test(reason)) {
    return `corrupt ${name}: its header is damaged`;
  }
  return `corrupt ${name}: the image data is damaged and cannot be decoded`;
}

async function decodeWithSharp(input: Sharp): Promise<GrayImage> {
  const oriented = input.rotate().resize(MAX_DECODED_SIDE, MAX_DECODED_SIDE, { fit: 'inside', withoutEnlargement: true });
  const meta = await input.metadata();
  const colourChannels = (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0);
  if (meta.depth === 'ushort' && colourChannels === 1) {
    const { data, info } = await oriented.extractChannel(0).raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
    const values = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
    return gray16ToGray(values, info.width, info.height);
  }
  const { data, info } = await oriented
    .toColourspace('srgb')
    .ensureAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error('the image data is damaged and cannot be decoded');
  return rgbaToGray(data, info.width, info.height);
}

/**
 * Decodes a file's bytes (format sniffed from its content, never its name). Throws an Error with a
 * short human-readable message for empty, unrecognised, corrupt or oversized files.
 */
export async function decodeImageBytes(bytes: Uint8Array, { minSide }: NodeDecodeOptions = {}): Promise<DecodedFile> {
  if (bytes.length === 0) throw new Error('empty file');
  checkFileSize(bytes.length);
  const format = detectFormat(bytes);
  if (format === 'unknown') throw new Error('not an image (unrecognised bytes)');
  if (format === 'dicom') return decodeDicom(bytes, minSide);
  // the size the header states, checked before the decoder allocates for it
  const stated = imageDimensions(bytes, format);
  if (stated) checkImageSize(stated.width, stated.height);
  // BMP: our own decoder (its messages are written for the reader), then sharp for the rest of the way
  const bmp = format === 'bmp' ? decodeBmp(bytes) : undefined;
  try {
    const input = bmp
      ? sharp(bmp.rgba, { raw: { width: bmp.width, height: bmp.height, channels: 4 }, limitInputPixels: MAX_INPUT_PIXELS })
      : // pages: 1 -> the first frame of an animated GIF or WebP
        sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'warning', pages: 1 });
    return { format, frames: [await decodeWithSharp(input)] };
  } catch (error) {
    if (error instanceof LimitError) throw error;
    if (/pixel limit/i.test(error instanceof Error ? error.message : String(error))) {
      throw new LimitError(`image too large: over the limit of ${Math.round(MAX_INPUT_PIXELS / 1e6)} megapixels`);
    }
    throw new Error(sharpProblem(error, format));
  }
}
