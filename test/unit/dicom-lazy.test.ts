// The WASM codecs load only when a compressed frame needs one, and each at most once.
import { describe, expect, it, vi } from 'vitest';
import { decodeDicomFile } from '../../src/pipeline/dicom/index';
import { fixture } from './dicom-fixtures';

const loaded = vi.hoisted(() => [] as string[]);
vi.mock('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', async (original) => {
  loaded.push('libjpeg-turbo');
  return original();
});
vi.mock('@cornerstonejs/codec-charls/decodewasmjs', async (original) => {
  loaded.push('charls');
  return original();
});
vi.mock('@cornerstonejs/codec-openjpeg/decodewasmjs', async (original) => {
  loaded.push('openjpeg');
  return original();
});

describe('lazy codecs', () => {
  it('uncompressed, deflated and RLE files load no codec', async () => {
    for (const name of ['hand8_explicit_le', 'hand8_explicit_big_endian', 'hand8_deflated', 'hand8_rle']) {
      await decodeDicomFile(fixture(name));
    }
    expect(loaded).toEqual([]);
  });

  it('a compressed file loads just its own codec, once', async () => {
    await decodeDicomFile(fixture('hand8_jpegls_lossless'));
    await decodeDicomFile(fixture('hand8_jpegls_near_lossless'));
    expect(loaded).toEqual(['charls']);
    await decodeDicomFile(fixture('hand8_jpeg_baseline'));
    await decodeDicomFile(fixture('hand8_j2k_lossless'));
    expect(loaded).toEqual(['charls', 'libjpeg-turbo', 'openjpeg']);
  });
});
