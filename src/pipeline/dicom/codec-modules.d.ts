// The WASM codecs ship as Emscripten factories without type declarations.
interface EmscriptenCodecModule {
  JPEGDecoder: new () => WasmDecoder;
  JpegLSDecoder: new () => WasmDecoder & { getInterleaveMode(): number };
  J2KDecoder: new () => WasmDecoder;
}
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  /** openjpeg only: decode without the finest `level` resolution levels (the frame info keeps the full size) */
  decodeSubResolution?(level: number, layer: number): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  getDecodedBuffer(): Uint8Array;
}
interface EmscriptenOptions {
  locateFile?: (file: string, prefix: string) => string;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}
type EmscriptenFactory = (options?: EmscriptenOptions) => Promise<EmscriptenCodecModule>;

declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: EmscriptenFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: EmscriptenFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: EmscriptenFactory;
  export default factory;
}
// Vite turns these into same-origin asset URLs in the browser build.
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url' {
  const url: string;
  export default url;
}
declare module '@cornerstonejs/codec-charls/decodewasm?url' {
  const url: string;
  export default url;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasm?url' {
  const url: string;
  export default url;
}
