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

export async function decodeCompressedFrame(
  encoding: CompressedEncoding,
  data: Uint8Array,
  geometry: FrameGeometry,
): Promise<DecodedFrame> {
  try {
    switch (encoding) {
      case 'jpeg':
        return jpegPrecision(data) > 8 ? await decodeJpeg12(data) : await decodeWithWasm('libjpeg-turbo', data);
      case 'jpeg-lossless':
        return await decodeJpegLossless(data, geometry);
      case 'jpeg-ls':
        return await decodeWithWasm('charls', data);
      case 'jpeg2000':
        return await decodeWithWasm('openjpeg', data);
    }
  } catch (error) {
    if (error instanceof DicomError) throw error;
    throw new DicomError(`the ${encoding} codec could not decode the pixel data: ${describe(error)}`);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  // a C++ exception from an Emscripten codec arrives as a bare number, which means nothing to a reader
  return typeof error === 'string' ? error : 'the stream is corrupt or uses a feature the decoder lacks';
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

async function decodeWithWasm(codec: WasmCodec, data: Uint8Array): Promise<DecodedFrame> {
  const decoder = await wasmDecoder(codec);
  decoder.getEncodedBuffer(data.length).set(data);
  decoder.decode();
  const info = decoder.getFrameInfo();
  const bytes = decoder.getDecodedBuffer(); // a view into WASM memory: copy before the next decode
  const wide = info.bitsPerSample > 8;
  const sampleCount = info.width * info.height * info.componentCount;
  let samples: ArrayLike<number>;
  if (!wide) samples = bytes.slice(0, sampleCount);
  else {
    const copy = bytes.slice(0, sampleCount * 2);
    samples = info.isSigned ? new Int16Array(copy.buffer) : new Uint16Array(copy.buffer);
  }
  // CharLS hands back a multi-component image without interleave (mode 0) one plane after another.
  const planar = info.componentCount > 1 && codec === 'charls' && decoder.getInterleaveMode?.() === 0;
  return {
    width: info.width,
    height: info.height,
    components: info.componentCount,
    planar,
    rgb: codec !== 'charls',
    samples,
  };
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
  const { Decoder } = await import('@cornerstonejs/jpeg-lossless-decoder-js');
  const bytesPerSample = geometry.bitsAllocated <= 8 ? 1 : 2;
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
