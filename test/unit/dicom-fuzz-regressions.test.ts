// Regressions found by the fuzzer (npm run fuzz): each was an unclear failure and is now a clear DicomError.
import { describe, expect, it } from 'vitest';
import { decodeDicomFile, DicomError } from '../../src/pipeline/dicom/index';
import { dicomLayout } from '../../scripts/fuzz/dicom-walk';
import { fixture } from './dicom-fixtures';

function u32le(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];
}

/** Top-level element (group, element) of an explicit VR little endian file with a new string value (and length). */
function withValue(bytes: Uint8Array, group: number, element: number, value: string): Uint8Array {
  const h = dicomLayout(bytes)!.elements.find((e) => e.group === group && e.element === element && e.depth === 0)!;
  const padded = value.length % 2 ? `${value} ` : value;
  const out = new Uint8Array(bytes.length - h.length + padded.length);
  out.set(bytes.subarray(0, h.valueOffset));
  new DataView(out.buffer).setUint16(h.lengthOffset, padded.length, true);
  out.set([...padded].map((c) => c.charCodeAt(0)), h.valueOffset);
  out.set(bytes.subarray(h.valueOffset + h.length), h.valueOffset + padded.length);
  return out;
}

async function failure(bytes: Uint8Array): Promise<DicomError> {
  const thrown = await decodeDicomFile(bytes).then(() => undefined, (error: unknown) => error);
  expect(thrown).toBeInstanceOf(DicomError);
  return thrown as DicomError;
}

describe('fuzzer regressions', () => {
  it('thousands of nested sequences: a clear error, not "Maximum call stack size exceeded"', async () => {
    const bytes = fixture('hand8_explicit_le');
    const pixelData = dicomLayout(bytes)!.elements.find((h) => h.group === 0x7fe0 && h.element === 0x0010)!.offset;
    const level = [
      // (0008,1140) SQ, undefined length, then an item of undefined length
      0x08, 0x00, 0x40, 0x11, 0x53, 0x51, 0, 0, ...u32le(0xffffffff),
      0xfe, 0xff, 0x00, 0xe0, ...u32le(0xffffffff),
    ];
    const nested = new Uint8Array(20_000 * level.length);
    for (let i = 0; i < 20_000; i++) nested.set(level, i * level.length);
    const mutant = new Uint8Array(bytes.length + nested.length);
    mutant.set(bytes.subarray(0, pixelData));
    mutant.set(nested, pixelData);
    mutant.set(bytes.subarray(pixelData), pixelData + nested.length);
    // refused at the stated nesting limit, before the parser recurses into them
    expect((await failure(mutant)).message).toBe('sequences nested too deeply: more than 64 levels; the limit is 64');
  });

  it('an implicit VR element whose length runs past the end of the file: a clear error, not a thrown string', async () => {
    const bytes = fixture('hand8_implicit_le');
    const sopClass = dicomLayout(bytes)!.elements.find((h) => h.group === 0x0008 && h.element === 0x0016 && h.depth === 0)!;
    const mutant = bytes.slice();
    mutant.set(u32le(0x7fffffff), sopClass.lengthOffset);
    expect((await failure(mutant)).message).toBe('truncated DICOM file: element (0008,0016) runs past the end of the file');
  });

  it('a Pixel Spacing with one value instead of two: decoded, without spacing (was a TypeError inside dicom-parser)', async () => {
    const bytes = fixture('hand8_explicit_le');
    // (0028,0030) DS, inserted in tag order before Bits Allocated (0028,0100)
    const at = dicomLayout(bytes)!.elements.find((e) => e.group === 0x0028 && e.element === 0x0100)!.offset;
    const spacing = (value: string) => {
      const element = new Uint8Array([0x28, 0x00, 0x30, 0x00, 0x44, 0x53, value.length, 0, ...[...value].map((c) => c.charCodeAt(0))]);
      const out = new Uint8Array(bytes.length + element.length);
      out.set(bytes.subarray(0, at));
      out.set(element, at);
      out.set(bytes.subarray(at), at + element.length);
      return out;
    };
    expect((await decodeDicomFile(spacing('0.143\\0.15'))).meta.pixelSpacing).toEqual([0.143, 0.15]);
    const image = await decodeDicomFile(spacing('0.143 '));
    expect(image.meta.pixelSpacing).toBeUndefined();
    expect(image.frames[0].width).toBe(153);
  });

  it('a sequence item of defined length turned undefined, running to the end of the file: a clear error (was a TypeError inside dicom-parser)', async () => {
    const bytes = fixture('hand_rgb_jpeg_baseline_ybr');
    const elements = dicomLayout(bytes)!.elements;
    // the first item of a defined-length sequence nested in another sequence's item
    const item = elements.find((e, i) => e.group === 0xfffe && e.element === 0xe000 && elements[i - 1]?.vr === 'SQ' && elements[i - 1].depth >= 2 && elements[i - 1].length !== 0xffffffff)!;
    const mutant = bytes.slice();
    mutant.set(u32le(0xffffffff), item.lengthOffset);
    expect((await failure(mutant)).message).toBe('truncated DICOM file: it ends inside a sequence item that has no end marker');
  });

  it('corrupt JPEG-LS data: the codec failure in words (was "code <number>", a C++ exception pointer)', async () => {
    const bytes = fixture('hand8_jpegls_lossless');
    const mutant = bytes.slice();
    mutant.fill(0xff, bytes.length >> 1, (bytes.length >> 1) + 16);
    expect((await failure(mutant)).message).toBe(
      'the JPEG-LS pixel data could not be decoded: it is corrupt or uses a feature this decoder lacks',
    );
  });

  it('a basic offset table with fewer entries than frames: said in words (was dicom-parser\'s argument check)', async () => {
    const bytes = fixture('hand8_multiframe_jpeg_lossless');
    const elements = dicomLayout(bytes)!.elements;
    const pixelData = elements.findIndex((e) => e.group === 0x7fe0 && e.element === 0x0010);
    const table = elements[pixelData + 1];
    expect(table.length).toBeGreaterThan(4); // one 4-byte offset per frame
    // keep the first offset only
    const mutant = new Uint8Array(bytes.length - (table.length - 4));
    mutant.set(bytes.subarray(0, table.valueOffset + 4));
    new DataView(mutant.buffer).setUint32(table.lengthOffset, 4, true);
    mutant.set(bytes.subarray(table.valueOffset + table.length), table.valueOffset + 4);
    const frames = table.length / 4;
    expect((await failure(mutant)).message).toBe(
      `frame 2 could not be read from the pixel data fragments: the basic offset table lists 1 frame(s), fewer than the ${frames} in the header`,
    );
  });

  it('an empty transfer syntax UID: said as such (was "unknown transfer syntax  ()")', async () => {
    const bytes = fixture('hand8_explicit_le');
    const uid = dicomLayout(bytes)!.elements.find((e) => e.group === 0x0002 && e.element === 0x0010)!;
    const mutant = bytes.slice();
    mutant.fill(0x20, uid.valueOffset, uid.valueOffset + uid.length);
    expect((await failure(mutant)).message).toBe('no transfer syntax: the file meta information has no (0002,0010) value');
  });

  it('a compressed stream whose own header claims a huge size is refused before the codec runs (was 13 to 30 s of decoding)', async () => {
    const j2k = fixture('hand8_j2k_lossless');
    const siz = j2k.findIndex((byte, i) => byte === 0xff && j2k[i + 1] === 0x51 && j2k[i - 2] === 0xff && j2k[i - 1] === 0x4f);
    const big = j2k.slice();
    new DataView(big.buffer).setUint32(siz + 6, 30_000);
    new DataView(big.buffer).setUint32(siz + 10, 30_000);
    let started = performance.now();
    expect((await failure(big)).message).toBe('the compressed frame is 30000x30000 but the header says 153x192');
    expect(performance.now() - started).toBeLessThan(2000);

    const jpeg = fixture('hand8_jpeg_baseline');
    const sof = jpeg.findIndex((byte, i) => i > 132 && byte === 0xff && jpeg[i + 1] === 0xc0);
    const tall = jpeg.slice();
    new DataView(tall.buffer).setUint16(sof + 5, 65_000);
    started = performance.now();
    expect((await failure(tall)).message).toBe('the compressed frame is 153x65000 but the header says 153x192');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
