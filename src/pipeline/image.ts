// Format sniffing and conversion of decoded pixels to the pipeline's 8-bit grayscale image.
// The luma rule (BT.601) and the rounding (half up) mirror training/data.py `to_gray`.
import type { GrayImage } from './types';

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'bmp' | 'gif' | 'dicom' | 'unknown';

const DICOM_PREAMBLE = 128;

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

/** The format a file's bytes claim by their magic number (file names are not trusted). */
export function sniffFormat(bytes: Uint8Array): ImageFormat {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, ascii('DICM'), DICOM_PREAMBLE)) return 'dicom';
  if (startsWith(bytes, ascii('BM')) && bytes.length >= 26) return 'bmp';
  return 'unknown';
}

function roundToUint8(value: number): number {
  return Math.min(255, Math.max(0, Math.floor(value + 0.5)));
}

/** RGBA (alpha ignored) to grayscale by BT.601 luma: Y = 0.299 R + 0.587 G + 0.114 B. */
export function rgbaToGray(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): GrayImage {
  const count = width * height;
  if (rgba.length !== count * 4) {
    throw new Error(`rgbaToGray: expected ${count * 4} bytes for ${width}x${height} RGBA, got ${rgba.length}`);
  }
  const data = new Uint8Array(count);
  for (let i = 0, j = 0; i < count; i++, j += 4) {
    data[i] = roundToUint8(0.299 * rgba[j] + 0.587 * rgba[j + 1] + 0.114 * rgba[j + 2]);
  }
  return { width, height, data };
}

/** 16-bit grayscale to 8 bits by min-max stretching, as training does for 16-bit images. */
export function gray16ToGray(values: Uint16Array, width: number, height: number): GrayImage {
  if (values.length !== width * height) {
    throw new Error(`gray16ToGray: expected ${width * height} values for ${width}x${height}, got ${values.length}`);
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = Math.max(max - min, 1);
  const data = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = roundToUint8(((values[i] - min) / range) * 255);
  return { width, height, data };
}

/** Throws unless `image` is a consistent, non-empty grayscale image. */
export function assertGrayImage(image: GrayImage): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`invalid image size ${width}x${height}`);
  }
  if (data.length !== width * height) {
    throw new Error(`image data has ${data.length} pixels, expected ${width * height} for ${width}x${height}`);
  }
}
