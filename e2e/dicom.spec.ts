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

test('each frame of a multi-frame DICOM file is analysed as a view of its own, named file#k as in the CLI', async ({ page }) => {
  await openApp(page);
  const file = await dicomFixture('hand8_multiframe_rle.dcm'); // 3 frames (see SOURCES.md)
  await dropFiles(page, [file]);
  const results = await decisions(page, 3);
  expect(Object.keys(results)).toEqual([1, 2, 3].map((k) => `${file.name}#${k}`));
  for (const decision of Object.values(results)) expect(decision).not.toBe('error');
});
