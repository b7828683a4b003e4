// Decoders of compressed frames. Each codec is loaded (dynamic import) the first time a frame needs it, so an
// app that never sees a compressed DICOM never downloads one. In Node the Emscripten glue finds its .wasm beside
// itself; in the browser Vite emits the .wasm as an asset of our own origin and we hand its URL over.
import { DicomError } from './errors.js';
import type { PixelEncoding } from './syntaxes.js';

/** Samples of one decoded frame, before the Modality LUT. */
export interface DecodedFrame {
  width: number;
  height: number;
  /** 1 (grayscale) or 3 (colour) */
  components: number;
  /** true: all of component 0, then component 1, ...; false: interleaved per pixel */
  planar: boolean;
  /** colour already converted to RGB by the codec (JPEG, JPEG 2000), whatever the file's photometric says */
  rgb: boolean;
  samples: ArrayLike<number>;
}

export interface FrameGeometry {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  planarConfiguration: number;
}

export type CompressedEncoding = Exclude<PixelEncoding, 'native' | 'native-big-endian' | 'rle'>;

/**
 * Decodes one compressed frame and hands it to `consume` at once (synchronously, before any other decode can
 * run): a WASM codec's samples are a view into its memory, valid only until its next decode, so they are read
 * where they lie instead of being copied out. `consume` must not keep `frame.samples`.
 * `reduceLevels` (JPEG 2000 only): discard that many resolution levels, each halving width and height.
 */
export async function decodeCompressedFrame<T>(
  encoding: CompressedEncoding,
  data: Uint8Array,
  geometry: FrameGeometry,
  consume: (frame: DecodedFrame) => T,
  reduceLevels = 0,
): Promise<T> {
  let frame: DecodedFrame;
  try {
    switch (encoding) {
      case 'jpeg':
        if (jpegPrecision(data) <= 8) return await decodeWithWasm('libjpeg-turbo', data, consume);
        frame = await decodeJpeg12(data);
        break;
      case 'jpeg-lossless':
        frame = await decodeJpegLossless(data, geometry);
        break;
      case 'jpeg-ls':
        return await decodeWithWasm('charls', data, consume);
      case 'jpeg2000':
        return await decodeWithWasm('openjpeg', data, consume, reduceLevels);
    }
  } catch (error) {
    throw codecError(encoding, error);
  }
  return consume(frame);
}

/** Errors thrown by `consume` pass as they are; anything else came from the codec. */
class ConsumerError {
  constructor(readonly error: unknown) {}
}

const ENCODING_NAMES: Record<CompressedEncoding, string> = {
  jpeg: 'JPEG',
  'jpeg-lossless': 'JPEG Lossless',
  'jpeg-ls': 'JPEG-LS',
  jpeg2000: 'JPEG 2000',
};

/** What went wrong, in the reader's terms: a codec's own message (or a WASM trap) names its internals, not the file. */
function codecError(encoding: CompressedEncoding, error: unknown): unknown {
  if (error instanceof ConsumerError) return error.error;
  if (error instanceof DicomError) return error;
  const reason = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const name = ENCODING_NAMES[encoding];
  if (/ends? early|truncated|premature|end of (the )?(data|stream|file|input|buffer)|past end|out of data/i.test(reason)) {
    return new DicomError(`the ${name} pixel data ends early (truncated or corrupt file)`);
  }
  return new DicomError(`the ${name} pixel data could not be decoded: it is corrupt or uses a feature this decoder lacks`);
}

/** Sample precision from the JPEG frame header (SOFn), so 12-bit extended streams go to a 12-bit decoder. */
export function jpegPrecision(data: Uint8Array): number {
  let i = 2; // after SOI
  while (i + 4 < data.length) {
    if (data[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = data[i + 1];
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame) return data[i + 4];
    if (marker === 0xff || (marker >= 0xd0 && marker <= 0xd9) || marker === 0x01) {
      i += marker === 0xff ? 1 : 2;
      continue;
    }
    i += 2 + ((data[i + 2] << 8) | data[i + 3]);
  }
  throw new DicomError('the JPEG stream has no frame header (corrupt or truncated pixel data)');
}

type WasmCodec = 'libjpeg-turbo' | 'charls' | 'openjpeg';
const wasmDecoders = new Map<WasmCodec, Promise<WasmDecoder & { getInterleaveMode?(): number }>>();

function isNode(): boolean {
  const runtime = globalThis as { process?: { versions?: { node?: string } } };
  return typeof runtime.process?.versions?.node === 'string';
}

/** Each branch names its modules literally so that Vite can emit the glue and the .wasm. */
async function loadWasmCodec(codec: WasmCodec): Promise<WasmDecoder> {
  const node = isNode();
  let factory: EmscriptenFactory;
  let wasmUrl: string | undefined;
  switch (codec) {
    case 'libjpeg-turbo':
      factory = (await import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs')).default;
      if (!node) wasmUrl = (await import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url')).default;
      return new (await instantiate(factory, wasmUrl)).JPEGDecoder();
    case 'charls':
      factory = (await import('@cornerstonejs/codec-charls/decodewasmjs')).default;
      if (!node) wasmUrl = (await import('@cornerstonejs/codec-charls/decodewasm?url')).default;
      return new (await instantiate(factory, wasmUrl)).JpegLSDecoder();
    case 'openjpeg':
      factory = (await import('@cornerstonejs/codec-openjpeg/decodewasmjs')).default;
      if (!node) wasmUrl = (await import('@cornerstonejs/codec-openjpeg/decodewasm?url')).default;
      return new (await instantiate(factory, wasmUrl)).J2KDecoder();
  }
}

function instantiate(factory: EmscriptenFactory, wasmUrl: string | undefined): Promise<EmscriptenCodecModule> {
  // A CommonJS module imported from ESM may arrive wrapped once more.
  const create = typeof factory === 'function' ? factory : (factory as { default: EmscriptenFactory }).default;
  const silent = () => {}; // the codecs print progress to the console; the decoder never logs
  const locateFile = wasmUrl ? (file: string) => (file.endsWith('.wasm') ? wasmUrl : file) : undefined;
  return create({ print: silent, printErr: silent, ...(locateFile ? { locateFile } : {}) });
}

function wasmDecoder(codec: WasmCodec): Promise<WasmDecoder & { getInterleaveMode?(): number }> {
  let decoder = wasmDecoders.get(codec);
  if (!decoder) {
    decoder = loadWasmCodec(codec);
    decoder.catch(() => wasmDecoders.delete(codec)); // let a later file retry a failed load
    wasmDecoders.set(codec, decoder);
  }
  return decoder;
}

async function decodeWithWasm<T>(codec: WasmCodec, data: Uint8Array, consume: (frame: DecodedFrame) => T, reduceLevels = 0): Promise<T> {
  const decoder = await wasmDecoder(codec);
  decoder.getEncodedBuffer(data.length).set(data);
  let width: number;
  let height: number;
  if (reduceLevels > 0) {
    // the frame info keeps the full size after a reduced decode: the reduced size comes from the header
    const size = jpeg2000Size(data);
    if (!size) throw new DicomError('the JPEG 2000 pixel data has no image header (corrupt file)');
    decoder.decodeSubResolution!(reduceLevels, 0);
    ({ width, height } = reducedSize(size, reduceLevels));
  } else {
    decoder.decode();
    ({ width, height } = decoder.getFrameInfo());
  }
  const info = decoder.getFrameInfo();
  const bytes = decoder.getDecodedBuffer(); // a view into WASM memory, valid until the next decode
  const wide = info.bitsPerSample > 8;
  const sampleCount = width * height * info.componentCount;
  if (bytes.length < sampleCount * (wide ? 2 : 1)) {
    throw new DicomError(`the compressed pixel data decodes to less than its ${width}x${height} frame (corrupt file)`);
  }
  let samples: Uint8Array | Uint16Array | Int16Array;
  if (!wide) samples = bytes.subarray(0, sampleCount);
  else {
    const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice(0, sampleCount * 2);
    const Words = info.isSigned ? Int16Array : Uint16Array;
    samples = new Words(aligned.buffer as ArrayBuffer, aligned.byteOffset, sampleCount);
  }
  // CharLS hands back a multi-component image without interleave (mode 0) one plane after another.
  const planar = info.componentCount > 1 && codec === 'charls' && decoder.getInterleaveMode?.() === 0;
  try {
    return consume({ width, height, components: info.componentCount, planar, rgb: codec !== 'charls', samples });
  } catch (error) {
    throw new ConsumerError(error);
  }
}

/** Image size and offset from a JPEG 2000 codestream's SIZ marker segment (right after SOC). */
export function jpeg2000Size(data: Uint8Array): { width: number; height: number; x0: number; y0: number } | undefined {
  // SOC (FF4F), then SIZ (FF51): Lsiz, Rsiz, Xsiz, Ysiz, XOsiz, YOsiz (4 bytes each from byte 8), ..., Csiz at 40
  if (data.length < 42 || data[0] !== 0xff || data[1] !== 0x4f || data[2] !== 0xff || data[3] !== 0x51) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const x0 = view.getUint32(16);
  const y0 = view.getUint32(20);
  return { width: view.getUint32(8) - x0, height: view.getUint32(12) - y0, x0, y0 };
}

/**
 * How many resolution levels (wavelet decompositions) the codestream's main header allows discarding: those of
 * its COD marker segment, less where a COC gives a component fewer. undefined when the header cannot be read.
 */
export function jpeg2000Levels(data: Uint8Array): number | undefined {
  if (!jpeg2000Size(data)) return undefined;
  let levels: number | undefined;
  let at = 2; // after SOC
  while (at + 4 <= data.length) {
    if (data[at] !== 0xff) return undefined;
    const marker = data[at + 1];
    if (marker === 0x90 || marker === 0x93 || marker === 0xd9) break; // SOT, SOD, EOC: the main header is over
    const length = (data[at + 2] << 8) | data[at + 3];
    if (length < 2 || at + 2 + length > data.length) return undefined;
    if (marker === 0x52 && length >= 12) levels = Math.min(levels ?? Infinity, data[at + 9]); // COD: SPcod's first byte
    if (marker === 0x53) {
      // COC: Lcoc, Ccoc (1 or 2 bytes: 2 when Csiz >= 257), Scoc, then the levels
      const components = (data[40] << 8) | data[41];
      const levelAt = at + 4 + (components >= 257 ? 2 : 1) + 1;
      if (levelAt < at + 2 + length) levels = Math.min(levels ?? Infinity, data[levelAt]);
    }
    at += 2 + length;
  }
  return levels;
}

/** Size of the image at `levels` fewer resolution levels (ITU-T T.800 B.5: ceil of the scaled corners). */
export function reducedSize(size: { width: number; height: number; x0: number; y0: number }, levels: number): { width: number; height: number } {
  const scale = 2 ** levels;
  const side = (origin: number, length: number) => Math.ceil((origin + length) / scale) - Math.ceil(origin / scale);
  return { width: side(size.x0, size.width), height: side(size.y0, size.height) };
}

async function decodeJpeg12(data: Uint8Array): Promise<DecodedFrame> {
  const { default: JpegImage } = await import('./vendor/jpeg12.js');
  const jpeg = new JpegImage();
  jpeg.parse(data);
  if (jpeg.components.length !== 1) {
    throw new DicomError(`12-bit JPEG with ${jpeg.components.length} components is not supported (grayscale only)`);
  }
  const samples = jpeg.getData16(jpeg.width, jpeg.height);
  return { width: jpeg.width, height: jpeg.height, components: 1, planar: false, rgb: false, samples };
}

async function decodeJpegLossless(data: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  const bytesPerSample = geometry.bitsAllocated <= 8 ? 1 : 2;
  // our own decoder for the usual shape of the stream; the Cornerstone one for the rest, and to word errors
  try {
    const { decodeJpegLosslessFast } = await import('./jpeg-lossless.js');
    const image = decodeJpegLosslessFast(data, bytesPerSample);
    if (image) return { ...image, planar: false, rgb: false };
  } catch {
    // corrupt: the general decoder says how
  }
  const { Decoder } = await import('@cornerstonejs/jpeg-lossless-decoder-js');
  const copy = data.slice(); // the decoder reads from an ArrayBuffer starting at 0
  const decoder = new Decoder();
  const samples = decoder.decode(copy.buffer, 0, copy.length, bytesPerSample);
  return {
    width: decoder.frame.dimX,
    height: decoder.frame.dimY,
    components: decoder.frame.numComp,
    planar: false,
    rgb: false,
    samples,
  };
}
