// The stated limits (src/pipeline/limits.ts): their messages, and that the DICOM decoder, the Node decode path
// and the CLI's file reader refuse a file past them from its header or its size, before decoding it.
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { readInputFile } from '../../cli/files';
import { decodeImageBytes } from '../../src/decode/node';
import { decodeDicomFile } from '../../src/pipeline/dicom/index';
import {
  checkFileSize, fileSizeProblem, imageSizeProblem, LimitError, LIMITS_TEXT, MAX_FILE_BYTES, MAX_FRAMES, MAX_PIXELS,
} from '../../src/pipeline/limits';
import { fixture, withUint16 } from './dicom-fixtures';
import { fixtureBytes } from './support/models';

/** A real (explicit VR little endian) fixture with its NumberOfFrames (0028,0008) value and length replaced. */
function withFrames(bytes: Uint8Array, frames: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 132; at + 8 < bytes.length; at++) {
    if (view.getUint16(at, true) === 0x0028 && view.getUint16(at + 2, true) === 0x0008 && bytes[at + 4] === 0x49) {
      const length = view.getUint16(at + 6, true);
      const value = frames.length % 2 ? `${frames} ` : frames;
      const out = new Uint8Array(bytes.length - length + value.length);
      out.set(bytes.subarray(0, at + 8));
      new DataView(out.buffer).setUint16(at + 6, value.length, true);
      out.set([...value].map((c) => c.charCodeAt(0)), at + 8);
      out.set(bytes.subarray(at + 8 + length), at + 8 + value.length);
      return out;
    }
  }
  throw new Error('no NumberOfFrames element');
}

describe('the limit messages', () => {
  it('state the file size and the limit in MB', () => {
    expect(fileSizeProblem(MAX_FILE_BYTES)).toBeUndefined();
    expect(fileSizeProblem(812_300_000)).toBe('file too large: it is 812 MB; the limit is 512 MB');
    expect(fileSizeProblem(5.2e9)).toBe('file too large: it is 5200 MB; the limit is 512 MB');
    expect(() => checkFileSize(MAX_FILE_BYTES + 1)).toThrow(LimitError);
  });

  it('state the image size, the pixel count and the limit in megapixels', () => {
    expect(MAX_PIXELS).toBe(2 ** 27);
    expect(imageSizeProblem(11_585, 11_585)).toBeUndefined();
    expect(imageSizeProblem(65_535, 65_535)).toBe('image too large: 65535x65535 is 4295 megapixels; the limit is 134 megapixels');
    expect(imageSizeProblem(8000, 8000, 3)).toBe('image too large: 3 frames of 8000x8000 is 192 megapixels; the limit is 134 megapixels');
  });

  it('state the frame count and the limit', () => {
    expect(imageSizeProblem(10, 10, MAX_FRAMES)).toBeUndefined();
    expect(imageSizeProblem(10, 10, 1001)).toBe('too many frames: the file has 1001; the limit is 1000');
    expect(LIMITS_TEXT).toBe('512 MB per file, 134 megapixels per file (all frames together), 1000 frames per file');
  });
});

describe('the decoders refuse from the header, before decoding', () => {
  it('DICOM: too many pixels, and too many frames', async () => {
    const huge = withUint16(withUint16(fixture('hand8_explicit_le'), 0x0028, 0x0010, 40_000), 0x0028, 0x0011, 40_000);
    await expect(decodeDicomFile(huge)).rejects.toThrow('image too large: 40000x40000 is 1600 megapixels; the limit is 134 megapixels');
    const multi = fixture('hand8_multiframe_explicit_le');
    await expect(decodeDicomFile(withFrames(multi, '5000'))).rejects.toThrow('too many frames: the file has 5000; the limit is 1000');
    // 999 frames of 153x192 are under both limits: the file is then too short for them, said as such
    await expect(decodeDicomFile(withFrames(multi, '999'))).rejects.toThrow(/^truncated pixel data/);
  });

  it('PNG and JPEG: the size in the header, through the decode path the CLI uses', async () => {
    const png = new Uint8Array(await sharp(fixtureBytes('hand_fracatlas_IMG0002940.jpg')).resize(64).png().toBuffer());
    const view = new DataView(png.buffer);
    view.setUint32(16, 30_000);
    view.setUint32(20, 20_000);
    view.setUint32(29, crc32(png.subarray(12, 29)));
    await expect(decodeImageBytes(png)).rejects.toThrow('image too large: 30000x20000 is 600 megapixels; the limit is 134 megapixels');

    const jpeg = fixtureBytes('hand_fracatlas_IMG0002940.jpg').slice();
    const jview = new DataView(jpeg.buffer);
    for (let i = 2; i < jpeg.length; i += 2 + jview.getUint16(i + 2)) {
      if (jpeg[i + 1] === 0xc0 || jpeg[i + 1] === 0xc2) {
        jview.setUint16(i + 5, 65_000);
        jview.setUint16(i + 7, 65_000);
        break;
      }
    }
    await expect(decodeImageBytes(jpeg)).rejects.toThrow('image too large: 65000x65000 is 4225 megapixels; the limit is 134 megapixels');
  });
});

describe('the CLI reads a file only when it is under the size limit', () => {
  const folder = mkdtempSync(join(tmpdir(), 'bonelens-limits-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('refuses a file past the limit from its size alone (a sparse file: nothing is read or written)', async () => {
    const big = join(folder, 'huge.dcm');
    writeFileSync(big, '');
    truncateSync(big, 812_000_000);
    await expect(readInputFile(big)).rejects.toThrow('file too large: it is 812 MB; the limit is 512 MB');
    const small = join(folder, 'small.png');
    writeFileSync(small, 'abc');
    expect(Array.from(await readInputFile(small))).toEqual([97, 98, 99]);
  });
});
