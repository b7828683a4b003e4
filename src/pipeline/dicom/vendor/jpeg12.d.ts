/** pdf.js-derived JPEG decoder (see jpeg12.js). */
export default class JpegImage {
  width: number;
  height: number;
  components: unknown[];
  colorTransform?: boolean;
  parse(data: Uint8Array): void;
  /** one sample per pixel, 16-bit (for precision > 8) */
  getData16(width: number, height: number): Uint16Array;
}
