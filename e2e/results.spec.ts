// Results a doctor reads correctly: drops anywhere, a report for every result, de-identified exports, a
// decision announced to screen readers, an offline indicator, and nothing sent to another origin.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page, type Request } from '@playwright/test';
import { FIXTURES, MODELS_MANIFEST, cardFor, decisions, dropFiles, fixtureFile, openApp, openSettings, requireModels, type DroppedFile } from './helpers';

test.beforeEach(requireModels);

/** A PACS-style export: the patient's name in the file name (a real hand DICOM file, see e2e/fixtures/SOURCES.md). */
const patientFile = async (): Promise<DroppedFile> => ({
  name: 'Doe_John_elbow.dcm',
  mimeType: 'application/dicom',
  buffer: await readFile(fileURLToPath(new URL('fixtures/dicom/study_hand_pa.dcm', import.meta.url))),
});

/** Drops a file on an element as a browser does; returns whether the page took the drop (cancelled its default). */
async function dropOn(page: Page, selector: string, file: DroppedFile): Promise<boolean> {
  return page.evaluate(
    ({ selector, name, bytes }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(bytes)], name, { type: 'image/jpeg' }));
      const target = document.querySelector(selector)!;
      const over = new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true });
      const drop = new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true });
      const overTaken = !target.dispatchEvent(over);
      const dropTaken = !target.dispatchEvent(drop);
      return overTaken && dropTaken;
    },
    { selector, name: file.name, bytes: [...file.buffer] },
  );
}

test('a file dropped on the page header is analysed, the page stays, and leaving asks first', async ({ page }) => {
  await openApp(page);
  const url = page.url();
  const elbow = await fixtureFile(FIXTURES.elbow);
  expect(await dropOn(page, 'header.top', elbow)).toBe(true);
  await decisions(page, 1);
  await expect(cardFor(page, elbow.name)).toHaveAttribute('data-decision', /^(normal|uncertain|abnormal)$/);
  expect(page.url()).toBe(url);

  // results exist: closing the page asks before losing them
  const dialog = new Promise<string>((resolve) => page.once('dialog', (d) => void d.dismiss().then(() => resolve(d.type()))));
  await page.close({ runBeforeUnload: true });
  expect(await dialog).toBe('beforeunload');
});

test('each finished decision is announced once in a polite live region; zoom readouts are not', async ({ page }) => {
  await openApp(page);
  const elbow = await fixtureFile(FIXTURES.elbow);
  await dropFiles(page, [elbow]);
  await decisions(page, 1);
  const announcer = page.getByTestId('announcer');
  await expect(announcer).toHaveAttribute('aria-live', 'polite');
  await expect(announcer).toHaveText(new RegExp(`^${elbow.name}: (Likely normal|Uncertain|Possibly abnormal), abnormality score `));
  const card = cardFor(page, elbow.name);
  await expect(card.getByRole('group', { name: 'Zoom' }).locator('output')).toHaveAttribute('aria-live', 'off');
  // nothing else on the card announces itself
  await expect(card.locator('[aria-live="polite"], [role="status"]')).toHaveCount(0);
});

test('a single image has the same report as a study: PNG and print, the clean film beside the heatmap version', async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => void ((window as unknown as { printed: number }).printed += 1);
  });
  await openApp(page);
  const manifest = JSON.parse(await readFile(MODELS_MANIFEST, 'utf8')) as { version: string };
  const elbow = await fixtureFile(FIXTURES.elbow);
  await dropFiles(page, [elbow]);
  await decisions(page, 1);
  const card = cardFor(page, elbow.name);

  const [png] = await Promise.all([page.waitForEvent('download'), card.getByTestId('image-report-png').click()]);
  expect(png.suggestedFilename()).toBe('bonelens-report-image-1.png');
  expect((await readFile((await png.path())!)).subarray(1, 4).toString('latin1')).toBe('PNG');

  await card.getByTestId('image-report-print').click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  await page.emulateMedia({ media: 'print' });
  const printed = page.getByTestId('print-report');
  await expect(printed).toBeVisible();
  await expect(printed).toContainText(/BoneLens report: Image 1 \(Elbow film\)/);
  await expect(printed).toContainText(/(Likely normal|Uncertain|Possibly abnormal): abnormality score/);
  await expect(printed).toContainText(/Elbow films: normal below \d+%, abnormal from \d+%/);
  await expect(printed).toContainText(`Model version ${manifest.version}`);
  await expect(printed).toContainText("Reader's own impression:");
  await expect(printed.getByRole('img', { name: 'Film Image 1', exact: true })).toBeVisible();
  await expect(printed.getByRole('img', { name: 'Film Image 1 with where the model looked' })).toBeVisible();
  await expect(printed).not.toContainText(elbow.name);
});

test('a rejected photo gets a report too, without a heatmap version', async ({ page }) => {
  await page.addInitScript(() => void (window.print = () => {}));
  await openApp(page);
  const photo = await fixtureFile(FIXTURES.colourPhoto);
  await dropFiles(page, [photo]);
  await decisions(page, 1);
  await cardFor(page, photo.name).getByTestId('image-report-print').click();
  await page.emulateMedia({ media: 'print' });
  const printed = page.getByTestId('print-report');
  await expect(printed).toContainText('Not analysed: not a supported radiograph');
  await expect(printed.locator('img')).toHaveCount(1);
});

test('a file named after the patient appears nowhere in the CSV or the report while anonymising is on (the default)', async ({ page }) => {
  await page.addInitScript(() => void (window.print = () => {}));
  await openApp(page);
  const file = await patientFile();
  await dropFiles(page, [file]);
  await decisions(page, 1);
  const card = cardFor(page, file.name);
  const leaks = (text: string) => /Doe|John/.test(text);

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const csv = await readFile((await csvDownload.path())!, 'utf8');
  expect(csv.split('\n')[1]).toMatch(/^image,Image 1,/);
  expect(leaks(csv), csv).toBe(false);
  expect(leaks(csvDownload.suggestedFilename())).toBe(false);

  const [png] = await Promise.all([page.waitForEvent('download'), card.getByTestId('image-report-png').click()]);
  expect(leaks(png.suggestedFilename())).toBe(false);
  expect(leaks((await readFile((await png.path())!)).toString('latin1'))).toBe(false);

  await card.getByTestId('image-report-print').click();
  const printed = page.getByTestId('print-report');
  await expect(printed).toContainText('Image 1');
  expect(leaks(await printed.innerText())).toBe(false);
  expect(leaks(await printed.innerHTML())).toBe(false);

  // the setting is the user's: turned off, the CSV names the file
  await openSettings(page);
  await page.getByTestId('anonymise').uncheck();
  const [named] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  expect(await readFile((await named.path())!, 'utf8')).toContain('Doe_John_elbow.dcm');
});

test('nothing goes to another origin through analysis, reports and exports; offline is shown', async ({ page, context, baseURL }) => {
  await page.addInitScript(() => void (window.print = () => {}));
  const requests: Request[] = [];
  context.on('request', (request) => requests.push(request));
  await openApp(page);
  const files = [await fixtureFile(FIXTURES.elbow), await patientFile()];
  await dropFiles(page, files);
  await decisions(page, files.length);
  const card = cardFor(page, files[0]!.name);
  await card.getByRole('checkbox', { name: 'Heatmap' }).check();
  await Promise.all([page.waitForEvent('download'), card.getByTestId('image-report-png').click()]);
  await card.getByTestId('image-report-print').click();
  await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  await page.getByText('About the models (model card)').click();

  const origin = new URL(baseURL!).origin;
  const elsewhere = requests.map((r) => new URL(r.url())).filter((url) => !['blob:', 'data:'].includes(url.protocol) && url.origin !== origin);
  expect(elsewhere.map(String)).toEqual([]);

  await expect(page.getByTestId('offline-indicator')).toHaveCount(0);
  await context.setOffline(true);
  await expect(page.getByTestId('offline-indicator')).toContainText('Offline');
  await context.setOffline(false);
  await expect(page.getByTestId('offline-indicator')).toHaveCount(0);
});
