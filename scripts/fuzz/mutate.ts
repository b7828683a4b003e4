// Seeded mutations of real DICOM and image files, for the decoder fuzzer. Every mutant is a pure function of
// (seed, index, sources), so any single failure can be reproduced with `npm run fuzz -- --seed S --only I`.
import { deflateBomb, deflatedNestingBomb, pngBomb, rleBomb } from './bombs';
import { dicomLayout, tagOf, type DicomLayout, type ElementHeader } from './dicom-walk';

export interface Source {
  name: string;
  kind: 'dicom' | 'png' | 'jpeg' | 'bmp' | 'webp' | 'gif';
  bytes: Uint8Array;
}

export interface Mutant {
  index: number;
  source: string;
  /** the mutations applied, in order, in words */
  steps: string[];
  bytes: Uint8Array;
}

/** mulberry32: small, fast, good enough for choosing mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Dice {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const TAGS = {
  groupLength: tagOf(0x0002, 0x0000),
  transferSyntax: tagOf(0x0002, 0x0010),
  samplesPerPixel: tagOf(0x0028, 0x0002),
  photometric: tagOf(0x0028, 0x0004),
  planar: tagOf(0x0028, 0x0006),
  frames: tagOf(0x0028, 0x0008),
  rows: tagOf(0x0028, 0x0010),
  columns: tagOf(0x0028, 0x0011),
  bitsAllocated: tagOf(0x0028, 0x0100),
  bitsStored: tagOf(0x0028, 0x0101),
  highBit: tagOf(0x0028, 0x0102),
  pixelRepresentation: tagOf(0x0028, 0x0103),
  pixelData: tagOf(0x7fe0, 0x0010),
};
const US_HEADER_TAGS = [
  TAGS.rows, TAGS.columns, TAGS.bitsAllocated, TAGS.bitsStored, TAGS.highBit, TAGS.samplesPerPixel,
  TAGS.pixelRepresentation, TAGS.planar,
];
const US_VALUES = [0, 1, 2, 3, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 64, 255, 256, 4096, 0x7fff, 0x8000, 0xfffe, 0xffff];
const FRAME_VALUES = ['0', '-1', '1', '2', '3', '7', '100', '1000', '65536', '99999999', '2147483647', '2147483648', '4294967296', '1e9', '1.5', 'NaN', 'abc', ' ', ''];
const PHOTOMETRICS = ['MONOCHROME1', 'MONOCHROME2', 'RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_RCT', 'YBR_ICT', 'PALETTE COLOR', 'XYZ', ''];
export const TRANSFER_SYNTAX_UIDS = [
  '1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.5',
  '1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70',
  '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91',
  '1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.100', '1.2.3.4', '', 'not a uid',
];
const LENGTHS_32 = [0xffffffff, 0xfffffffe, 0xfffffff0, 0x80000000, 0x7fffffff, 0x40000000, 0x10000000, 0xffffff];
const LENGTHS_16 = [0xffff, 0xfffe, 0x8000, 0x7fff, 0x1000];

function u32(value: number, le: boolean): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0, le);
  return out;
}
function u16(value: number, le: boolean): Uint8Array {
  const out = new Uint8Array(2);
  new DataView(out.buffer).setUint16(0, value & 0xffff, le);
  return out;
}
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
function even(value: Uint8Array, pad: number): Uint8Array {
  return value.length % 2 ? concat(value, new Uint8Array([pad])) : value;
}
function hex(tag: number): string {
  return `(${(tag >>> 16).toString(16).padStart(4, '0')},${(tag & 0xffff).toString(16).padStart(4, '0')})`;
}

/** Replaces an element's value (and its length field), keeping the rest of the file as it is. */
function replaceValue(bytes: Uint8Array, h: ElementHeader, value: Uint8Array): Uint8Array {
  const end = Math.min(bytes.length, h.valueOffset + (h.length === 0xffffffff ? 0 : h.length));
  const header = bytes.slice(h.offset, h.valueOffset);
  const field = h.lengthOffset - h.offset;
  header.set(h.lengthSize === 4 ? u32(value.length, h.littleEndian) : u16(value.length, h.littleEndian), field);
  return concat(bytes.subarray(0, h.offset), header, value, bytes.subarray(end));
}

function elementHeader(group: number, element: number, vr: string, length: number, explicit: boolean, le: boolean): Uint8Array {
  const tag = concat(u16(group, le), u16(element, le));
  if (!explicit || group === 0xfffe) return concat(tag, u32(length, le));
  if (['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr)) return concat(tag, ascii(vr), new Uint8Array(2), u32(length, le));
  return concat(tag, ascii(vr), u16(length, le));
}

type Mutator = (bytes: Uint8Array, dice: Dice, ctx: Context) => { bytes: Uint8Array; step: string } | undefined;

interface Context {
  layout?: DicomLayout;
  others: Source[];
  kind: Source['kind'];
}

function find(layout: DicomLayout | undefined, tag: number, depth = 0): ElementHeader | undefined {
  return layout?.elements.find((h) => tagOf(h.group, h.element) === tag && h.depth === depth);
}

// ---- generic mutations, for every format

const bitFlips: Mutator = (bytes, dice) => {
  const out = bytes.slice();
  const n = dice.pick([1, 1, 2, 4, 8, 32]);
  // half the time aim at the first 4 KiB, where the headers are
  const span = dice.chance(0.5) ? Math.min(out.length, 4096) : out.length;
  for (let i = 0; i < n; i++) out[dice.int(span)] ^= 1 << dice.int(8);
  return { bytes: out, step: `flip ${n} bit(s)${span < out.length ? ' in the first 4 KiB' : ''}` };
};

const byteSet: Mutator = (bytes, dice) => {
  const out = bytes.slice();
  const n = dice.range(1, 16);
  const value = dice.pick([0x00, 0xff, 0x7f, 0x80, -1]);
  for (let i = 0; i < n; i++) out[dice.int(out.length)] = value < 0 ? dice.int(256) : value;
  return { bytes: out, step: `set ${n} byte(s) to ${value < 0 ? 'random' : `0x${value.toString(16)}`}` };
};

const truncate: Mutator = (bytes, dice) => {
  const at = dice.pick([
    () => dice.int(bytes.length),
    () => dice.int(Math.min(bytes.length, 512)),
    () => Math.max(0, bytes.length - 1 - dice.int(64)),
  ])();
  return { bytes: bytes.slice(0, at), step: `truncate to ${at} of ${bytes.length} bytes` };
};

const splice: Mutator = (bytes, dice, ctx) => {
  const other = dice.pick(ctx.others).bytes;
  const from = dice.int(other.length);
  const length = Math.min(other.length - from, dice.range(1, 4096));
  const at = dice.int(bytes.length);
  const out = bytes.slice();
  out.set(other.subarray(from, from + Math.min(length, out.length - at)), at);
  return { bytes: out, step: `overwrite ${length} bytes at ${at} with bytes of another fixture` };
};

const duplicate: Mutator = (bytes, dice) => {
  const from = dice.int(bytes.length);
  const length = Math.min(bytes.length - from, dice.range(1, 2048));
  const at = dice.int(bytes.length);
  return {
    bytes: concat(bytes.subarray(0, at), bytes.subarray(from, from + length), bytes.subarray(at)),
    step: `insert a copy of ${length} bytes from ${from} at ${at}`,
  };
};

// ---- DICOM-aware mutations

const lengthField: Mutator = (bytes, dice, { layout }) => {
  if (!layout?.elements.length) return undefined;
  const pixel = layout.elements.filter((h) => h.group === 0x7fe0 || h.group === 0xfffe);
  const h = pixel.length && dice.chance(0.4) ? dice.pick(pixel) : dice.pick(layout.elements);
  const out = bytes.slice();
  let value: number;
  if (h.lengthSize === 4) {
    value = dice.pick([
      () => dice.pick(LENGTHS_32),
      () => h.length + dice.range(1, 9),
      () => Math.max(0, h.length - dice.range(1, 9)),
      () => 0,
      () => Math.floor(dice.next() * 2 ** 32),
    ])();
    out.set(u32(value, h.littleEndian), h.lengthOffset);
  } else {
    value = dice.pick([() => dice.pick(LENGTHS_16), () => h.length + 1, () => Math.max(0, h.length - 1), () => 0, () => dice.int(65536)])();
    out.set(u16(value, h.littleEndian), h.lengthOffset);
  }
  return { bytes: out, step: `length of ${hex(tagOf(h.group, h.element))} at ${h.offset} set to 0x${(value >>> 0).toString(16)}` };
};

const headerValue: Mutator = (bytes, dice, { layout }) => {
  const present = US_HEADER_TAGS.map((tag) => find(layout, tag)).filter((h): h is ElementHeader => !!h && h.length === 2);
  if (!present.length) return undefined;
  const h = dice.pick(present);
  const value = dice.chance(0.8) ? dice.pick(US_VALUES) : dice.int(65536);
  const out = bytes.slice();
  out.set(u16(value, h.littleEndian), h.valueOffset);
  return { bytes: out, step: `${hex(tagOf(h.group, h.element))} set to ${value}` };
};

const frameCount: Mutator = (bytes, dice, { layout }) => {
  if (!layout || layout.transferSyntax === '1.2.840.10008.1.2.1.99') return undefined;
  const value = dice.pick(FRAME_VALUES);
  const encoded = even(ascii(value), 0x20);
  const h = find(layout, TAGS.frames);
  if (h) return { bytes: replaceValue(bytes, h, encoded), step: `NumberOfFrames set to "${value}"` };
  // none: insert one just before Rows
  const rows = find(layout, TAGS.rows);
  if (!rows) return undefined;
  const explicit = layout.transferSyntax !== '1.2.840.10008.1.2';
  const element = concat(elementHeader(0x0028, 0x0008, 'IS', encoded.length, explicit, rows.littleEndian), encoded);
  return { bytes: concat(bytes.subarray(0, rows.offset), element, bytes.subarray(rows.offset)), step: `NumberOfFrames "${value}" inserted` };
};

const photometric: Mutator = (bytes, dice, { layout }) => {
  const h = find(layout, TAGS.photometric);
  if (!h) return undefined;
  const value = dice.pick(PHOTOMETRICS);
  return { bytes: replaceValue(bytes, h, even(ascii(value), 0x20)), step: `PhotometricInterpretation set to "${value}"` };
};

const transferSyntax: Mutator = (bytes, dice, { layout }) => {
  const h = find(layout, TAGS.transferSyntax);
  if (!h) return undefined;
  const uid = dice.pick(TRANSFER_SYNTAX_UIDS);
  const value = even(ascii(uid), 0);
  let out = replaceValue(bytes, h, value);
  const groupLength = find(layout, TAGS.groupLength);
  if (groupLength && groupLength.length === 4 && dice.chance(0.8)) {
    const view = new DataView(out.buffer);
    view.setUint32(groupLength.valueOffset, view.getUint32(groupLength.valueOffset, true) + value.length - h.length, true);
  } else out = out.slice();
  return { bytes: out, step: `transfer syntax swapped to "${uid}"` };
};

const nestedSequence: Mutator = (bytes, dice, { layout }) => {
  if (!layout || layout.transferSyntax === '1.2.840.10008.1.2.1.99') return undefined;
  const explicit = layout.transferSyntax !== '1.2.840.10008.1.2';
  const le = layout.transferSyntax !== '1.2.840.10008.1.2.2';
  const depth = dice.pick([1, 2, 8, 64, 500, 3000, 20000]);
  const style = dice.pick(['delimited', 'unterminated', 'defined-huge', 'item-undefined-no-delimiter'] as const);
  const open: Uint8Array[] = [];
  const close: Uint8Array[] = [];
  for (let level = 0; level < depth; level++) {
    // (0008,1140) Referenced Image Sequence, SQ, undefined length, holding one item of undefined length
    open.push(elementHeader(0x0008, 0x1140, 'SQ', 0xffffffff, explicit, le));
    open.push(elementHeader(0xfffe, 0xe000, '', style === 'defined-huge' ? 0x7ffffff0 : 0xffffffff, explicit, le));
    close.unshift(concat(elementHeader(0xfffe, 0xe00d, '', 0, explicit, le), elementHeader(0xfffe, 0xe0dd, '', 0, explicit, le)));
  }
  const leaf = concat(elementHeader(0x0008, 0x0100, 'SH', 4, explicit, le), ascii('T123'));
  const nested = style === 'delimited' ? concat(...open, leaf, ...close) : concat(...open, leaf);
  // before the pixel data, or at the end of the file
  const pixel = find(layout, TAGS.pixelData);
  const at = pixel && dice.chance(0.7) ? pixel.offset : dice.chance(0.5) ? bytes.length : layout.datasetOffset;
  return {
    bytes: concat(bytes.subarray(0, at), nested, bytes.subarray(at)),
    step: `${depth} nested undefined-length sequence(s) (${style}) inserted at ${at}`,
  };
};

const fragments: Mutator = (bytes, dice, { layout }) => {
  const items = layout?.elements.filter((h) => h.group === 0xfffe && h.depth >= 1 && h.offset > (find(layout, TAGS.pixelData)?.offset ?? Infinity));
  if (!items?.length) return undefined;
  const h = dice.pick(items);
  const out = bytes.slice();
  const action = dice.pick(['length', 'tag', 'offset-table'] as const);
  if (action === 'tag') {
    out.set(concat(u16(0xfffe, h.littleEndian), u16(dice.pick([0xe00d, 0xe0dd, 0x0000, 0xe001]), h.littleEndian)), h.offset);
    return { bytes: out, step: `fragment item tag at ${h.offset} changed` };
  }
  if (action === 'offset-table' && h.length >= 4 && h === items[0]) {
    for (let at = h.valueOffset; at + 4 <= h.valueOffset + h.length && at + 4 <= out.length; at += 4) {
      if (dice.chance(0.5)) out.set(u32(dice.pick([0xffffffff, 0x7fffffff, dice.int(1 << 20), 0]), h.littleEndian), at);
    }
    return { bytes: out, step: 'basic offset table entries scrambled' };
  }
  const value = dice.pick([0xffffffff, 0x7fffffff, 0, h.length + 2, Math.max(0, h.length - 2), h.length * 2]);
  out.set(u32(value, h.littleEndian), h.lengthOffset);
  return { bytes: out, step: `fragment item at ${h.offset} length set to 0x${(value >>> 0).toString(16)}` };
};

// ---- image-format-aware mutations

function crc32(data: Uint8Array): number {
  let c = ~0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

const imageHeader: Mutator = (bytes, dice, { kind }) => {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const big = dice.pick([0, 1, 0xffff, 0x7fff, 100_000, 0x7fffffff, 0xffffffff]);
  if (kind === 'png' && out.length > 33) {
    if (dice.chance(0.5)) view.setUint32(16, big);
    if (dice.chance(0.5)) view.setUint32(20, dice.pick([0, 1, 0xffff, 100_000, big]));
    if (dice.chance(0.3)) out[24] = dice.pick([0, 1, 2, 4, 16, 32]); // bit depth
    if (dice.chance(0.8)) view.setUint32(29, crc32(out.subarray(12, 29)));
    return { bytes: out, step: `PNG IHDR size/depth changed (width ${view.getUint32(16)}, height ${view.getUint32(20)})` };
  }
  if (kind === 'jpeg') {
    // find the SOF marker
    for (let i = 2; i + 9 < out.length; ) {
      if (out[i] !== 0xff) break;
      const marker = out[i + 1];
      if (marker >= 0xc0 && marker <= 0xc2) {
        if (dice.chance(0.5)) view.setUint16(i + 5, big & 0xffff);
        else view.setUint16(i + 7, big & 0xffff);
        if (dice.chance(0.3)) out[i + 9] = dice.pick([0, 2, 5, 255]); // components
        return { bytes: out, step: `JPEG SOF size/components changed at ${i}` };
      }
      if (dice.chance(0.15)) {
        view.setUint16(i + 2, dice.pick([0, 1, 2, 0xffff]));
        return { bytes: out, step: `JPEG segment length at ${i} changed` };
      }
      i += 2 + view.getUint16(i + 2);
    }
    return undefined;
  }
  if (kind === 'bmp' && out.length > 54) {
    const field = dice.pick([
      [2, 4], [10, 4], [14, 4], [18, 4], [22, 4], [28, 2], [30, 4], [46, 4],
    ] as const);
    const value = dice.pick([0, 1, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 65536, 4, 8, 3, 6]);
    if (field[1] === 4) view.setUint32(field[0], value >>> 0, true);
    else view.setUint16(field[0], value & 0xffff, true);
    return { bytes: out, step: `BMP header field at ${field[0]} set to ${value}` };
  }
  if (kind === 'webp' && out.length > 30) {
    out.set(u32(big, true).subarray(0, 3), dice.pick([24, 27]));
    return { bytes: out, step: 'WebP size field changed' };
  }
  if (kind === 'gif' && out.length > 10) {
    view.setUint16(dice.pick([6, 8]), big & 0xffff, true);
    return { bytes: out, step: 'GIF screen size changed' };
  }
  return undefined;
};

// ---- decompression bombs (scripts/fuzz/bombs.ts): small files that state or expand to gigabytes

const BOMB_MEGABYTES = [64, 600, 3000];

const dicomBomb: Mutator = (bytes, dice, { layout }) => {
  const pixel = find(layout, TAGS.pixelData);
  if (layout?.transferSyntax !== '1.2.840.10008.1.2.1' || !pixel) return undefined;
  try {
    return buildDicomBomb(bytes, dice);
  } catch {
    return undefined; // an earlier mutation left no fixture to build on
  }
};

function buildDicomBomb(bytes: Uint8Array, dice: Dice): { bytes: Uint8Array; step: string } {
  const kind = dice.pick(['deflate', 'deflate', 'deflate-nested', 'rle'] as const);
  if (kind === 'deflate') {
    const megabytes = dice.pick(BOMB_MEGABYTES);
    const pixelLength = dice.pick(['stated', 'image', 'fragments', Math.floor(megabytes / 2)] as const);
    return { bytes: deflateBomb(bytes, { megabytes, pixelLength }), step: `deflate bomb: ${megabytes} MB of zeros, pixel data length ${pixelLength}` };
  }
  if (kind === 'deflate-nested') {
    const depth = dice.pick([65, 1000, 100_000]);
    return { bytes: deflatedNestingBomb(bytes, depth), step: `deflate bomb: ${depth} nested sequences` };
  }
  const side = dice.pick([512, 4096, 11_585, 65_535]);
  const runs = dice.pick([1000, 1_000_000]);
  return { bytes: rleBomb(bytes, { width: side, height: side, runs }), step: `RLE bomb: ${side}x${side}, ${runs} runs of 128 bytes` };
}

const imageBomb: Mutator = (_bytes, dice, { kind }) => {
  if (kind !== 'png') return undefined;
  const [width, height] = dice.pick([[50_000, 50_000], [0x7fffffff, 1], [20_000, 20_000], [1, 1_000_000]] as const);
  const megabytes = dice.pick([1, 64, 600]);
  return { bytes: pngBomb(width, height, megabytes), step: `PNG bomb: ${width}x${height} over ${megabytes} MB of zeros` };
};

const GENERIC: [Mutator, number][] = [[bitFlips, 4], [byteSet, 2], [truncate, 2], [splice, 1], [duplicate, 1]];
const DICOM: [Mutator, number][] = [
  ...GENERIC, [lengthField, 5], [headerValue, 5], [frameCount, 2], [photometric, 1], [transferSyntax, 3],
  [nestedSequence, 2], [fragments, 3], [dicomBomb, 1],
];
const IMAGE: [Mutator, number][] = [...GENERIC, [imageHeader, 4], [imageBomb, 1]];
/** Bombs first, then perhaps an ordinary mutation: for the bomb slice of the tests (`bombs: true`). */
const BOMBS: Record<'dicom' | 'image', [Mutator, number][]> = { dicom: [[dicomBomb, 1], [nestedSequence, 1]], image: [[imageBomb, 1]] };

function weighted(dice: Dice, table: [Mutator, number][]): Mutator {
  let roll = dice.next() * table.reduce((n, [, w]) => n + w, 0);
  for (const [mutator, weight] of table) {
    roll -= weight;
    if (roll < 0) return mutator;
  }
  return table[0][0];
}

/**
 * Mutant number `index` of a run with `seed`: one source, one to three mutations. `bombs`: the first mutation is a
 * decompression bomb (DICOM sources of explicit VR little endian and PNG sources only).
 */
export function mutant(seed: number, index: number, sources: Source[], { bombs = false } = {}): Mutant {
  const dice = new Dice(rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0));
  // three in four mutants are DICOM
  const dicom = sources.filter((s) => s.kind === 'dicom' && (!bombs || dicomLayout(s.bytes)?.transferSyntax === '1.2.840.10008.1.2.1'));
  const images = sources.filter((s) => (bombs ? s.kind === 'png' : s.kind !== 'dicom'));
  const pool = dicom.length && (!images.length || dice.chance(0.75)) ? dicom : images;
  const source = dice.pick(pool);
  let bytes = source.bytes;
  const steps: string[] = [];
  const count = dice.pick([1, 1, 1, 2, 3]);
  for (let tries = 0; steps.length < count && tries < 10; tries++) {
    const ctx: Context = { layout: source.kind === 'dicom' ? dicomLayout(bytes) : undefined, others: sources, kind: source.kind };
    const table = bombs && steps.length === 0 ? BOMBS[source.kind === 'dicom' ? 'dicom' : 'image'] : source.kind === 'dicom' ? DICOM : IMAGE;
    const result = weighted(dice, table)(bytes, dice, ctx);
    if (!result || result.bytes.length === 0 && steps.length === 0 && dice.chance(0.9)) continue;
    bytes = result.bytes;
    steps.push(result.step);
  }
  return { index, source: source.name, steps, bytes };
}
