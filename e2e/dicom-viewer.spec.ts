// The DICOM viewer, studies and exports: a two-view study (one StudyInstanceUID, a made-up patient, see
// e2e/fixtures/SOURCES.md) is grouped, shows its header next to the model's call, windows live, and its
// exports never carry the patient's name or ID.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { cardFor, decisions, dropFiles, FIXTURES, fixtureFile, MODELS_MANIFEST, openApp, requireModels, type DroppedFile } from './helpers';

test.beforeEach(requireModels);

const VIEWS = ['study_hand_pa.dcm', 'study_hand_lateral.dcm'];
const PATIENT = { name: 'Doe', id: 'DOE-JANE-0042' };

/** The text a PNG carries (tEXt, zTXt, iTXt chunks), joined. */
function pngTextChunks(png: Buffer): string {
  const texts: string[] = [];
  for (let at = 8; at + 8 <= png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('latin1');
    if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') texts.push(png.subarray(at + 8, at + 8 + length).toString('latin1'));
    at += 12 + length;
  }
  return texts.join('\n');
}

const studyFile = async (name: string): Promise<DroppedFile> => ({
  name,
  mimeType: 'application/dicom',
  buffer: await readFile(fileURLToPath(new URL(`fixtures/dicom/${name}`, import.meta.url))),
});

async function dropStudy(page: Page): Promise<void> {
  await openApp(page);
  await dropFiles(page, await Promise.all(VIEWS.map(studyFile)));
  await decisions(page, VIEWS.length);
}

/** The gray levels the canvas shows now (one channel: the viewer draws gray). */
const canvasPixels = (canvas: Locator) =>
  canvas.evaluate((element: HTMLCanvasElement) => {
    const { data } = element.getContext('2d')!.getImageData(0, 0, element.width, element.height);
    return Array.from(data.filter((_, i) => i % 4 === 0));
  });

const differingShare = (a: number[], b: number[]) => a.filter((v, i) => v !== b[i]).length / a.length;

/** Waits for the next animation frame, when the viewer repaints. */
const nextFrame = (page: Page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

test('two views of one study show their header next to the model, with patient details hidden until asked', async ({ page }) => {
  await dropStudy(page);
  for (const name of VIEWS) {
    const card = cardFor(page, name);
    await expect(card, name).not.toHaveAttribute('data-decision', 'error');
    const header = card.getByTestId('dicom-header');
    await expect(header).toContainText('HAND');
    await expect(header).toContainText(name.includes('_pa') ? 'PA' : 'LL');
    await expect(header).toContainText('R');
    await expect(card.getByTestId('scale-bar')).toBeVisible();
  }
  await expect(page.locator('body')).not.toContainText(PATIENT.id);
  await expect(page.locator('body')).not.toContainText(PATIENT.name);
  const card = cardFor(page, VIEWS[0]!);
  await card.getByRole('button', { name: 'Show patient details' }).click();
  await expect(card.getByTestId('patient-details')).toContainText(PATIENT.id);
  await card.getByRole('button', { name: 'Hide patient details' }).click();
  await expect(page.locator('body')).not.toContainText(PATIENT.id);
});

test('window/level by drag, presets and invert change the displayed pixels', async ({ page }) => {
  await dropStudy(page);
  const card = cardFor(page, VIEWS[0]!);
  const canvas = card.getByTestId('image-canvas');
  await canvas.scrollIntoViewIfNeeded();
  await nextFrame(page);
  const before = await canvasPixels(canvas);

  const box = (await card.getByRole('application').boundingBox())!;
  const start = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x - 60, start.y + 40, { steps: 5 });
  await page.mouse.up();
  await nextFrame(page);
  const dragged = await canvasPixels(canvas);
  expect(differingShare(before, dragged)).toBeGreaterThan(0.2);
  await expect(card.getByTestId('window-preset')).toHaveValue('');

  await card.getByTestId('window-reset').click();
  await nextFrame(page);
  expect(await canvasPixels(canvas)).toEqual(before);

  await card.getByTestId('window-preset').selectOption('Bone');
  await nextFrame(page);
  expect(differingShare(before, await canvasPixels(canvas))).toBeGreaterThan(0.2);
  await card.getByTestId('window-reset').click();

  await card.getByTestId('invert').check();
  await nextFrame(page);
  const inverted = await canvasPixels(canvas);
  expect(inverted).toEqual(before.map((v) => 255 - v));

  // keyboard: Shift+Right widens the window
  const values = card.getByTestId('window-values');
  const shown = await values.innerText();
  await card.getByRole('application').focus();
  await page.keyboard.press('Shift+ArrowRight');
  await expect(values).not.toHaveText(shown);
});

test('invert works on any image, not only DICOM', async ({ page }) => {
  await openApp(page);
  const photo = await fixtureFile(FIXTURES.hand);
  await dropFiles(page, [photo]);
  await decisions(page, 1);
  const card = cardFor(page, photo.name);
  const canvas = card.getByTestId('image-canvas');
  await nextFrame(page);
  const before = await canvasPixels(canvas);
  await card.getByTestId('invert').check();
  await nextFrame(page);
  const inverted = await canvasPixels(canvas);
  expect(inverted.every((v, i) => Math.abs(v - (255 - before[i]!)) <= 1)).toBe(true);
  await expect(card.getByTestId('window-preset')).toHaveCount(0); // window/level is for DICOM values only
});

test('the study panel shows both views side by side, and its exports carry results but never the patient', async ({ page }) => {
  await page.addInitScript(() => {
    // record print requests instead of opening the browser's print dialog
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => void ((window as unknown as { printed: number }).printed += 1);
  });
  await dropStudy(page);
  const manifest = JSON.parse(await readFile(MODELS_MANIFEST, 'utf8')) as { version: string };
  const study = page.getByTestId('study-panel').getByTestId('study');
  await expect(study).toHaveCount(1); // one StudyInstanceUID: one study, although the model may call each view differently
  await expect(study).toContainText('2 views');
  await expect(study.getByTestId('study-views').locator('canvas')).toHaveCount(VIEWS.length);
  // the header's body part next to the model's call for the study, a mismatch said in words
  await expect(study.getByTestId('study-agreement')).toContainText(/The header (says HAND|and the model agree: hand)/);
  // show the patient on screen: the exports must still leave them out
  await cardFor(page, VIEWS[0]!).getByRole('button', { name: 'Show patient details' }).click();

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const csv = await readFile((await csvDownload.path())!, 'utf8');
  const [header, ...rows] = csv.trim().split('\n');
  expect(header).toMatch(/^row,file,study,width,height,bodyPart,(p_\w+,)+abnormalProbability,decision,error,headerBodyPart,reason,thresholdLow,thresholdHigh,modelVersion,exportedAt$/);
  // anonymised by default: an image row per view, then the study's row naming them
  expect(rows.map((row) => row.split(',').slice(0, 3).join(','))).toEqual(['image,Image 1,Study 1', 'image,Image 2,Study 1', 'study,Image 1; Image 2,Study 1']);
  for (const row of rows) expect(row).toContain(`,${manifest.version},`);
  for (const name of VIEWS) expect(csv).not.toContain(name);
  expect(csv).not.toContain(PATIENT.name);
  expect(csv).not.toContain(PATIENT.id);

  const [pngDownload] = await Promise.all([page.waitForEvent('download'), study.getByTestId('report-png').click()]);
  const png = await readFile((await pngDownload.path())!);
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  // the name could only travel as text in the file (a rendered picture has none to match): no text chunk holds it;
  // the compressed pixel bytes may hold any three letters by chance, so they are not searched
  const text = pngTextChunks(png);
  expect(text).not.toContain(PATIENT.name);
  expect(text).not.toContain(PATIENT.id);
  expect(pngDownload.suggestedFilename()).toBe('bonelens-report-study-1.png');

  await study.getByTestId('report-print').click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  await page.emulateMedia({ media: 'print' });
  const printed = page.getByTestId('print-report');
  await expect(printed).toBeVisible();
  await expect(page.getByTestId('study-panel')).toBeHidden();
  await expect(printed).toContainText('Not a medical device. Not for clinical use.');
  await expect(printed).toContainText(`Model version ${manifest.version}`);
  for (const name of ['Image 1', 'Image 2']) await expect(printed).toContainText(name);
  for (const name of VIEWS) await expect(printed).not.toContainText(name);
  await expect(printed).toContainText("Reader's own impression:");
  // each analysed view twice: the clean film, and beside it where the model looked
  await expect(printed.locator('img')).toHaveCount(2 * VIEWS.length);
  await expect(printed).not.toContainText(PATIENT.name);
  await expect(printed).not.toContainText(PATIENT.id);
  await page.screenshot({ path: test.info().outputPath('print.png'), fullPage: true });
});

const SHARED_J2K = fileURLToPath(new URL('../../shared/data/dicom/CR_tibia_RG3_j2k_lossless.dcm', import.meta.url));

test('a 1760 x 1760 JPEG 2000 film: the first result decoded at the model\'s size, then the viewer at full size', async ({ page }) => {
  const bytes = await readFile(SHARED_J2K).catch(() => null);
  test.skip(bytes === null, 'needs ../shared/data/dicom (the shared radiographs)');
  await openApp(page);
  const name = 'tibia_j2k.dcm';
  await dropFiles(page, [{ name, mimeType: 'application/dicom', buffer: bytes! }]);
  const card = cardFor(page, name);
  await expect(card).toHaveAttribute('data-decision', /^(normal|uncertain|abnormal|unsupported)$/);
  // analysed from 440 x 440 (two resolution levels fewer, still twice the model's input), the stored size said
  await expect(card).toContainText('1760 × 1760 px, analysed downscaled');
  // the viewer's pixels are then replaced by the full-size decode
  await expect(card.getByTestId('image-canvas')).toHaveAttribute('width', '1760');
  await expect(card.getByTestId('image-canvas')).toHaveAttribute('height', '1760');
});
