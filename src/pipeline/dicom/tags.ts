// The header as a list a reader can browse: every top-level element with its name (for the common ones), its
// value as text, and whether it may identify the patient (then the page hides it until asked). Pure; nothing
// here logs or stores the values.
import type { DataSet } from './dataset.js';

export interface DicomTag {
  /** e.g. "(0008,0020)" */
  tag: string;
  name: string;
  value: string;
  /** patient, people, institution, accession and private elements: hidden until the user asks */
  identifying: boolean;
}

/** tag -> [name, value representation] for the elements a reader of a radiograph most often looks at */
const DICTIONARY: Record<string, [string, string]> = {
  x00020010: ['Transfer Syntax UID', 'UI'],
  x00080008: ['Image Type', 'CS'],
  x00080016: ['SOP Class UID', 'UI'],
  x00080018: ['SOP Instance UID', 'UI'],
  x00080020: ['Study Date', 'DA'],
  x00080021: ['Series Date', 'DA'],
  x00080022: ['Acquisition Date', 'DA'],
  x00080023: ['Content Date', 'DA'],
  x00080030: ['Study Time', 'TM'],
  x00080031: ['Series Time', 'TM'],
  x00080033: ['Content Time', 'TM'],
  x00080050: ['Accession Number', 'SH'],
  x00080060: ['Modality', 'CS'],
  x00080064: ['Conversion Type', 'CS'],
  x00080070: ['Manufacturer', 'LO'],
  x00080080: ['Institution Name', 'LO'],
  x00080081: ['Institution Address', 'ST'],
  x00080090: ["Referring Physician's Name", 'PN'],
  x00081010: ['Station Name', 'SH'],
  x00081030: ['Study Description', 'LO'],
  x0008103e: ['Series Description', 'LO'],
  x00081040: ['Institutional Department Name', 'LO'],
  x00081050: ["Performing Physician's Name", 'PN'],
  x00081070: ["Operators' Name", 'PN'],
  x00081090: ["Manufacturer's Model Name", 'LO'],
  x00100010: ["Patient's Name", 'PN'],
  x00100020: ['Patient ID', 'LO'],
  x00100030: ["Patient's Birth Date", 'DA'],
  x00100040: ["Patient's Sex", 'CS'],
  x00101010: ["Patient's Age", 'AS'],
  x00180015: ['Body Part Examined', 'CS'],
  x00180060: ['KVP', 'DS'],
  x00181000: ['Device Serial Number', 'LO'],
  x00181020: ['Software Versions', 'LO'],
  x00181110: ['Distance Source to Detector', 'DS'],
  x00181111: ['Distance Source to Patient', 'DS'],
  x00181150: ['Exposure Time', 'IS'],
  x00181151: ['X-Ray Tube Current', 'IS'],
  x00181152: ['Exposure', 'IS'],
  x00181164: ['Imager Pixel Spacing', 'DS'],
  x00185101: ['View Position', 'CS'],
  x0020000d: ['Study Instance UID', 'UI'],
  x0020000e: ['Series Instance UID', 'UI'],
  x00200010: ['Study ID', 'SH'],
  x00200011: ['Series Number', 'IS'],
  x00200013: ['Instance Number', 'IS'],
  x00200020: ['Patient Orientation', 'CS'],
  x00200060: ['Laterality', 'CS'],
  x00200062: ['Image Laterality', 'CS'],
  x00280002: ['Samples per Pixel', 'US'],
  x00280004: ['Photometric Interpretation', 'CS'],
  x00280006: ['Planar Configuration', 'US'],
  x00280008: ['Number of Frames', 'IS'],
  x00280010: ['Rows', 'US'],
  x00280011: ['Columns', 'US'],
  x00280030: ['Pixel Spacing', 'DS'],
  x00280100: ['Bits Allocated', 'US'],
  x00280101: ['Bits Stored', 'US'],
  x00280102: ['High Bit', 'US'],
  x00280103: ['Pixel Representation', 'US'],
  x00281050: ['Window Center', 'DS'],
  x00281051: ['Window Width', 'DS'],
  x00281052: ['Rescale Intercept', 'DS'],
  x00281053: ['Rescale Slope', 'DS'],
  x00281054: ['Rescale Type', 'LO'],
  x00282110: ['Lossy Image Compression', 'CS'],
  x7fe00010: ['Pixel Data', 'OW'],
};

/** Elements that name or number a person, place or visit (beyond the patient group, 0010). */
const IDENTIFYING = new Set(['x00080050', 'x00080080', 'x00080081', 'x00080090', 'x00081010', 'x00081040', 'x00081050', 'x00081070', 'x00181000', 'x00200010']);
const STRING_VRS = new Set('AE AS CS DA DS DT IS LO LT PN SH ST TM UC UI UR UT'.split(' '));
const MAX_VALUE_CHARS = 200;

const tagName = (tag: string) => `(${tag.slice(1, 5)},${tag.slice(5)})`.toUpperCase();
const group = (tag: string) => Number.parseInt(tag.slice(1, 5), 16);

export function isIdentifying(tag: string): boolean {
  const g = group(tag);
  return g === 0x0010 || g % 2 === 1 || IDENTIFYING.has(tag);
}

function valueText(dataSet: DataSet, tag: string, vr: string | undefined): string {
  const element = dataSet.elements[tag]!;
  if (element.dataOffset + element.length > dataSet.byteArray.length) return '(runs past the end of the file)';
  if (element.items) return `sequence of ${element.items.length} item(s)`;
  if (element.length === 0) return '(empty)';
  if (vr && STRING_VRS.has(vr)) {
    const value = (dataSet.string(tag) ?? '').replace(/\\/g, ' \\ ').trim();
    return value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS)}…` : value;
  }
  const count = (size: number) => Math.min(Math.floor(element.length / size), 8);
  const list = (size: number, read: (index: number) => number | undefined) =>
    Array.from({ length: count(size) }, (_, i) => read(i)).join(' \\ ');
  switch (vr) {
    case 'US':
      return list(2, (i) => dataSet.uint16(tag, i));
    case 'SS':
      return list(2, (i) => dataSet.int16(tag, i));
    case 'UL':
      return list(4, (i) => dataSet.uint32(tag, i));
    case 'SL':
      return list(4, (i) => dataSet.int32(tag, i));
    case 'FL':
      return list(4, (i) => dataSet.float(tag, i));
    case 'FD':
      return list(8, (i) => dataSet.double(tag, i));
    default:
      return `${element.length} bytes of binary data`;
  }
}

/** Every top-level element in file order (the file meta group first), each value as text. */
export function readTags(dataSet: DataSet): DicomTag[] {
  return Object.keys(dataSet.elements)
    .sort()
    .map((tag) => {
      const known = DICTIONARY[tag];
      const vr = dataSet.elements[tag]!.vr ?? known?.[1];
      const name = known?.[0] ?? (group(tag) % 2 === 1 ? 'Private element' : 'Other element');
      const isPixelData = tag === 'x7fe00010';
      const value = isPixelData ? `${dataSet.elements[tag]!.length} bytes` : valueText(dataSet, tag, vr);
      return { tag: tagName(tag), name, value, identifying: isIdentifying(tag) };
    });
}
