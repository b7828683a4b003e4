// A forgiving walk over the element headers of a DICOM file, for the fuzzer: where each element's tag, VR,
// length field and value lie, so that a mutation can aim at a length or a header value. It stops quietly at
// the first thing it cannot follow; it is not a parser anyone should trust.

export interface ElementHeader {
  /** byte offset of the tag */
  offset: number;
  group: number;
  element: number;
  /** explicit VR, or '' in implicit VR datasets and for items/delimiters */
  vr: string;
  lengthOffset: number;
  lengthSize: 2 | 4;
  valueOffset: number;
  length: number;
  littleEndian: boolean;
  /** nesting depth: 0 for top-level elements */
  depth: number;
}

export interface DicomLayout {
  /** the elements in file order, items and fragments included */
  elements: ElementHeader[];
  transferSyntax: string;
  /** where the dataset after the file meta group starts */
  datasetOffset: number;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);
const UNDEFINED = 0xffffffff;
const ITEM_GROUP = 0xfffe;

export function tagOf(group: number, element: number): number {
  return group * 0x10000 + element;
}

function isVr(a: number, b: number): boolean {
  return a >= 0x41 && a <= 0x5a && b >= 0x41 && b <= 0x5a;
}

class Walker {
  readonly elements: ElementHeader[] = [];
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u16(at: number, le: boolean): number {
    return this.view.getUint16(at, le);
  }
  u32(at: number, le: boolean): number {
    return this.view.getUint32(at, le);
  }

  /** One element header at `at`; undefined past the end. */
  header(at: number, explicit: boolean, le: boolean, depth: number): ElementHeader | undefined {
    if (at + 8 > this.bytes.length) return undefined;
    const group = this.u16(at, le);
    const element = this.u16(at + 2, le);
    if (group === ITEM_GROUP) {
      return { offset: at, group, element, vr: '', lengthOffset: at + 4, lengthSize: 4, valueOffset: at + 8, length: this.u32(at + 4, le), littleEndian: le, depth };
    }
    if (explicit && isVr(this.bytes[at + 4], this.bytes[at + 5])) {
      const vr = String.fromCharCode(this.bytes[at + 4], this.bytes[at + 5]);
      if (LONG_VRS.has(vr)) {
        if (at + 12 > this.bytes.length) return undefined;
        return { offset: at, group, element, vr, lengthOffset: at + 8, lengthSize: 4, valueOffset: at + 12, length: this.u32(at + 8, le), littleEndian: le, depth };
      }
      return { offset: at, group, element, vr, lengthOffset: at + 6, lengthSize: 2, valueOffset: at + 8, length: this.u16(at + 6, le), littleEndian: le, depth };
    }
    return { offset: at, group, element, vr: '', lengthOffset: at + 4, lengthSize: 4, valueOffset: at + 8, length: this.u32(at + 4, le), littleEndian: le, depth };
  }

  /** Elements from `at` until `end` or a delimiter; returns where it stopped. */
  walk(at: number, end: number, explicit: boolean, le: boolean, depth: number, untilDelimiter: boolean): number {
    while (at < end) {
      const h = this.header(at, explicit, le, depth);
      if (!h) return end;
      this.elements.push(h);
      if (h.group === ITEM_GROUP && h.element === 0xe00d) return h.valueOffset; // item delimiter
      if (h.group === ITEM_GROUP && h.element === 0xe0dd) return h.valueOffset; // sequence delimiter
      if (h.length === UNDEFINED) {
        if (depth > 64) return end;
        at = this.undefinedLength(h, explicit, le, depth);
      } else {
        if (h.vr === 'SQ' && h.valueOffset + h.length <= end) this.items(h.valueOffset, h.valueOffset + h.length, explicit, le, depth + 1);
        at = h.valueOffset + h.length;
      }
      if (untilDelimiter && at >= end) return at;
    }
    return at;
  }

  private items(at: number, end: number, explicit: boolean, le: boolean, depth: number): number {
    while (at + 8 <= end) {
      const item = this.header(at, false, le, depth);
      if (!item || item.group !== ITEM_GROUP) return end;
      this.elements.push(item);
      if (item.element === 0xe0dd) return item.valueOffset;
      if (item.length === UNDEFINED) at = this.walk(item.valueOffset, end, explicit, le, depth + 1, true);
      else {
        if (item.valueOffset + item.length <= end) this.walk(item.valueOffset, item.valueOffset + item.length, explicit, le, depth + 1, false);
        at = item.valueOffset + item.length;
      }
    }
    return end;
  }

  private undefinedLength(h: ElementHeader, explicit: boolean, le: boolean, depth: number): number {
    const encapsulated = h.group === 0x7fe0;
    if (!encapsulated) return this.items(h.valueOffset, this.bytes.length, explicit, le, depth + 1);
    // fragments: items with defined lengths (the first is the basic offset table), then a sequence delimiter
    let at = h.valueOffset;
    while (at + 8 <= this.bytes.length) {
      const item = this.header(at, false, le, depth + 1);
      if (!item || item.group !== ITEM_GROUP) return this.bytes.length;
      this.elements.push(item);
      at = item.valueOffset + (item.element === 0xe000 ? item.length : 0);
      if (item.element === 0xe0dd) return at;
    }
    return this.bytes.length;
  }
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';

/** The layout of a Part 10 file (preamble + DICM); undefined when it has none. */
export function dicomLayout(bytes: Uint8Array): DicomLayout | undefined {
  if (bytes.length < 132 || String.fromCharCode(...bytes.subarray(128, 132)) !== 'DICM') return undefined;
  const walker = new Walker(bytes);
  let at = 132;
  let transferSyntax = EXPLICIT_LE;
  try {
    // the meta group is explicit little endian
    while (at + 8 <= bytes.length && walker.u16(at, true) === 0x0002) {
      const h = walker.header(at, true, true, 0);
      if (!h || h.valueOffset + h.length > bytes.length) break;
      walker.elements.push(h);
      if (h.element === 0x0010) {
        transferSyntax = new TextDecoder().decode(bytes.subarray(h.valueOffset, h.valueOffset + h.length)).replace(/[\0 ]+$/, '');
      }
      at = h.valueOffset + h.length;
    }
    const datasetOffset = at;
    if (transferSyntax === '1.2.840.10008.1.2.1.99') return { elements: walker.elements, transferSyntax, datasetOffset };
    const explicit = transferSyntax !== '1.2.840.10008.1.2';
    const le = transferSyntax !== '1.2.840.10008.1.2.2';
    walker.walk(at, bytes.length, explicit, le, 0, false);
    return { elements: walker.elements, transferSyntax, datasetOffset };
  } catch {
    return { elements: walker.elements, transferSyntax, datasetOffset: at };
  }
}
