// Teaching with the example cases: a case has a link of its own, opening one lands on its heading, the
// presenter view shows the radiograph on a projector (1280 x 720, also at 150% browser zoom), and the quiz keeps
// a personal reader study: first call, final call after the model, results per body part.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { openApp, requireModels } from './helpers';

test.beforeEach(requireModels);

const CASES: { id: string; labels: { bodyPart: string } }[] = JSON.parse(
  readFileSync(fileURLToPath(new URL('../public/examples/cases.json', import.meta.url)), 'utf8'),
).cases;

async function openGallery(page: Page): Promise<void> {
  await openApp(page);
  await page.getByTestId('open-gallery').click();
  await expect(page.getByTestId('case-tile').first()).toBeVisible();
}

/** The share of the element's box inside the window, and its height as a share of the window's. */
const inView = (locator: Locator) =>
  locator.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const visible = Math.max(0, Math.min(box.bottom, innerHeight) - Math.max(box.top, 0));
    return { visibleShare: visible / box.height, heightShare: visible / innerHeight, top: box.top };
  });

test('opening a case focuses its heading at the top; its own link opens it again after a reload', async ({ page }) => {
  await openGallery(page);
  const tile = page.getByTestId('case-tile').nth(3);
  const id = (await tile.getAttribute('data-case'))!;
  await tile.click();
  const view = page.getByTestId('case-view');
  await expect(view).toHaveAttribute('data-case', id);
  await expect(view.getByRole('heading', { level: 3 }).first()).toBeFocused();
  expect((await inView(view.getByRole('heading', { level: 3 }).first())).top).toBeGreaterThanOrEqual(0);
  expect(new URL(page.url()).hash).toBe(`#examples/${id}`);
  await expect(view.getByTestId('result-card').getByRole('button', { name: /^Remove/ })).toHaveCount(0);

  await page.reload();
  await expect(page.getByTestId('case-view')).toHaveAttribute('data-case', id);
  // Esc goes back to the grid and the link back to #examples
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('case-grid')).toBeVisible();
  expect(new URL(page.url()).hash).toBe('#examples');
});

for (const { name, viewport, scale } of [
  { name: '1280 x 720', viewport: { width: 1280, height: 720 }, scale: 1 },
  // 150% browser zoom on the same screen: a CSS viewport two thirds as large, at 1.5 device pixels per CSS pixel
  { name: '1280 x 720 at 150% zoom', viewport: { width: 853, height: 480 }, scale: 1.5 },
]) {
  test.describe(name, () => {
    test.use({ viewport, deviceScaleFactor: scale });

    test('presenter view shows the radiograph first, most of the screen high', async ({ page }) => {
      await openGallery(page);
      await page.getByTestId('case-tile').first().click();
      const view = page.getByTestId('case-view');
      await expect(view.getByTestId('comparison')).toHaveAttribute('data-agreement', /^(agree|disagree|uncertain|error)$/);
      await view.getByTestId('presenter').click();
      const image = view.getByTestId('presenter-image').getByRole('application');
      await expect(image).toBeVisible();
      const seen = await inView(image);
      expect(seen.visibleShare).toBeGreaterThan(0.99);
      expect(seen.heightShare).toBeGreaterThanOrEqual(0.6);
      await expect(view.getByTestId('comparison')).toBeVisible();
      // one Esc leaves presenter view and keeps the case open
      await page.keyboard.press('Escape');
      await expect(view).not.toHaveClass(/presenter/);
      await expect(view).toBeVisible();
    });

    test('the quiz presenter view shows the radiograph whole, most of the screen high', async ({ page }) => {
      await openGallery(page);
      await page.getByTestId('mode-quiz').click();
      const quiz = page.getByTestId('quiz');
      await quiz.getByTestId('quiz-presenter').click();
      await expect(quiz).toHaveClass(/presenter/);
      const seen = await inView(quiz.getByTestId('quiz-image'));
      expect(seen.visibleShare).toBeGreaterThan(0.99);
      expect(seen.heightShare).toBeGreaterThanOrEqual(0.6);
    });
  });
}

test('the quiz keeps a reader study: the first call before the model, the final after, results per body part', async ({ page }) => {
  await openGallery(page);
  await page.getByTestId('mode-quiz').click();
  const quiz = page.getByTestId('quiz');
  await quiz.getByTestId('quiz-reset').click();
  await expect(quiz.getByRole('heading', { level: 3 })).not.toContainText(/ a elbow/);
  for (const [first, final] of [['a', 'Enter'], ['n', 'a']] as const) {
    await page.keyboard.press(first);
    await expect(quiz.getByTestId('model-output')).toBeVisible();
    await expect(quiz.getByTestId('comparison')).toHaveCount(0);
    // the radiograph is shown once, with the model's heatmap over it
    await expect(quiz.getByTestId('quiz-image')).toHaveCount(1);
    await expect(quiz.getByTestId('image-canvas')).toHaveCount(0);
    await page.keyboard.press(final);
    await expect(quiz.getByTestId('comparison')).toBeVisible();
    await expect(quiz.getByTestId('quiz-image')).toHaveCount(1);
    await page.keyboard.press('Enter');
  }
  await page.getByTestId('mode-study').click();
  const study = page.getByTestId('reader-study');
  const table = study.getByTestId('reader-study-table');
  await expect(table).toBeVisible();
  // two reads: each row counts them among the abnormal (sensitivity) or normal (specificity) cases
  const counts = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
  expect(counts.length).toBeGreaterThanOrEqual(3);
  expect(counts.join(' ')).toMatch(/of [12]: \d+% \(95% CI \d+% to \d+%\)/);
  const download = page.waitForEvent('download');
  await study.getByTestId('reader-study-csv').click();
  expect((await download).suggestedFilename()).toBe('bonelens-reader-study.csv');
  page.once('dialog', (dialog) => void dialog.accept());
  await study.getByTestId('reader-study-clear').click();
  await expect(study.getByTestId('reader-study-empty')).toBeVisible();
  expect(CASES.length).toBeGreaterThan(0);
});
