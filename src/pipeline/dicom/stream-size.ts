// The image size a compressed stream states in its own header (JPEG and JPEG-LS SOF, JPEG 2000 SIZ), read
// without decoding, so that a stream claiming another size than the DICOM header is refused before a codec
// spends seconds and hundreds of megabytes on it.
import type { PixelEncoding } from './syntaxes.js';

export interface StreamSize {
  width: number;
  /** 0 in a JPEG whose height comes later, in a DNL marker */
  height: number;
}

const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32 = (b: Uint8Array, i: number) => u16(b, i) * 0x10000 + u16(b, i + 2);

function isStartOfFrame(marker: number): boolean {
  // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC); SOF55 (F7) is JPEG-LS
  return (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xf7;
}

function jpegSize(b: Uint8Array): StreamSize | undefined {
  if (b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 8 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (isStartOfFrame(marker)) return { height: u16(b, i + 5), width: u16(b, i + 7) };
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    i += 2 + u16(b, i + 2);
  }
  return undefined;
}

/** A raw JPEG 2000 codestream: SOC (FF4F), then SIZ (FF51) with the reference grid and the image offset. */
function j2kSize(b: Uint8Array): StreamSize | undefined {
  if (b.length < 24 || u16(b, 0) !== 0xff4f || u16(b, 2) !== 0xff51) return undefined; // a JP2 file: not checked
  const width = u32(b, 8) - u32(b, 16);
  const height = u32(b, 12) - u32(b, 20);
  return { width, height };
}

/** undefined when the stream's header cannot be found (the codec then says what is wrong). */
export function streamSize(encoding: PixelEncoding, data: Uint8Array): StreamSize | undefined {
  switch (encoding) {
    case 'jpeg':
    case 'jpeg-lossless':
    case 'jpeg-ls':
      return jpegSize(data);
    case 'jpeg2000':
      return j2kSize(data);
    default:
      return undefined;
  }
}
