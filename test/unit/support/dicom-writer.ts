// Writes a small Part 10 DICOM file (Explicit VR Little Endian, 8-bit MONOCHROME2) from a grayscale image and
// the header fields a test chooses: DICOM headers made to order, around real pixels.
import type { GrayImage } from '../../../src/pipeline/types';

export interface HeaderFields {
  modality?: string;
  bodyPartExamined?: string;
  studyDescription?: string;
  seriesDescription?: string;
  protocolName?: string;
  studyInstanceUid?: string;
  patientName?: string;
}

const CR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.1';
const EXPLICIT_LITTLE = '1.2.840.10008.1.2.1';
const LONG_LENGTH_VRS = new Set(['OB', 'OW', 'UN', 'SQ', 'UT']);

function element(group: number, tag: number, vr: string, value: Uint8Array | string | number): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value === 'number') bytes = Uint8Array.of(value & 0xff, value >> 8);
  else if (typeof value === 'string') {
    const padded = value.length % 2 ? value + (vr === 'UI' ? '\0' : ' ') : value;
    bytes = new TextEncoder().encode(padded);
  } else bytes = value.length % 2 ? Uint8Array.from([...value, 0]) : value;
  const long = LONG_LENGTH_VRS.has(vr);
  const head = new Uint8Array(long ? 12 : 8);
  const view = new DataView(head.buffer);
  view.setUint16(0, group, true);
  view.setUint16(2, tag, true);
  head[4] = vr.charCodeAt(0);
  head[5] = vr.charCodeAt(1);
  if (long) view.setUint32(8, bytes.length, true);
  else view.setUint16(6, bytes.length, true);
  return concat([head, bytes]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function dicomFile(image: GrayImage, fields: HeaderFields): Uint8Array {
  const sopInstance = '1.2.826.0.1.3680043.10.1432.9.1';
  const metaElements = concat([
    element(0x0002, 0x0001, 'OB', Uint8Array.of(0, 1)),
    element(0x0002, 0x0002, 'UI', CR_IMAGE_STORAGE),
    element(0x0002, 0x0003, 'UI', sopInstance),
    element(0x0002, 0x0010, 'UI', EXPLICIT_LITTLE),
  ]);
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, metaElements.length, true);
  const groupLengthElement = concat([element(0x0002, 0x0000, 'UL', '').slice(0, 6), Uint8Array.of(4, 0), groupLength]);
  const optional = (group: number, tag: number, vr: string, value: string | undefined) => (value === undefined ? [] : [element(group, tag, vr, value)]);
  const dataset = concat([
    element(0x0008, 0x0016, 'UI', CR_IMAGE_STORAGE),
    element(0x0008, 0x0018, 'UI', sopInstance),
    ...optional(0x0008, 0x0060, 'CS', fields.modality),
    ...optional(0x0008, 0x1030, 'LO', fields.studyDescription),
    ...optional(0x0008, 0x103e, 'LO', fields.seriesDescription),
    ...optional(0x0010, 0x0010, 'PN', fields.patientName),
    ...optional(0x0018, 0x0015, 'CS', fields.bodyPartExamined),
    ...optional(0x0018, 0x1030, 'LO', fields.protocolName),
    element(0x0020, 0x000d, 'UI', fields.studyInstanceUid ?? '1.2.826.0.1.3680043.10.1432.9.2'),
    element(0x0028, 0x0002, 'US', 1),
    element(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
    element(0x0028, 0x0010, 'US', image.height),
    element(0x0028, 0x0011, 'US', image.width),
    element(0x0028, 0x0100, 'US', 8),
    element(0x0028, 0x0101, 'US', 8),
    element(0x0028, 0x0102, 'US', 7),
    element(0x0028, 0x0103, 'US', 0),
    element(0x7fe0, 0x0010, 'OB', image.data),
  ]);
  return concat([
    new Uint8Array(128),
    new TextEncoder().encode('DICM'),
    groupLengthElement,
    metaElements,
    dataset,
  ]);
}
