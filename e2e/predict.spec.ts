// Analysing real radiographs with the shipped models, on every backend.
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { isSoftwareRenderer } from '../src/models/webgl-renderer';
import { FIXTURES, MODELS_MANIFEST, cardFor, cardProbability, decisions, dropFiles, fixtureFile, openApp, requireModels, wasmLabel } from './helpers';

test.beforeEach(requireModels);

const RADIOGRAPHS = [
  { path: FIXTURES.elbow, part: 'Elbow' },
  { path: FIXTURES.hand, part: 'Hand' },
  { path: FIXTURES.shoulder, part: 'Shoulder' },
] as const;

test('each radiograph gets its body part, an abnormality probability, charts and a heatmap', async ({ page }) => {
  await openApp(page);
  const files = await Promise.all(RADIOGRAPHS.map(({ path }) => fixtureFile(path)));
  await dropFiles(page, files);
  await decisions(page, files.length);

  for (const [i, { part }] of RADIOGRAPHS.entries()) {
    const card = cardFor(page, files[i]!.name);
    await expect(card).toHaveAttribute('data-decision', /^(normal|uncertain|abnormal)$/);
    await expect(card.getByTestId('body-part')).toContainText(new RegExp(`Body part: ${part} \\(\\d+\\.\\d%\\)`));
    await expect(card.getByTestId('abnormal-probability')).toHaveText(/abnormality probability \d+\.\d%/);
    // the decision is written out, not only coloured
    await expect(card.getByTestId('decision')).toContainText(/Likely normal|Uncertain|Possibly abnormal/);
    await expect(card.getByRole('img', { name: /^Abnormal vs normal: Abnormal \d/ })).toBeVisible();
    await expect(card.getByRole('img', { name: /^Body part \(stage 1\): / })).toBeVisible();
    await expect(card.getByTestId('heatmap-canvas')).toBeVisible();

    // the heatmap toggles off and on
    await card.getByRole('checkbox', { name: 'Heatmap' }).uncheck();
    await expect(card.getByTestId('heatmap-canvas')).toHaveCount(0);
    await card.getByRole('checkbox', { name: 'Heatmap' }).check();
    await expect(card.getByTestId('heatmap-canvas')).toBeVisible();
  }
});

test('the image view zooms and pans from the keyboard and the buttons', async ({ page }) => {
  await openApp(page);
  const file = await fixtureFile(FIXTURES.elbow);
  await dropFiles(page, [file]);
  await decisions(page, 1);
  const card = cardFor(page, file.name);
  const view = card.getByRole('application');
  const zoom = card.getByRole('group', { name: 'Zoom' }).locator('output');
  await expect(zoom).toHaveText('100%');
  await view.focus();
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await expect(zoom).toHaveText('156%');
  const stage = view.locator('.stage');
  const before = await stage.evaluate((el) => getComputedStyle(el).transform);
  await page.keyboard.press('ArrowLeft');
  expect(await stage.evaluate((el) => getComputedStyle(el).transform)).not.toBe(before);
  await page.keyboard.press('0');
  await expect(zoom).toHaveText('100%');
  await card.getByRole('button', { name: 'Zoom in' }).click();
  await expect(zoom).toHaveText('125%');
  await card.getByRole('button', { name: 'Reset zoom and position' }).click();
  await expect(zoom).toHaveText('100%');
});

test('images of one body part dropped together form a study, shown apart from the images', async ({ page }) => {
  await openApp(page);
  const files = [await fixtureFile(FIXTURES.elbow), await fixtureFile(FIXTURES.elbow)];
  files[1] = { ...files[1]!, name: 'elbow-second-view.jpg' };
  await dropFiles(page, files);
  await decisions(page, 2);
  const study = page.getByTestId('study-panel').getByTestId('study');
  await expect(study).toHaveCount(1);
  await expect(study).toContainText(/Elbow study: (Likely normal|Uncertain|Possibly abnormal), abnormality probability \d+\.\d%/);
  await expect(study).toContainText('2 images');
});

/** The page's WebGL renderer, read as src/models/webgl-renderer.ts reads it; null without WebGL. */
async function pageWebglRenderer(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer: unknown = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return typeof renderer === 'string' ? renderer : null;
  });
}

test('Automatic runs on WebGL only when a GPU draws it, and says why it did not', async ({ page }) => {
  await openApp(page);
  const renderer = await pageWebglRenderer(page);
  const wasm = await wasmLabel(page);
  const expected =
    renderer === null
      ? `running on ${wasm}`
      : isSoftwareRenderer(renderer)
        ? `running on ${wasm} (WebGL is software-only here)`
        : 'running on WEBGL';
  await expect(page.getByTestId('active-backend'), `renderer: ${renderer}`).toHaveText(expected);
});

test('every backend, WebGL forced included, gives the decisions of the automatic choice', async ({ page }) => {
  await openApp(page);
  const files = await Promise.all(RADIOGRAPHS.map(({ path }) => fixtureFile(path)));
  await dropFiles(page, files);
  const reference = await decisions(page, files.length);
  const referenceProbabilities = await Promise.all(files.map((f) => cardProbability(cardFor(page, f.name))));
  // without any WebGL a forced 'webgl' falls back to WASM, which is compared anyway
  const backends = (await pageWebglRenderer(page)) === null ? (['wasm', 'cpu'] as const) : (['webgl', 'wasm', 'cpu'] as const);

  for (const backend of backends) {
    await page.getByTestId('backend-select').selectOption(backend);
    // an explicit choice is never second-guessed: forced WebGL runs even on a software rasteriser
    const label = backend === 'wasm' ? await wasmLabel(page) : backend.toUpperCase();
    await expect(page.getByTestId('active-backend')).toHaveText(`running on ${label}`);
    // switching re-runs every kept image on the new backend
    expect(await decisions(page, files.length), backend).toEqual(reference);
    for (const [i, file] of files.entries()) {
      const probability = await cardProbability(cardFor(page, file.name));
      expect(probability, `${backend} ${file.name}`).toBeCloseTo(referenceProbabilities[i]!, 2);
    }
  }
});

test('a pasted image is analysed like a dropped one', async ({ page }) => {
  await openApp(page);
  const file = await fixtureFile(FIXTURES.elbow);
  await page.evaluate(
    ({ bytes, name }) => {
      const clipboard = new DataTransfer();
      clipboard.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/jpeg' }));
      window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: clipboard }));
    },
    { bytes: [...file.buffer], name: 'pasted.jpg' },
  );
  await decisions(page, 1);
  await expect(cardFor(page, 'pasted.jpg')).toHaveAttribute('data-decision', /^(normal|uncertain|abnormal|unsupported)$/);
});

test('the mouse wheel zooms the image view without scrolling the page', async ({ page }) => {
  await openApp(page);
  const file = await fixtureFile(FIXTURES.hand);
  await dropFiles(page, [file]);
  await decisions(page, 1);
  const card = cardFor(page, file.name);
  const view = card.getByRole('application');
  await view.scrollIntoViewIfNeeded();
  // charts may still be laying out above the view; with scroll anchoring the browser would move scrollY to follow
  // them (seen once: +52 px), so only the wheel can move the page here
  await page.evaluate(() => document.documentElement.style.setProperty('overflow-anchor', 'none'));
  const scrollBefore = await page.evaluate(() => window.scrollY);
  await view.hover();
  await page.mouse.wheel(0, -100);
  await expect(card.getByRole('group', { name: 'Zoom' }).locator('output')).toHaveText('125%');
  expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);
});

test('the model card shows what the shipped manifest says: version, limitations, metrics, licences', async ({ page }) => {
  const manifest = JSON.parse(await readFile(MODELS_MANIFEST, 'utf8'));
  await openApp(page);
  await page.getByText('About the models (model card)').click();
  const card = page.getByTestId('model-card');
  await expect(card).toContainText(`Version ${manifest.version}`);
  for (const heading of ['Intended use', 'Limitations', 'Metrics', 'Training', 'Licences']) {
    await expect(card.getByRole('heading', { name: heading, exact: true })).toBeVisible();
  }
  await expect(card).toContainText(manifest.limitations[0]);
  await expect(card).toContainText(manifest.licences[0].licence);
  // the within-source figures, which a source shortcut cannot fool, are in the card, beside the source-only baseline
  await expect(card).toContainText('Abnormality by source');
  await expect(card).toContainText('Within source auc');
  await expect(card).toContainText('Source only baseline auc');
  await expect(card).toContainText('Bodypart by source');
});
