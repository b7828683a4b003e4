// Decompression bombs, built from a real fixture in a few milliseconds (never committed): small files that state
// or expand to gigabytes. Used by the fuzz mutators and by the unit tests of the expansion limits.
import { Deflate, inflateSync } from 'fflate';
import { dicomLayout, tagOf } from './dicom-walk';

const DEFLATED_LE = '1.2.840.10008.1.2.1.99';
const RLE_LOSSLESS = '1.2.840.10008.1.2.5';
const ZERO_SEGMENT_BYTES = 1 << 20;

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const u16le = (v: number) => new Uint8Array([v & 0xff, (v >>> 8) & 0xff]);
const u32le = (v: number) => new Uint8Array([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]);
const ascii = (text: string) => new TextEncoder().encode(text);

/** An explicit VR little endian element header. */
function element(group: number, elementNumber: number, vr: string, length: number): Uint8Array {
  const tag = concat(u16le(group), u16le(elementNumber));
  if (group === 0xfffe) return concat(tag, u32le(length));
  if (['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr)) return concat(tag, ascii(vr), new Uint8Array(2), u32le(length));
  return concat(tag, ascii(vr), u16le(length));
}

/** A Part 10 preamble and a file meta group that names `transferSyntax` (even length, NUL padded). */
function part10Meta(transferSyntax: string): Uint8Array {
  const uid = transferSyntax.length % 2 ? `${transferSyntax}\0` : transferSyntax;
  const syntax = concat(element(0x0002, 0x0010, 'UI', uid.length), ascii(uid));
  return concat(new Uint8Array(128), ascii('DICM'), element(0x0002, 0x0000, 'UL', 4), u32le(syntax.length), syntax);
}

/** The elements of an explicit VR little endian fixture between its file meta group and its Pixel Data. */
export function datasetHead(explicitLe: Uint8Array): Uint8Array {
  const layout = dicomLayout(explicitLe);
  const pixel = layout?.elements.find((h) => tagOf(h.group, h.element) === 0x7fe00010 && h.depth === 0);
  if (!layout || !pixel || layout.transferSyntax !== '1.2.840.10008.1.2.1') throw new Error('not an explicit VR little endian fixture with pixel data');
  return explicitLe.slice(layout.datasetOffset, pixel.offset);
}

/** `data` as stored (uncompressed) deflate blocks, none of them final: byte-aligned, so anything can follow. */
function storedBlocks(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += 0xffff) {
    const block = data.subarray(at, at + 0xffff);
    parts.push(new Uint8Array([0x00, ...u16le(block.length), ...u16le(~block.length & 0xffff)]), block);
  }
  return concat(...parts);
}

/**
 * Raw deflate of 1 MB of zeros (~1 KB) that starts a block on a byte boundary and ends on one without ending the
 * stream (a sync flush), so that copies concatenate. Checked once: fflate's flush is not reliable on every input.
 */
let zeroSegment: Uint8Array | undefined;
function deflatedZeros(): Uint8Array {
  if (!zeroSegment) {
    const parts: Uint8Array[] = [];
    const deflate = new Deflate({ level: 9 });
    deflate.ondata = (chunk) => parts.push(chunk);
    deflate.push(new Uint8Array(ZERO_SEGMENT_BYTES));
    deflate.flush(true);
    const segment = concat(...parts);
    const twice = inflateSync(concat(segment, segment, FINAL_EMPTY_BLOCK));
    if (twice.length !== 2 * ZERO_SEGMENT_BYTES || twice.some((byte) => byte !== 0)) throw new Error('the deflated zeros do not concatenate');
    zeroSegment = segment;
  }
  return zeroSegment;
}

const FINAL_EMPTY_BLOCK = new Uint8Array([0x03, 0x00]);

/** Raw deflate of `head` (stored), then of `zeroMegabytes` MB of zeros, ~1 KB per MB. */
function deflateHeadAndZeros(head: Uint8Array, zeroMegabytes: number): Uint8Array {
  const segment = deflatedZeros();
  return concat(storedBlocks(head), ...Array.from({ length: zeroMegabytes }, () => segment), FINAL_EMPTY_BLOCK);
}

export interface DeflateBombOptions {
  /** megabytes of zeros the Pixel Data expands to */
  megabytes: number;
  /**
   * what the Pixel Data header states: 'stated' its true (huge) length; 'image' what the fixture's image needs,
   * the zeros running on after it; 'fragments' an undefined length (encapsulated fragments); a number: that many MB
   */
  pixelLength: 'stated' | 'image' | 'fragments' | number;
}

/**
 * A Deflated Explicit VR Little Endian file: the fixture's header elements, then a Pixel Data element of zeros
 * that expands to `megabytes` MB (3,000: the 3 MB file that expands to 3 GB).
 */
export function deflateBomb(explicitLe: Uint8Array, { megabytes, pixelLength }: DeflateBombOptions): Uint8Array {
  const layout = dicomLayout(explicitLe)!;
  const pixel = layout.elements.find((h) => tagOf(h.group, h.element) === 0x7fe00010 && h.depth === 0)!;
  const zeros = megabytes * ZERO_SEGMENT_BYTES;
  const length =
    pixelLength === 'stated' ? Math.min(zeros, 0xfffffffe)
    : pixelLength === 'image' ? pixel.length
    : pixelLength === 'fragments' ? 0xffffffff
    : pixelLength * ZERO_SEGMENT_BYTES;
  const head = concat(datasetHead(explicitLe), element(0x7fe0, 0x0010, 'OB', length));
  return concat(part10Meta(DEFLATED_LE), deflateHeadAndZeros(head, megabytes));
}

/** A Deflated Explicit VR Little Endian file whose dataset nests `depth` undefined-length sequences (a few KB). */
export function deflatedNestingBomb(explicitLe: Uint8Array, depth: number): Uint8Array {
  const level = concat(element(0x0008, 0x1140, 'SQ', 0xffffffff), element(0xfffe, 0xe000, '', 0xffffffff));
  const nested = new Uint8Array(depth * level.length);
  for (let i = 0; i < depth; i++) nested.set(level, i * level.length);
  const parts: Uint8Array[] = [];
  const deflate = new Deflate({ level: 9 });
  deflate.ondata = (chunk) => parts.push(chunk);
  deflate.push(concat(datasetHead(explicitLe), nested), true);
  return concat(part10Meta(DEFLATED_LE), concat(...parts));
}

/** An explicit VR little endian file with `depth` undefined-length sequences nested before its Pixel Data. */
export function nestingBomb(explicitLe: Uint8Array, depth: number): Uint8Array {
  const layout = dicomLayout(explicitLe)!;
  const pixel = layout.elements.find((h) => tagOf(h.group, h.element) === 0x7fe00010 && h.depth === 0)!;
  const level = concat(element(0x0008, 0x1140, 'SQ', 0xffffffff), element(0xfffe, 0xe000, '', 0xffffffff));
  const nested = new Uint8Array(depth * level.length);
  for (let i = 0; i < depth; i++) nested.set(level, i * level.length);
  return concat(explicitLe.subarray(0, pixel.offset), nested, explicitLe.subarray(pixel.offset));
}

/** Replaces a top-level US value (Rows, Columns) in an explicit VR little endian dataset head. */
function withUs(head: Uint8Array, group: number, elementNumber: number, value: number): Uint8Array {
  const out = head.slice();
  for (let at = 0; at + 10 <= out.length; at++) {
    if (out[at] === (group & 0xff) && out[at + 1] === group >>> 8 && out[at + 2] === (elementNumber & 0xff) && out[at + 3] === elementNumber >>> 8 && out[at + 4] === 0x55 && out[at + 5] === 0x53) {
      out.set(u16le(value), at + 8);
      return out;
    }
  }
  throw new Error(`no (${group.toString(16)},${elementNumber.toString(16)}) US element`);
}

export interface RleBombOptions {
  /** the image size the header states (Rows, Columns) */
  width: number;
  height: number;
  /** 128-byte runs in each segment: 2 bytes of file per 128 bytes of output */
  runs: number;
}

/**
 * An RLE Lossless file (8-bit grayscale, one segment) from an 8-bit explicit VR little endian fixture, its header
 * stating `width` x `height` and its one segment `runs` runs of 128 identical bytes long.
 */
export function rleBomb(explicitLe8Bit: Uint8Array, { width, height, runs }: RleBombOptions): Uint8Array {
  let head = datasetHead(explicitLe8Bit);
  head = withUs(withUs(head, 0x0028, 0x0010, height), 0x0028, 0x0011, width);
  const segment = new Uint8Array(2 * runs);
  for (let i = 0; i < runs; i++) segment.set([0x81, 0x40], 2 * i); // -127: repeat the next byte 128 times
  const header = new Uint8Array(64);
  header.set(u32le(1), 0);
  header.set(u32le(64), 4);
  const frame = concat(header, segment);
  const pixelData = concat(
    element(0x7fe0, 0x0010, 'OB', 0xffffffff),
    element(0xfffe, 0xe000, '', 0), // an empty basic offset table
    element(0xfffe, 0xe000, '', frame.length),
    frame,
    element(0xfffe, 0xe0dd, '', 0),
  );
  return concat(part10Meta(RLE_LOSSLESS), head, pixelData);
}

function crc32(data: Uint8Array): number {
  let c = ~0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const body = concat(ascii(type), data);
  const crc = crc32(body);
  return concat(new Uint8Array([data.length >>> 24, (data.length >>> 16) & 0xff, (data.length >>> 8) & 0xff, data.length & 0xff]), body, new Uint8Array([crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff]));
}

/**
 * A PNG whose header claims `width` x `height` 8-bit grayscale pixels and whose image data is a zlib stream of
 * `megabytes` MB of zeros (~1 KB per MB): a true decompression bomb, with valid checksums.
 */
export function pngBomb(width: number, height: number, megabytes: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit grayscale, deflate, no filter method variants, no interlace
  const raw = deflateHeadAndZeros(new Uint8Array(0), megabytes);
  const zlib = concat(new Uint8Array([0x78, 0xda]), raw, new Uint8Array(4)); // an Adler-32 the decoder never reaches
  return concat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib), pngChunk('IEND', new Uint8Array(0)));
}
