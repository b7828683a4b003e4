// A small pure BMP decoder (sharp and some runtimes have none): uncompressed 1/4/8-bit palette,
// 16/24/32-bit direct colour, BI_BITFIELDS masks, bottom-up or top-down rows. RLE is refused clearly.

const BI_RGB = 0;
const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;
const CORE_HEADER_SIZE = 12;
const FILE_HEADER_SIZE = 14;
const MAX_SIDE = 65_535;

export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

function channelFromMask(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

function readMasks(view: DataView, compression: number, headerSize: number, bitsPerPixel: number): number[] {
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    const base = FILE_HEADER_SIZE + 40;
    const count = compression === BI_ALPHABITFIELDS || headerSize >= 56 ? 4 : 3;
    return Array.from({ length: 4 }, (_, i) => (i < count ? view.getUint32(base + 4 * i, true) : 0));
  }
  if (bitsPerPixel === 16) return [0x7c00, 0x03e0, 0x001f, 0];
  return [0x00ff0000, 0x0000ff00, 0x000000ff, 0];
}

/** Decodes BMP bytes to RGBA; throws an Error naming what is wrong or unsupported. */
export function decodeBmp(bytes: Uint8Array): RgbaImage {
  if (bytes.length < FILE_HEADER_SIZE + CORE_HEADER_SIZE || bytes[0] !== 0x42 || bytes[1] !== 0x4d) {
    throw new Error('corrupt BMP: file too short or missing the "BM" signature');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(FILE_HEADER_SIZE, true);
  const core = headerSize === CORE_HEADER_SIZE;
  if (!core && (headerSize < 40 || FILE_HEADER_SIZE + headerSize > bytes.length)) {
    throw new Error(`corrupt BMP: unexpected info header size ${headerSize}`);
  }
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getInt16(20, true) : view.getInt32(22, true);
  const bitsPerPixel = core ? view.getUint16(24, true) : view.getUint16(28, true);
  const compression = core ? BI_RGB : view.getUint32(30, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new Error(`corrupt BMP: invalid size ${width}x${height}`);
  }
  if (compression === BI_RLE8 || compression === BI_RLE4) {
    throw new Error('unsupported BMP: run-length-encoded (RLE) bitmaps are not supported');
  }
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    throw new Error(`unsupported BMP: compression type ${compression}`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bitsPerPixel)) {
    throw new Error(`unsupported BMP: ${bitsPerPixel} bits per pixel`);
  }

  let palette: Uint8Array | null = null;
  if (bitsPerPixel <= 8) {
    const paletteStart = FILE_HEADER_SIZE + headerSize;
    const entrySize = core ? 3 : 4;
    const declared = core ? 0 : view.getUint32(46, true);
    const entries = declared > 0 ? Math.min(declared, 1 << bitsPerPixel) : 1 << bitsPerPixel;
    palette = new Uint8Array(entries * 3);
    for (let i = 0; i < entries; i++) {
      const at = paletteStart + i * entrySize;
      if (at + 3 > bytes.length) throw new Error('corrupt BMP: truncated colour palette');
      palette[i * 3] = bytes[at + 2];
      palette[i * 3 + 1] = bytes[at + 1];
      palette[i * 3 + 2] = bytes[at];
    }
  }

  const rowStride = Math.ceil((width * bitsPerPixel) / 32) * 4;
  if (pixelOffset + rowStride * (height - 1) + Math.ceil((width * bitsPerPixel) / 8) > bytes.length) {
    throw new Error('corrupt BMP: pixel data is truncated');
  }
  const masks = bitsPerPixel >= 16 ? readMasks(view, compression, headerSize, bitsPerPixel).map(channelFromMask) : [];
  const rgba = new Uint8Array(width * height * 4);
  for (let row = 0; row < height; row++) {
    const y = topDown ? row : height - 1 - row;
    const rowStart = pixelOffset + row * rowStride;
    for (let x = 0; x < width; x++) {
      const out = (y * width + x) * 4;
      if (palette) {
        const bitOffset = x * bitsPerPixel;
        const byte = bytes[rowStart + (bitOffset >> 3)];
        const index = (byte >> (8 - bitsPerPixel - (bitOffset & 7))) & ((1 << bitsPerPixel) - 1);
        const p = Math.min(index, palette.length / 3 - 1) * 3;
        rgba[out] = palette[p];
        rgba[out + 1] = palette[p + 1];
        rgba[out + 2] = palette[p + 2];
        rgba[out + 3] = 255;
        continue;
      }
      const at = rowStart + x * (bitsPerPixel / 8);
      const value =
        bitsPerPixel === 16 ? view.getUint16(at, true)
        : bitsPerPixel === 24 ? bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16)
        : view.getUint32(at, true);
      for (let c = 0; c < 3; c++) {
        const { shift, max } = masks[c];
        rgba[out + c] = max === 0 ? 0 : Math.round((((value >>> shift) & max) * 255) / max);
      }
      rgba[out + 3] = 255;
    }
  }
  return { width, height, rgba };
}
