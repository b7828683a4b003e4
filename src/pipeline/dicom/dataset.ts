// Parsing a DICOM byte stream into a dicom-parser DataSet, with every failure turned into a DicomError.
import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { DicomError } from './errors.js';
import { DatasetGuard } from './guard.js';
import { inflateDatasetNatively, inflateDatasetSync } from './inflate.js';

export type { DataSet };

const PREAMBLE_BYTES = 128;
const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const META_GROUP = 0x0002;
const IDENTIFYING_GROUP = 0x0008;
const VALUE_REPRESENTATIONS = new Set(
  'AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '),
);

export function hasPart10Preamble(bytes: Uint8Array): boolean {
  return (
    bytes.length >= PREAMBLE_BYTES + 4 &&
    String.fromCharCode(...bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + 4)) === 'DICM'
  );
}

/** A dataset written without the 128-byte preamble ("raw" DICOM) starts with a group 0002 or 0008 tag. */
function rawDatasetStart(bytes: Uint8Array): { group: number; explicit: boolean } | undefined {
  if (bytes.length < 8) return undefined;
  const group = bytes[0] | (bytes[1] << 8);
  if (group !== META_GROUP && group !== IDENTIFYING_GROUP) return undefined;
  const element = bytes[2] | (bytes[3] << 8);
  if (element > 0x0100 && group === META_GROUP) return undefined;
  const explicit = VALUE_REPRESENTATIONS.has(String.fromCharCode(bytes[4], bytes[5]));
  return { group, explicit };
}

/** Deflated Explicit VR Little Endian: dicom-parser hands us the stream and the offset where deflate starts. */
function inflateDataset(bytes: Uint8Array, position: number): Uint8Array {
  return inflateDatasetSync(bytes, position);
}

const DEFLATED_LE = '1.2.840.10008.1.2.1.99';
const BIG_ENDIAN = '1.2.840.10008.1.2.2';

/** Where a Part 10 file's dataset starts (after the file meta group) and its transfer syntax, from the meta group. */
function metaGroupEnd(bytes: Uint8Array): { start: number; transferSyntax: string } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = PREAMBLE_BYTES + 4;
  let transferSyntax = '';
  while (at + 8 <= bytes.length && view.getUint16(at, true) === META_GROUP) {
    const vr = String.fromCharCode(bytes[at + 4], bytes[at + 5]);
    const long = ['OB', 'OW', 'UN', 'UT', 'SQ', 'UC', 'UR'].includes(vr);
    if (long && at + 12 > bytes.length) break;
    const length = long ? view.getUint32(at + 8, true) : view.getUint16(at + 6, true);
    const valueAt = at + (long ? 12 : 8);
    if (valueAt + length > bytes.length) break;
    if (view.getUint16(at + 2, true) === 0x0010) {
      transferSyntax = String.fromCharCode(...bytes.subarray(valueAt, valueAt + Math.min(length, 64))).replace(/[\0 ]+$/, '');
    }
    at = valueAt + length;
  }
  return { start: at, transferSyntax };
}

/**
 * Refuses sequences nested past the limit before dicom-parser (which recurses once per level) walks them. A deflated
 * dataset is walked while it is inflated instead; big endian datasets are left to the parser.
 */
function guardDataset(input: Uint8Array, raw?: { explicit: boolean }): void {
  const { start, transferSyntax } = raw ? { start: 0, transferSyntax: raw.explicit ? EXPLICIT_LE : IMPLICIT_LE } : metaGroupEnd(input);
  if (transferSyntax === DEFLATED_LE || transferSyntax === BIG_ENDIAN) return;
  new DatasetGuard(start, { explicit: transferSyntax !== IMPLICIT_LE, inflated: false }).advance(input);
}

function parserMessage(thrown: unknown): string {
  const inner = (thrown as { exception?: unknown })?.exception ?? thrown;
  if (inner instanceof Error) return inner.message;
  return String(inner);
}

function describeParseFailure(thrown: unknown): DicomError {
  const inner = (thrown as { exception?: unknown })?.exception ?? thrown;
  if (inner instanceof DicomError) return inner;
  if (inner instanceof RangeError && /call stack/i.test(inner.message)) {
    // dicom-parser recurses once per sequence level
    return new DicomError('not a readable DICOM dataset: its sequences are nested too deeply (corrupt or hostile file)');
  }
  if (inner instanceof TypeError && /reading 'push'/.test(inner.message)) {
    // dicom-parser 1.8 reaching the end of the file inside an item of undefined length (it has no warnings list there)
    return new DicomError('truncated DICOM file: it ends inside a sequence item that has no end marker');
  }
  if (inner instanceof TypeError || inner instanceof RangeError) {
    // anything else the parser trips over inside its own code: the structure is broken somewhere
    return new DicomError('not a readable DICOM dataset: its element, sequence or item lengths do not add up (corrupt file)');
  }
  const message = parserMessage(thrown).replace(/^dicomParser[.:]\w+:\s*/, '');
  if (/overrun|overread|past end|beyond the end|invalid value for parameter 'maxP|'position' cannot be greater/i.test(message)) {
    return new DicomError('truncated DICOM file: it ends in the middle of an element');
  }
  if (/parameter '|cannot seek|cannot be less than/i.test(message)) {
    // the parser's own argument checks, tripped by a length that points somewhere impossible
    return new DicomError('not a readable DICOM dataset: its element, sequence or item lengths do not add up (corrupt file)');
  }
  if (/meta header attribute 0002,0010/.test(message)) {
    return new DicomError('not a readable DICOM file: its file meta information has no transfer syntax (0002,0010)');
  }
  if (/DICM prefix not found/.test(message)) return new DicomError('not a DICOM file: no DICM marker after the 128-byte preamble');
  // anything else is the parser's own wording, which names its functions rather than the file's problem
  return new DicomError('not a readable DICOM dataset: its structure is corrupt');
}

export function parseDataset(bytes: Uint8Array): DataSet {
  let input = bytes;
  const options: { inflater: typeof inflateDataset; TransferSyntaxUID?: string } = { inflater: inflateDataset };
  if (!hasPart10Preamble(bytes)) {
    const start = rawDatasetStart(bytes);
    if (!start) throw new DicomError('not a DICOM file: no DICM preamble and no dataset at the start of the file');
    if (start.group === META_GROUP) {
      // File meta information without the preamble: give it one, then parse as Part 10.
      input = new Uint8Array(PREAMBLE_BYTES + 4 + bytes.length);
      input.set([0x44, 0x49, 0x43, 0x4d], PREAMBLE_BYTES);
      input.set(bytes, PREAMBLE_BYTES + 4);
    } else {
      options.TransferSyntaxUID = start.explicit ? EXPLICIT_LE : IMPLICIT_LE;
    }
  }
  guardDataset(input, options.TransferSyntaxUID ? { explicit: options.TransferSyntaxUID === EXPLICIT_LE } : undefined);
  try {
    return dicomParser.parseDicom(input, options);
  } catch (thrown) {
    throw describeParseFailure(thrown);
  }
}

/** Thrown by the probing inflater: where the deflated dataset starts. */
class DeflateStart {
  constructor(readonly position: number) {}
}

/**
 * parseDataset, but a Deflated Explicit VR Little Endian dataset is inflated by the platform's zlib (async)
 * where there is one: the result is the same DataSet, byte for byte.
 */
export async function parseDatasetAsync(bytes: Uint8Array): Promise<DataSet> {
  if (!hasPart10Preamble(bytes)) return parseDataset(bytes);
  let start: number | undefined;
  guardDataset(bytes);
  try {
    return dicomParser.parseDicom(bytes, {
      inflater: (_: Uint8Array, position: number) => {
        throw new DeflateStart(position);
      },
    });
  } catch (thrown) {
    const inner = (thrown as { exception?: unknown })?.exception ?? thrown;
    // the usual errors, worded as parseDataset words them (without parsing a hostile file a second time)
    if (!(inner instanceof DeflateStart)) throw describeParseFailure(thrown);
    start = inner.position;
  }
  // a limit is thrown from here; only a stream the platform could not inflate goes to the synchronous path
  const whole = await inflateDatasetNatively(bytes, start);
  if (!whole) return parseDataset(bytes);
  try {
    return dicomParser.parseDicom(bytes, { inflater: () => whole });
  } catch (thrown) {
    throw describeParseFailure(thrown);
  }
}

/**
 * dicom-parser keeps an element whose stated length runs past the end of the file (implicit VR) and then throws
 * a bare string when its value is read: refuse it as a truncated file instead.
 */
function checkInBounds(dataSet: DataSet, tag: string): void {
  const element = dataSet.elements[tag];
  if (element && element.dataOffset + element.length > dataSet.byteArray.length) {
    const name = `(${tag.slice(1, 5)},${tag.slice(5)})`.toUpperCase();
    throw new DicomError(`truncated DICOM file: element ${name} runs past the end of the file`);
  }
}

/** The first value of a string element, trimmed; undefined when absent or empty. */
export function text(dataSet: DataSet, tag: string, index = 0): string | undefined {
  checkInBounds(dataSet, tag);
  // not dataSet.string(tag, index): it throws a TypeError when the element has fewer values than `index + 1`
  const value = dataSet.string(tag)?.split('\\')[index]?.trim();
  return value ? value : undefined;
}

export function decimal(dataSet: DataSet, tag: string, index = 0): number | undefined {
  const value = text(dataSet, tag, index);
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

export function unsigned16(dataSet: DataSet, tag: string): number | undefined {
  checkInBounds(dataSet, tag);
  return dataSet.elements[tag]?.length ? dataSet.uint16(tag) : undefined;
}
