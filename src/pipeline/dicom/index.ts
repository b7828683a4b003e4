// DICOM input: from the bytes of a file to the 8-bit grayscale frames the model sees (the manifest's DICOM
// rule) and the modality values behind them (for live window/level). Pure: no DOM, no Node APIs; the WASM
// codecs load on the first compressed file. Nothing here logs; patient fields stay in the returned object.
import type { GrayImage } from '../types.js';
import { decimal, hasPart10Preamble, parseDataset, parseDatasetAsync, text, unsigned16, type DataSet } from './dataset.js';
import { DicomError } from './errors.js';
import type { DecodedFrame } from './codecs.js';
import { decodeFrame, reducibleLevels, type FrameSource } from './frames.js';
import { grayscaleFrame, lumaTo8Bit, lumaValues, modalityValues, valueRange, type ModalityFrame } from './pixels.js';
import { imageSizeProblem, MAX_PIXELS } from '../limits.js';
import { nonImageKind } from './sop-classes.js';
import { readTags, type DicomTag } from './tags.js';
import { TRANSFER_SYNTAXES, transferSyntaxName } from './syntaxes.js';

export { DicomError } from './errors.js';
export { applyWindow } from './pixels.js';
export type { DicomTag } from './tags.js';

export interface DicomMeta {
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  bodyPartExamined?: string;
  viewPosition?: string;
  laterality?: string;
  modality?: string;
  studyDescription?: string;
  seriesDescription?: string;
  protocolName?: string;
  /** StudyDate as written (YYYYMMDD) */
  studyDate?: string;
  /** row spacing, column spacing in mm (Pixel Spacing, else Imager Pixel Spacing), of the decoded pixels */
  pixelSpacing?: [number, number];
  /** which element `pixelSpacing` comes from (Imager Pixel Spacing is at the detector, not the patient) */
  pixelSpacingSource?: 'PixelSpacing' | 'ImagerPixelSpacing';
  /** the linear Modality LUT, when the file states one (stored value * slope + intercept = the values shown) */
  rescale?: { slope: number; intercept: number };
  photometric: string;
  bitsStored: number;
  rows: number;
  columns: number;
  frames: number;
  transferSyntax: string;
  windowCenter?: number;
  windowWidth?: number;
  /** kept only in memory: never logged or exported */
  patientName?: string;
  patientId?: string;
  /** every top-level element as text, for the on-screen tag browser only (identifying ones flagged) */
  tags?: DicomTag[];
}

export interface DicomImage {
  meta: DicomMeta;
  /** 8-bit, one per frame (each frame is a view): what the model sees */
  frames: GrayImage[];
  /** Modality LUT values per frame (luma for colour images), for live window/level */
  raw: { values: Float32Array[]; min: number; max: number };
  /**
   * 1: every stored pixel was decoded; 2, 4, ...: decoded that many times smaller per side (DecodeOptions.minSide),
   * and `meta.pixelSpacing` is that of the decoded pixels. `meta.rows` and `meta.columns` stay the stored size.
   */
  reduction: number;
  /**
   * Set when the decode at fewer resolution levels (DecodeOptions.minSide) failed and the file was decoded once
   * at full size instead: why it failed. The result is then the full-size one (reduction 1), which a viewer can
   * use as it is; callers report it rather than decoding at full size again.
   */
  reducedDecodeFailure?: string;
}

/** Rows x columns x frames beyond this is refused before any pixel is decoded (src/pipeline/limits.ts). */
export const MAX_TOTAL_PIXELS = MAX_PIXELS;
const MAX_BITS_STORED = 16;

const TAG = {
  sopClass: 'x00080016',
  modality: 'x00080060',
  studyDate: 'x00080020',
  studyDescription: 'x00081030',
  seriesDescription: 'x0008103e',
  protocolName: 'x00181030',
  studyUid: 'x0020000d',
  seriesUid: 'x0020000e',
  bodyPart: 'x00180015',
  viewPosition: 'x00185101',
  laterality: 'x00200060',
  imageLaterality: 'x00200062',
  patientName: 'x00100010',
  patientId: 'x00100020',
  transferSyntax: 'x00020010',
  samplesPerPixel: 'x00280002',
  photometric: 'x00280004',
  planarConfiguration: 'x00280006',
  frames: 'x00280008',
  rows: 'x00280010',
  columns: 'x00280011',
  pixelSpacing: 'x00280030',
  imagerPixelSpacing: 'x00181164',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  pixelRepresentation: 'x00280103',
  windowCenter: 'x00281050',
  windowWidth: 'x00281051',
  rescaleIntercept: 'x00281052',
  rescaleSlope: 'x00281053',
  pixelData: 'x7fe00010',
  floatPixelData: 'x7fe00008',
  doublePixelData: 'x7fe00009',
} as const;

/** DICM at offset 128, or a dataset without the preamble that parses. */
export function isDicom(bytes: Uint8Array): boolean {
  if (hasPart10Preamble(bytes)) return true;
  try {
    const dataSet = parseDataset(bytes);
    return Boolean(dataSet.elements[TAG.sopClass] || dataSet.elements[TAG.rows]);
  } catch {
    return false;
  }
}

function spacing(dataSet: DataSet): Pick<DicomMeta, 'pixelSpacing' | 'pixelSpacingSource'> {
  const sources = [
    [TAG.pixelSpacing, 'PixelSpacing'],
    [TAG.imagerPixelSpacing, 'ImagerPixelSpacing'],
  ] as const;
  for (const [tag, source] of sources) {
    const row = decimal(dataSet, tag, 0);
    const column = decimal(dataSet, tag, 1);
    if (row !== undefined && column !== undefined && row > 0 && column > 0) return { pixelSpacing: [row, column], pixelSpacingSource: source };
  }
  return {};
}

function rescale(dataSet: DataSet): DicomMeta['rescale'] {
  const slope = decimal(dataSet, TAG.rescaleSlope);
  const intercept = decimal(dataSet, TAG.rescaleIntercept);
  if (slope === undefined && intercept === undefined) return undefined;
  return { slope: slope ?? 1, intercept: intercept ?? 0 };
}

function readMeta(dataSet: DataSet, transferSyntax: string): DicomMeta {
  return {
    studyInstanceUid: text(dataSet, TAG.studyUid),
    seriesInstanceUid: text(dataSet, TAG.seriesUid),
    bodyPartExamined: text(dataSet, TAG.bodyPart),
    viewPosition: text(dataSet, TAG.viewPosition),
    laterality: text(dataSet, TAG.laterality) ?? text(dataSet, TAG.imageLaterality),
    modality: text(dataSet, TAG.modality),
    studyDescription: text(dataSet, TAG.studyDescription),
    seriesDescription: text(dataSet, TAG.seriesDescription),
    protocolName: text(dataSet, TAG.protocolName),
    studyDate: text(dataSet, TAG.studyDate),
    ...spacing(dataSet),
    rescale: rescale(dataSet),
    photometric: text(dataSet, TAG.photometric) ?? '',
    bitsStored: unsigned16(dataSet, TAG.bitsStored) ?? 0,
    rows: unsigned16(dataSet, TAG.rows) ?? 0,
    columns: unsigned16(dataSet, TAG.columns) ?? 0,
    frames: Math.max(1, Math.trunc(decimal(dataSet, TAG.frames) ?? 1)),
    transferSyntax,
    windowCenter: decimal(dataSet, TAG.windowCenter),
    windowWidth: decimal(dataSet, TAG.windowWidth),
    patientName: text(dataSet, TAG.patientName),
    patientId: text(dataSet, TAG.patientId),
    tags: readTags(dataSet),
  };
}

const SUPPORTED_PHOTOMETRICS = new Set(['MONOCHROME1', 'MONOCHROME2', 'RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_RCT', 'YBR_ICT']);

/** Everything that makes the pixel data undecodable, checked before any pixel is touched. */
function frameSource(dataSet: DataSet, meta: DicomMeta): FrameSource {
  const pixelData = dataSet.elements[TAG.pixelData];
  if (!pixelData) {
    const kind = nonImageKind(text(dataSet, TAG.sopClass), meta.modality);
    if (kind) throw new DicomError(`not an image: this DICOM file is ${kind}, which has no pixels to analyse`);
    if (dataSet.elements[TAG.floatPixelData] || dataSet.elements[TAG.doublePixelData]) {
      throw new DicomError('floating-point pixel data (parametric maps) is not supported');
    }
    throw new DicomError('no pixel data: this DICOM file has no Pixel Data element (7FE0,0010)');
  }
  const syntax = TRANSFER_SYNTAXES[meta.transferSyntax];
  if (!meta.transferSyntax) throw new DicomError('no transfer syntax: the file meta information has no (0002,0010) value');
  if (!syntax?.encoding) {
    throw new DicomError(`unsupported transfer syntax: ${transferSyntaxName(meta.transferSyntax)} (${meta.transferSyntax})`);
  }
  const { rows, columns, frames, bitsStored, photometric } = meta;
  if (rows === 0 || columns === 0) throw new DicomError(`invalid image size ${columns}x${rows} in the header`);
  const tooLarge = imageSizeProblem(columns, rows, frames);
  if (tooLarge) throw new DicomError(tooLarge);
  const bitsAllocated = unsigned16(dataSet, TAG.bitsAllocated) ?? 0;
  if (bitsStored < 1 || bitsStored > MAX_BITS_STORED || ![8, 16].includes(bitsAllocated) || bitsStored > bitsAllocated) {
    throw new DicomError(
      `unsupported pixel format: ${bitsStored} bits stored in ${bitsAllocated} allocated (8 to ${MAX_BITS_STORED} bits in 8 or 16 are supported)`,
    );
  }
  if (!SUPPORTED_PHOTOMETRICS.has(photometric)) {
    throw new DicomError(`unsupported photometric interpretation: ${photometric || 'missing'}`);
  }
  const samplesPerPixel = unsigned16(dataSet, TAG.samplesPerPixel) ?? 1;
  const colour = !photometric.startsWith('MONOCHROME');
  if (samplesPerPixel !== (colour ? 3 : 1)) {
    throw new DicomError(`${photometric} image with ${samplesPerPixel} samples per pixel is not valid`);
  }
  return {
    dataSet,
    pixelData,
    encoding: syntax.encoding,
    frames,
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    planarConfiguration: unsigned16(dataSet, TAG.planarConfiguration) ?? 0,
    ybr422: photometric === 'YBR_FULL_422' && syntax.encoding.startsWith('native'),
  };
}

export interface DecodeOptions {
  /**
   * Decode smaller where the codec can do it cheaply (JPEG 2000 resolution levels): halve the image while its
   * shorter side stays at least this long. For callers that need no more than that (the model alone); the
   * default, undefined, decodes every pixel.
   */
  minSide?: number;
}

/** Resolution levels to drop: as many as the codestreams allow while the shorter side stays >= minSide. */
function levelsToDrop(source: FrameSource, minSide: number | undefined): number {
  if (!minSide || source.encoding !== 'jpeg2000') return 0;
  const shorter = (levels: number) => Math.min(Math.ceil(source.rows / 2 ** levels), Math.ceil(source.columns / 2 ** levels));
  if (shorter(1) < minSide) return 0;
  const allowed = reducibleLevels(source);
  let levels = 0;
  while (levels < allowed && shorter(levels + 1) >= minSide) levels++;
  return levels;
}

export async function decodeDicomFile(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DicomImage> {
  const dataSet = await parseDatasetAsync(bytes);
  const meta = readMeta(dataSet, text(dataSet, TAG.transferSyntax) ?? '');
  const source = frameSource(dataSet, meta);
  const grayscale = meta.photometric.startsWith('MONOCHROME');
  const format = {
    bitsStored: meta.bitsStored,
    signed: unsigned16(dataSet, TAG.pixelRepresentation) === 1,
    slope: decimal(dataSet, TAG.rescaleSlope) ?? 1,
    intercept: decimal(dataSet, TAG.rescaleIntercept) ?? 0,
  };
  const window =
    meta.windowCenter !== undefined && meta.windowWidth !== undefined && meta.windowWidth >= 1
      ? { center: meta.windowCenter, width: meta.windowWidth }
      : undefined;
  const invert = meta.photometric === 'MONOCHROME1';

  /** runs synchronously on the decoded samples, which may live in a codec's memory only until its next decode */
  const toFrame = (frame: DecodedFrame): { modality: ModalityFrame; image: GrayImage } => {
    const pixelCount = frame.width * frame.height;
    let modality: ModalityFrame;
    let data: Uint8Array;
    if (grayscale) {
      ({ data, ...modality } = grayscaleFrame(frame.samples, pixelCount, format, window, invert));
    } else if (frame.components === 1) {
      modality = modalityValues(frame.samples, pixelCount, { ...format, slope: 1, intercept: 0 });
      data = lumaTo8Bit(modality.values, meta.bitsStored);
    } else {
      const ybr = !frame.rgb && meta.photometric.startsWith('YBR');
      const luma = lumaValues(frame, ybr);
      modality = { values: luma, ...valueRange(luma) };
      data = lumaTo8Bit(luma, meta.bitsStored);
    }
    return { modality, image: { width: frame.width, height: frame.height, data } };
  };

  const decodeFrames = async (dropped: number) => {
    const values: Float32Array[] = [];
    const frames: GrayImage[] = [];
    let min = Infinity;
    let max = -Infinity;
    for (let index = 0; index < meta.frames; index++) {
      const { modality, image } = await decodeFrame(source, index, toFrame, dropped);
      values.push(modality.values);
      frames.push(image);
      min = Math.min(min, modality.min);
      max = Math.max(max, modality.max);
    }
    return { frames, raw: { values, min, max } };
  };

  let dropped = levelsToDrop(source, options.minSide);
  let decoded: Awaited<ReturnType<typeof decodeFrames>>;
  let reducedDecodeFailure: string | undefined;
  try {
    decoded = await decodeFrames(dropped);
  } catch (error) {
    if (dropped === 0) throw error;
    // a tile header can allow fewer levels than the main header: every pixel, then, once, and said so
    reducedDecodeFailure = error instanceof Error ? error.message : String(error);
    dropped = 0;
    decoded = await decodeFrames(0);
  }
  const reduction = 2 ** dropped;
  if (reduction > 1 && meta.pixelSpacing) meta.pixelSpacing = [meta.pixelSpacing[0] * reduction, meta.pixelSpacing[1] * reduction];
  return { meta, ...decoded, reduction, ...(reducedDecodeFailure ? { reducedDecodeFailure } : {}) };
}
