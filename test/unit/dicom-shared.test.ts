// The real DICOM files of ../shared/data/dicom (NEMA WG04 radiographs, pydicom/dclunie samples and more):
// each decodes to what its manifest row says, and the same image in different syntaxes gives the same values.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeDicomFile, type DicomImage } from '../../src/pipeline/dicom/index';
import { maxAbsoluteDifference, meanAbsoluteDifference, meanDifference } from './dicom-fixtures';

const SHARED_DICOM = '../shared/data/dicom';
const available = existsSync(`${SHARED_DICOM}/manifest.csv`);
if (!available) console.warn(`skipping the real-DICOM tests: ${SHARED_DICOM}/manifest.csv is absent (no ../shared here)`);

interface Row {
  file: string;
  width: number;
  height: number;
  photometric: string;
  bitsStored: number;
  frames: number;
}

/** manifest.csv: quoted fields may hold commas. */
function readManifest(): Row[] {
  const [header, ...lines] = readFileSync(`${SHARED_DICOM}/manifest.csv`, 'utf8').trim().split('\n');
  const split = (line: string) => [...line.matchAll(/("([^"]*)"|[^,]*)(,|$)/g)].map((m) => m[2] ?? m[1]);
  const columns = split(header);
  return lines.map((line) => {
    const cells = split(line);
    const cell = (name: string) => cells[columns.indexOf(name)];
    return {
      file: cell('file'),
      width: Number(cell('width')),
      height: Number(cell('height')),
      photometric: cell('photometric'),
      bitsStored: Number(cell('bits_stored')),
      frames: Number(cell('frames')),
    };
  });
}

const decoded = new Map<string, Promise<DicomImage>>();
function decode(file: string): Promise<DicomImage> {
  if (!decoded.has(file)) decoded.set(file, decodeDicomFile(new Uint8Array(readFileSync(`${SHARED_DICOM}/${file}`))));
  return decoded.get(file)!;
}

describe.skipIf(!available)('real DICOM files from ../shared', () => {
  const rows = available ? readManifest() : [];

  it.each(rows.map((row) => [row.file, row] as const))('%s decodes as its manifest row says', async (_, row) => {
    const image = await decode(row.file);
    expect(image.meta).toMatchObject({
      columns: row.width,
      rows: row.height,
      photometric: row.photometric,
      bitsStored: row.bitsStored,
      frames: row.frames,
    });
    expect(image.frames).toHaveLength(row.frames);
    for (const frame of image.frames) {
      expect(frame.data).toHaveLength(row.width * row.height);
      expect(Math.max(...frame.data.subarray(0, 1 << 16))).toBeGreaterThan(Math.min(...frame.data.subarray(0, 1 << 16)));
    }
  });

  it.each([
    ['CR_hip_RG2_jpeg_lossless_sv1.dcm', 'CR_hip_RG2_rle.dcm'],
    ['CR_tibia_RG3_jpegls_lossless.dcm', 'CR_tibia_RG3_j2k_lossless.dcm'],
    ['MR_small_implicit_le.dcm', 'MR_small_explicit_big_endian.dcm'],
    ['MR_small_implicit_le.dcm', 'MR_small_rle.dcm'],
    ['MR_small_implicit_le.dcm', 'MR_small_jpegls_lossless.dcm'],
    ['MR_small_implicit_le.dcm', 'MR_small_j2k_lossless.dcm'],
  ])('lossless: %s and %s hold identical values', async (a, b) => {
    expect(maxAbsoluteDifference((await decode(a)).raw.values[0], (await decode(b)).raw.values[0])).toBe(0);
  });

  it.each([
    ['CR_hip_RG2_jpeg_lossless_sv1.dcm', 'CR_hip_RG2_jpeg_extended_12bit.dcm'],
    ['CR_tibia_RG3_jpegls_lossless.dcm', 'CR_tibia_RG3_jpeg_extended_12bit.dcm'],
    ['CR_chest_RG1_j2k_lossy.dcm', 'CR_chest_RG1_jpegls_nearlossless.dcm'],
  ])('lossy: %s and %s agree within 1 percent of the range on average, without offset', async (a, b) => {
    const reference = await decode(a);
    const lossy = await decode(b);
    const range = 2 ** reference.meta.bitsStored;
    expect(meanAbsoluteDifference(reference.raw.values[0], lossy.raw.values[0])).toBeLessThan(0.01 * range);
    // a level-shift error in a 12-bit JPEG decoder once added 0.3% of the range to every sample
    expect(Math.abs(meanDifference(reference.raw.values[0], lossy.raw.values[0]))).toBeLessThan(0.001 * range);
  });

  it('MONOCHROME1 shows the inverse of the same pixels as MONOCHROME2', async () => {
    const plain = await decode('CR_chest_RSNA_jpeg_baseline.dcm');
    const inverted = await decode('CR_chest_RSNA_jpeg_baseline_MONOCHROME1.dcm');
    expect(Array.from(inverted.frames[0].data, (v) => 255 - v)).toEqual(Array.from(plain.frames[0].data));
  });
});
