// Files the app cannot or must not analyse each get their own message, and never stop the rest of a batch.
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { FIXTURES, cardFor, decisions, dropFiles, fixtureFile, openApp, requireModels, type DroppedFile } from './helpers';
import { readFileSync } from 'node:fs';
import { MAX_PIXELS } from '../src/pipeline/limits';
import { deflateBomb, deflatedNestingBomb, pngBomb, rleBomb } from '../scripts/fuzz/bombs';

test.beforeEach(requireModels);

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// the largest square image within the stated pixel limit: far more than the model needs, so it is downscaled
const HUGE_SIDE = Math.floor(Math.sqrt(MAX_PIXELS));

function pseudoRandomBytes(count: number, seed: number): Buffer {
  const bytes = Buffer.alloc(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

async function brokenFiles(): Promise<Record<string, DroppedFile>> {
  const elbow = await fixtureFile(FIXTURES.elbow);
  const png = await sharp(FIXTURES.elbow).png().toBuffer();
  return {
    empty: { name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) },
    // a real PNG header followed by garbage instead of its image data
    corruptPng: { name: 'corrupt.png', mimeType: 'image/png', buffer: Buffer.concat([png.subarray(0, 33), pseudoRandomBytes(4096, 1)]) },
    // a real JPEG's start-of-image and JFIF segment (20 bytes), then garbage instead of its tables and frame
    corruptJpeg: { name: 'corrupt.jpg', mimeType: 'image/jpeg', buffer: Buffer.concat([elbow.buffer.subarray(0, 20), pseudoRandomBytes(4096, 2)]) },
    textAsPng: { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('Patient notes: not an image at all.\n'.repeat(20)) },
  };
}

test('broken files and a huge image each get their own message; the radiograph beside them is analysed', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page);
  const broken = await brokenFiles();
  expect(broken.corruptPng!.buffer.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  const huge: DroppedFile = {
    name: `huge-${HUGE_SIDE}.png`,
    mimeType: 'image/png',
    buffer: await sharp({ create: { width: HUGE_SIDE, height: HUGE_SIDE, channels: 3, background: { r: 90, g: 90, b: 90 } } })
      .png()
      .toBuffer(),
  };
  const elbow = await fixtureFile(FIXTURES.elbow);

  await dropFiles(page, [broken.empty!, elbow, broken.corruptPng!, broken.corruptJpeg!, broken.textAsPng!, huge]);
  await decisions(page, 6);

  const expectations: [DroppedFile, RegExp][] = [
    [broken.empty!, /empty file/],
    [broken.corruptPng!, /could not decode this PNG file/],
    [broken.corruptJpeg!, /could not decode this JPEG file/],
    [broken.textAsPng!, /not an image/],
  ];
  for (const [file, message] of expectations) {
    const card = cardFor(page, file.name);
    await expect(card, file.name).toHaveAttribute('data-decision', 'error');
    await expect(card.getByTestId('decision'), file.name).toContainText(message);
  }

  // the huge image is decoded (downscaled before its pixels are read) and analysed, not refused
  const hugeCard = cardFor(page, huge.name);
  await expect(hugeCard).not.toHaveAttribute('data-decision', 'error');
  await expect(hugeCard).toContainText(`${HUGE_SIDE} × ${HUGE_SIDE} px, analysed downscaled`);

  // and the good radiograph in the same batch was analysed normally
  await expect(cardFor(page, elbow.name)).toHaveAttribute('data-decision', /^(normal|uncertain|abnormal)$/);
});

test('decompression bombs each get their limit message at once; the radiograph beside them is analysed', async ({ page }) => {
  await openApp(page);
  const dicom = new Uint8Array(readFileSync('test/fixtures/dicom/hand8_explicit_le.dcm'));
  const file = (name: string, bytes: Uint8Array, mimeType = 'application/dicom'): DroppedFile => ({ name, mimeType, buffer: Buffer.from(bytes) });
  // the 3 MB deflated DICOM of the report, which expands to 3 GB: alone first, timed from its card's appearance
  // (handing 3 MB to the page through the test driver takes seconds of its own) to its error
  const deflate = file('deflate-3gb.dcm', deflateBomb(dicom, { megabytes: 3000, pixelLength: 'stated' }));
  await dropFiles(page, [deflate]);
  await expect(cardFor(page, deflate.name)).toHaveCount(1);
  const received = Date.now();
  await expect(cardFor(page, deflate.name)).toHaveAttribute('data-decision', 'error');
  expect(Date.now() - received).toBeLessThan(2000);
  await expect(cardFor(page, deflate.name).getByTestId('decision')).toContainText(
    'the deflated dataset expands past 512 MB; the limit is 512 MB',
  );

  const elbow = await fixtureFile(FIXTURES.elbow);
  const bombs: [DroppedFile, string][] = [
    [file('after-image.dcm', deflateBomb(dicom, { megabytes: 3000, pixelLength: 'image' })), 'the deflated dataset goes on for more than 16 MB after its pixel data'],
    [file('nested.dcm', deflatedNestingBomb(dicom, 100_000)), 'sequences nested too deeply: more than 64 levels; the limit is 64'],
    [file('rle.dcm', rleBomb(dicom, { width: 65_535, height: 65_535, runs: 1_000_000 })), 'image too large: 65535x65535 is 4295 megapixels'],
    [file('bomb.png', pngBomb(50_000, 50_000, 2500), 'image/png'), 'image too large: 50000x50000 is 2500 megapixels'],
  ];
  await dropFiles(page, [...bombs.map(([bomb]) => bomb), elbow]);
  await decisions(page, 1 + bombs.length + 1);
  for (const [bomb, message] of bombs) {
    await expect(cardFor(page, bomb.name), bomb.name).toHaveAttribute('data-decision', 'error');
    await expect(cardFor(page, bomb.name).getByTestId('decision'), bomb.name).toContainText(message);
  }
  await expect(cardFor(page, elbow.name)).toHaveAttribute('data-decision', /^(normal|uncertain|abnormal)$/);
});

test('a colour photograph and a chest radiograph are not analysed, and say why', async ({ page }) => {
  await openApp(page);
  const photo = await fixtureFile(FIXTURES.colourPhoto);
  const chest = await fixtureFile(FIXTURES.chest);
  const elbow = await fixtureFile(FIXTURES.elbow);
  await dropFiles(page, [photo, elbow, chest]);
  await decisions(page, 3);

  for (const file of [photo, chest]) {
    const card = cardFor(page, file.name);
    await expect(card, file.name).toHaveAttribute('data-decision', 'unsupported');
    await expect(card.getByTestId('decision'), file.name).toContainText(/not a supported radiograph|body part unclear/);
    await expect(card.getByTestId('abnormal-probability'), file.name).toHaveCount(0);
  }
  await expect(cardFor(page, elbow.name)).toHaveAttribute('data-decision', /^(normal|uncertain|abnormal)$/);
});
