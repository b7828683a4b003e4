// The viewer a radiologist works with: a full screen naming the file and the decision, the value under the
// pointer, lengths in millimetres from the file's pixel spacing, the header's elements, keyboard help.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { cardFor, decisions, dropFiles, openApp, requireModels, type DroppedFile } from './helpers';

test.beforeEach(requireModels);

const dicomFile = async (relative: string): Promise<DroppedFile> => ({
  name: relative.split('/').pop()!,
  mimeType: 'application/dicom',
  buffer: await readFile(fileURLToPath(new URL(`../${relative}`, import.meta.url))),
});

const STUDY_PA = 'e2e/fixtures/dicom/study_hand_pa.dcm'; // Pixel Spacing 0.5\0.5 mm, 153 x 192 px
const RESCALED = 'test/fixtures/dicom/hand16_signed_rescale_window.dcm'; // stored v*8 - 1000, slope 0.5, intercept 100
const COLUMNS = 153;
const ROWS = 192;

async function openFile(page: Page, relative: string): Promise<Locator> {
  await openApp(page);
  const file = await dicomFile(relative);
  await dropFiles(page, [file]);
  await decisions(page, 1);
  const card = cardFor(page, file.name);
  await card.getByRole('application').scrollIntoViewIfNeeded();
  return card;
}

/** The page position of the centre of image pixel (column, row), at zoom 1 and no rotation. */
async function pixelPosition(view: Locator, column: number, row: number): Promise<{ x: number; y: number }> {
  const box = (await view.boundingBox())!;
  return { x: box.x + ((column + 0.5) / COLUMNS) * box.width, y: box.y + ((row + 0.5) / ROWS) * box.height };
}

/** The 8-bit reference pixel v at (column, row): the reference file ends with its pixel data. */
async function referencePixel(column: number, row: number): Promise<number> {
  const bytes = await readFile(fileURLToPath(new URL('../test/fixtures/dicom/hand8_explicit_le.dcm', import.meta.url)));
  return bytes[bytes.length - COLUMNS * ROWS + row * COLUMNS + column]!;
}

test('full screen shows the file name and the decision, and Esc leaves it from any control', async ({ page }) => {
  const card = await openFile(page, STUDY_PA);
  const decision = (await card.getByTestId('decision').locator('strong').first().innerText()).trim();
  await card.getByTestId('fit-screen').click();
  const header = card.getByTestId('full-view-header');
  await expect(header).toContainText('study_hand_pa.dcm');
  await expect(card.getByTestId('full-view-decision')).toContainText(decision);
  // the overlays come along: window/level, zoom and the view's laterality
  await expect(card.getByTestId('overlay-window')).toContainText(/C .* · W /);
  await expect(card.getByTestId('overlay-zoom')).toContainText('Zoom 100%');
  await expect(card.getByTestId('overlay-orientation')).toContainText('Right');
  const view = card.getByRole('application');
  const viewBox = (await view.boundingBox())!;
  expect(viewBox.height).toBeGreaterThan((page.viewportSize()!.height * 0.6));
  // Esc with the focus on a control that is not the image
  await card.getByTestId('invert').focus();
  await page.keyboard.press('Escape');
  await expect(header).toHaveCount(0);
});

test('the pixel readout gives the stored and the rescaled value of the pixel under the pointer', async ({ page }) => {
  const card = await openFile(page, RESCALED);
  const [column, row] = [76, 96];
  const stored = (await referencePixel(column, row)) * 8 - 1000;
  const rescaled = stored * 0.5 + 100;
  const at = await pixelPosition(card.getByRole('application'), column, row);
  await page.mouse.move(at.x, at.y);
  await expect(card.getByTestId('pixel-readout')).toHaveText(`x ${column}, y ${row}: stored ${stored}, rescaled ${rescaled}`);
});

test('a distance drawn on a file with Pixel Spacing is given in millimetres, with its basis', async ({ page }) => {
  const card = await openFile(page, STUDY_PA);
  await card.getByTestId('tool-distance').click();
  await expect(card.getByTestId('active-tool')).toContainText('distance');
  const view = card.getByRole('application');
  // 30 columns and 40 rows apart: 50 px, at 0.5 mm per pixel 25 mm
  const from = await pixelPosition(view, 20, 30);
  const to = await pixelPosition(view, 50, 70);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 6 });
  await page.mouse.up();
  await expect(card.getByTestId('measurement-value')).toHaveText('25.0 mm');
  await expect(card.getByTestId('measurement-basis')).toContainText("file's Pixel Spacing: 0.5 mm per pixel");
  await expect(card.getByTestId('measurement-overlay')).toContainText('25.0 mm');
});

test('rotating turns the image and its readout follows; the key list opens with ?', async ({ page }) => {
  const card = await openFile(page, STUDY_PA);
  const view = card.getByRole('application');
  const before = (await view.boundingBox())!;
  await card.getByTestId('rotate').click();
  await expect(card.getByTestId('overlay-zoom')).toContainText('rotated 90°');
  const after = (await view.boundingBox())!;
  // a portrait image turned a quarter lies wider than tall
  expect(before.height).toBeGreaterThan(before.width);
  expect(after.width).toBeGreaterThan(after.height);
  // turned clockwise, the top-left pixel is at the top right: hover just inside that corner
  await page.mouse.move(after.x + after.width - 3, after.y + 3);
  await expect(card.getByTestId('pixel-readout')).toContainText(/^x 0, y [01]:/);
  await view.focus();
  await page.keyboard.press('?');
  await expect(card.getByTestId('shortcuts')).toContainText('rotate 90°');
});

test('the DICOM header browser lists the elements and hides the patient until asked', async ({ page }) => {
  const card = await openFile(page, STUDY_PA);
  const browser = card.getByTestId('tag-browser');
  await browser.locator('summary').click();
  await expect(browser).toContainText('Pixel Spacing');
  await expect(browser).toContainText('(0028,0030)');
  await expect(browser).not.toContainText('DOE-JANE-0042');
  await browser.getByTestId('show-identifying').click();
  await expect(browser).toContainText('DOE-JANE-0042');
});
