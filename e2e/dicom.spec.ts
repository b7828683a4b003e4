// DICOM files are decoded in the worker (with the pipeline's decoder and its lazily loaded WASM codecs).
import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { cardFor, decisions, dropFiles, openApp, requireModels, type DroppedFile } from './helpers';

test.beforeEach(requireModels);

const dicomFixture = async (name: string): Promise<DroppedFile> => ({
  name,
  mimeType: 'application/dicom',
  buffer: await readFile(fileURLToPath(new URL(`../test/fixtures/dicom/${name}`, import.meta.url))),
});

test('DICOM radiographs in several transfer syntaxes are analysed; a DICOM report says it holds no image', async ({ page }) => {
  await openApp(page);
  // see test/fixtures/dicom/SOURCES.md: one FracAtlas hand radiograph (153 x 192 px) in many encodings
  const images = await Promise.all(
    ['hand8_explicit_le.dcm', 'hand8_j2k_lossless.dcm', 'hand12_jpegls_lossless.dcm', 'hand8_monochrome1.dcm'].map(dicomFixture),
  );
  const report = await dicomFixture('report_encapsulated_pdf.dcm');
  await dropFiles(page, [...images, report]);
  await decisions(page, images.length + 1);

  for (const file of images) {
    const card = cardFor(page, file.name);
    await expect(card, file.name).not.toHaveAttribute('data-decision', 'error');
    await expect(card, file.name).toContainText('153 × 192 px');
    await expect(card.getByTestId('image-canvas'), file.name).toBeVisible();
  }
  const reportCard = cardFor(page, report.name);
  await expect(reportCard).toHaveAttribute('data-decision', 'error');
  await expect(reportCard.getByTestId('decision')).toContainText(/DICOM/);
});

test('a multi-frame DICOM file is one card with one decision and a frame control; each frame keeps its own call', async ({ page }) => {
  await openApp(page);
  const file = await dicomFixture('hand8_multiframe_rle.dcm'); // 3 frames: v, 255 - v, v >> 1 (see SOURCES.md)
  await dropFiles(page, [file]);
  const results = await decisions(page, 1);
  expect(Object.keys(results)).toEqual([file.name]);
  expect(results[file.name]).not.toBe('error');
  const card = cardFor(page, file.name);
  const frames = card.getByTestId('frame-control');
  await expect(frames).toContainText('of 3');
  await expect(card.getByTestId('frame-number')).toHaveText('1');
  await expect(card.getByTestId('frame-decision')).toContainText('This frame alone');
  const canvas = card.getByTestId('image-canvas');
  const firstFrame = await canvas.evaluate((c: HTMLCanvasElement) => c.toDataURL());
  await frames.getByRole('button', { name: 'Next frame' }).click();
  await expect(card.getByTestId('frame-number')).toHaveText('2');
  // the second frame is the first one negated: another picture on the same card
  await expect.poll(() => canvas.evaluate((c: HTMLCanvasElement) => c.toDataURL())).not.toBe(firstFrame);
  await card.getByTestId('frame-slider').fill('2');
  await expect(card.getByTestId('frame-number')).toHaveText('3');
});
