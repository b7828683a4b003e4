// Getting one frame's samples out of the Pixel Data element: native (little or big endian), RLE, or an
// encapsulated compressed stream handed to a codec.
import dicomParser from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import {
  decodeCompressedFrame,
  jpeg2000Levels,
  jpeg2000Size,
  reducedSize,
  type CompressedEncoding,
  type DecodedFrame,
  type FrameGeometry,
} from './codecs.js';
import { DicomError } from './errors.js';
import { decodeRle } from './rle.js';
import { streamSize } from './stream-size.js';
import type { PixelEncoding } from './syntaxes.js';

export interface FrameSource extends FrameGeometry {
  dataSet: DataSet;
  pixelData: Element;
  encoding: PixelEncoding;
  frames: number;
  /** native YBR_FULL_422 stores two Y samples and one Cb/Cr pair per two pixels */
  ybr422: boolean;
}

/**
 * Decodes frame `index` and hands it to `consume` synchronously (its samples may be a view into a codec's memory
 * or into the file: read them there, do not keep them). `reduceLevels`: JPEG 2000 frames are decoded that many
 * resolution levels smaller (see jpeg2000Levels); other encodings ignore it.
 */
export async function decodeFrame<T>(
  source: FrameSource,
  index: number,
  consume: (frame: DecodedFrame) => T,
  reduceLevels = 0,
): Promise<T> {
  switch (source.encoding) {
    case 'native':
    case 'native-big-endian':
      return consume(nativeFrame(source, index));
    case 'rle': {
      const bytesPerSample = source.bitsAllocated / 8;
      const samples = decodeRle(
        encapsulatedFrame(source, index),
        source.rows * source.columns,
        source.samplesPerPixel,
        bytesPerSample,
      );
      return consume({ ...frameShape(source), planar: true, rgb: false, samples });
    }
    default: {
      const data = encapsulatedFrame(source, index);
      const stated = streamSize(source.encoding, data);
      if (stated && (stated.width !== source.columns || (stated.height !== 0 && stated.height !== source.rows))) {
        // before the codec: a corrupt size makes it grind for seconds on an image that is not there
        throw new DicomError(
          `the compressed frame is ${stated.width}x${stated.height} but the header says ${source.columns}x${source.rows}`,
        );
      }
      const levels = source.encoding === 'jpeg2000' ? reduceLevels : 0;
      const origin = levels > 0 ? jpeg2000Size(data) : undefined;
      const expected = reducedSize({ width: source.columns, height: source.rows, x0: origin?.x0 ?? 0, y0: origin?.y0 ?? 0 }, levels);
      return decodeCompressedFrame(
        source.encoding as CompressedEncoding,
        data,
        source,
        (frame) => {
          if (frame.width !== expected.width || frame.height !== expected.height) {
            const reduced = levels > 0 ? ` (${expected.width}x${expected.height} at ${levels} fewer resolution levels)` : '';
            throw new DicomError(
              `the compressed frame is ${frame.width}x${frame.height} but the header says ${source.columns}x${source.rows}${reduced}`,
            );
          }
          return consume(frame);
        },
        levels,
      );
    }
  }
}

/** JPEG 2000 resolution levels that every frame can discard (0 for other encodings or an unreadable header). */
export function reducibleLevels(source: FrameSource): number {
  if (source.encoding !== 'jpeg2000') return 0;
  let levels = Infinity;
  for (let index = 0; index < source.frames && levels > 0; index++) {
    levels = Math.min(levels, jpeg2000Levels(encapsulatedFrame(source, index)) ?? 0);
  }
  return Number.isFinite(levels) ? levels : 0;
}

function frameShape(source: FrameSource): Pick<DecodedFrame, 'width' | 'height' | 'components'> {
  return { width: source.columns, height: source.rows, components: source.samplesPerPixel };
}

function nativeFrame(source: FrameSource, index: number): DecodedFrame {
  const { dataSet, pixelData, rows, columns, samplesPerPixel, bitsAllocated } = source;
  const pixelCount = rows * columns;
  const sampleCount = source.ybr422 ? pixelCount * 2 : pixelCount * samplesPerPixel;
  const bytesPerSample = bitsAllocated / 8;
  const frameBytes = sampleCount * bytesPerSample;
  const start = pixelData.dataOffset + index * frameBytes;
  const available = Math.min(pixelData.length, dataSet.byteArray.length - pixelData.dataOffset);
  if ((index + 1) * frameBytes > available) {
    const needed = source.frames * frameBytes;
    throw new DicomError(`truncated pixel data: ${available} bytes present, ${needed} needed for the image size`);
  }
  const bytes = dataSet.byteArray.subarray(start, start + frameBytes);
  const samples = nativeSamples(bytes, bytesPerSample, source.encoding === 'native');
  if (source.ybr422) return { ...frameShape(source), components: 1, planar: false, rgb: false, samples: yOf422(samples) };
  return { ...frameShape(source), planar: source.planarConfiguration === 1, rgb: false, samples };
}

const PLATFORM_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The samples of a native frame as a typed array: a view of the file's bytes when their byte order is the
 * platform's and they are aligned, else an aligned (and, when needed, byte-swapped) copy. Read-only use.
 */
export function nativeSamples(bytes: Uint8Array, bytesPerSample: number, littleEndian: boolean): Uint8Array | Uint16Array | Uint32Array {
  if (bytesPerSample === 1) return bytes;
  const aligned = bytes.byteOffset % bytesPerSample === 0 ? bytes : bytes.slice();
  const count = bytes.length / bytesPerSample;
  if (bytesPerSample === 2) {
    const words = new Uint16Array(aligned.buffer, aligned.byteOffset, count);
    if (littleEndian === PLATFORM_LITTLE_ENDIAN) return words;
    const swapped = new Uint16Array(count);
    for (let i = 0; i < count; i++) swapped[i] = ((words[i] & 0xff) << 8) | (words[i] >>> 8);
    return swapped;
  }
  const view = new DataView(aligned.buffer, aligned.byteOffset, aligned.byteLength);
  const samples = new Uint32Array(count);
  for (let i = 0; i < count; i++) samples[i] = view.getUint32(4 * i, littleEndian);
  return samples;
}

/** YBR_FULL_422 native layout is Y1 Y2 Cb Cr for each pair of pixels; the luma is the Y samples. */
function yOf422(samples: Uint8Array | Uint16Array | Uint32Array): Uint32Array {
  const luma = new Uint32Array(samples.length / 2);
  for (let pair = 0; pair < luma.length / 2; pair++) {
    luma[2 * pair] = samples[4 * pair];
    luma[2 * pair + 1] = samples[4 * pair + 1];
  }
  return luma;
}

function encapsulatedFrame(source: FrameSource, index: number): Uint8Array {
  const { dataSet, pixelData, frames } = source;
  const fragments = pixelData.fragments ?? [];
  if (!pixelData.encapsulatedPixelData || fragments.length === 0) {
    throw new DicomError('the transfer syntax is compressed but the pixel data is not encapsulated in fragments');
  }
  const end = dataSet.byteArray.length;
  if (fragments.some((fragment) => fragment.position + fragment.length > end)) {
    throw new DicomError('truncated DICOM file: the compressed pixel data ends early');
  }
  try {
    if (frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, 0, fragments.length);
    if (pixelData.basicOffsetTable?.length) return dicomParser.readEncapsulatedImageFrame(dataSet, pixelData, index);
    if (fragments.length === frames) return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, index, 1);
    if (source.encoding.startsWith('jpeg') && source.encoding !== 'jpeg2000') {
      const offsets = dicomParser.createJPEGBasicOffsetTable(dataSet, pixelData);
      return dicomParser.readEncapsulatedImageFrame(dataSet, pixelData, index, offsets);
    }
  } catch (thrown) {
    throw new DicomError(`frame ${index + 1} could not be read from the pixel data fragments: ${fragmentProblem(thrown, source)}`);
  }
  throw new DicomError(
    `cannot tell which of the ${fragments.length} pixel data fragments belong to which of the ${frames} frames`,
  );
}

/** dicom-parser's reason, without its function names and argument checks. */
function fragmentProblem(thrown: unknown, source: FrameSource): string {
  const message = String(thrown).replace(/^dicomParser[.:]\w+:\s*/, '');
  const offsets = source.pixelData.basicOffsetTable?.length ?? 0;
  if (/frameIndex' must be < basicOffsetTable/.test(message)) {
    return `the basic offset table lists ${offsets} frame(s), fewer than the ${source.frames} in the header`;
  }
  if (/parameter '|missing required|basic offset table|basicOffsetTable|matches/.test(message)) {
    return 'the fragments do not match the basic offset table (corrupt pixel data)';
  }
  return 'the fragments are corrupt';
}
