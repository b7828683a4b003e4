// Reads an image's pixel size from its header, without decoding it, so a huge image can be
// decoded straight to a smaller size. Pure: no DOM, works on bytes only.
import type { ImageFormat } from '../pipeline/image';

export interface Dimensions {
  width: number;
  height: number;
}

const readU16BE = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const readU16LE = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const readU24LE = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
const readU32BE = (b: Uint8Array, i: number) => readU16BE(b, i) * 0x10000 + readU16BE(b, i + 2);
const readI32LE = (b: Uint8Array, i: number) => new DataView(b.buffer, b.byteOffset + i, 4).getInt32(0, true);

function pngDimensions(b: Uint8Array): Dimensions | null {
  // signature (8) + IHDR length (4) + "IHDR" (4) + width (4) + height (4)
  return b.length >= 24 ? { width: readU32BE(b, 16), height: readU32BE(b, 20) } : null;
}

function jpegDimensions(b: Uint8Array): Dimensions | null {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame) return { height: readU16BE(b, i + 5), width: readU16BE(b, i + 7) };
    i += 2 + readU16BE(b, i + 2);
  }
  return null;
}

function gifDimensions(b: Uint8Array): Dimensions | null {
  return b.length >= 10 ? { width: readU16LE(b, 6), height: readU16LE(b, 8) } : null;
}

function bmpDimensions(b: Uint8Array): Dimensions | null {
  return b.length >= 26 ? { width: Math.abs(readI32LE(b, 18)), height: Math.abs(readI32LE(b, 22)) } : null;
}

function webpDimensions(b: Uint8Array): Dimensions | null {
  if (b.length < 30) return null;
  const chunk = String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!);
  if (chunk === 'VP8X') return { width: readU24LE(b, 24) + 1, height: readU24LE(b, 27) + 1 };
  if (chunk === 'VP8L') {
    const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8 ') return { width: readU16LE(b, 26) & 0x3fff, height: readU16LE(b, 28) & 0x3fff };
  return null;
}

/** The stored size of an encoded image, or null when the header does not say (or is cut short). */
export function imageDimensions(bytes: Uint8Array, format: ImageFormat): Dimensions | null {
  switch (format) {
    case 'png':
      return pngDimensions(bytes);
    case 'jpeg':
      return jpegDimensions(bytes);
    case 'gif':
      return gifDimensions(bytes);
    case 'bmp':
      return bmpDimensions(bytes);
    case 'webp':
      return webpDimensions(bytes);
    default:
      return null;
  }
}

/** The size that keeps the aspect ratio and caps the long side at `maxSide` (never enlarges). */
export function fitWithin(size: Dimensions, maxSide: number): Dimensions {
  const scale = Math.min(1, maxSide / Math.max(size.width, size.height));
  return {
    width: Math.max(1, Math.round(size.width * scale)),
    height: Math.max(1, Math.round(size.height * scale)),
  };
}
