// Analysing real radiographs with the shipped models, on every backend.
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { isSoftwareRenderer } from '../src/models/webgl-renderer';
import { FIXTURES, MODELS_MANIFEST, cardFor, cardProbability, decisions, dropFiles, fixtureFile, openApp, openSettings, requireModels, wasmLabel } from './helpers';

test.beforeEach(requireModels);

const RADIOGRAPHS = [
  { path: FIXTURES.elbow, part: 'Elbow' },
  { path: FIXTURES.hand, part: 'Hand' },
  { path: FIXTURES.shoulder, part: 'Shoulder' },
] as const;

test('each radiograph gets its body part, a whole-percent score on a chart with its thresholds, and a heatmap only when asked', async ({ page }) => {
  await openApp(page);
  const files = await Promise.all(RADIOGRAPHS.map(({ path }) => fixtureFile(path)));
  await dropFiles(page, files);
  await decisions(page, files.length);

  for (const [i, { part }] of RADIOGRAPHS.entries()) {
    const card = cardFor(page, files[i]!.name);
    await expect(card).toHaveAttribute('data-decision', /^(normal|uncertain|abnormal)$/);
    await expect(card.getByTestId('body-part')).toHaveText(`Body part: ${part}`);
    // one number per idea, as a whole percent (or "under 1%" / "over 99%")
    await expect(card.getByTestId('abnormal-probability')).toHaveText(/^: abnormality score (\d{1,2}%|under 1%|over 99%)$/);
    // the decision is written out, not only coloured
    await expect(card.getByTestId('decision')).toContainText(/Likely normal|Uncertain|Possibly abnormal/);
    // the thresholds are drawn on the chart and named in its accessible description
    await expect(card.getByRole('img', { name: /^Abnormality score and the lines for \w+ films: Abnormality score .*; normal below \d+% at \d+%; abnormal from \d+% at \d+%$/ })).toBeVisible();
    // the body-part scores are folded away, with plain class names
    await expect(card.getByRole('img', { name: /^Which body part the model sees: / })).toBeHidden();
    await card.getByText('Body part scores').click();
    await expect(card.getByRole('img', { name: /Another body part .*Not a radiograph/ })).toBeVisible();

    // the heatmap is off until asked for, with its legend and caption on the card
    await expect(card.getByTestId('heatmap-canvas')).toHaveCount(0);
    await expect(card.getByTestId('heatmap-legend')).toContainText('where the model looked, not a finding');
    await card.getByRole('checkbox', { name: 'Heatmap' }).check();
    await expect(card.getByTestId('heatmap-canvas')).toBeVisible();
    await card.getByRole('checkbox', { name: 'Heatmap' }).uncheck();
    await expect(card.getByTestId('heatmap-canvas')).toHaveCount(0);
  }
});

test('a rejected photo has no heatmap, no chart and no score: only why in words', async ({ page }) => {
  await openApp(page);
  const photo = await fixtureFile(FIXTURES.colourPhoto);
  await dropFiles(page, [photo]);
  await decisions(page, 1);
  const card = cardFor(page, photo.name);
  await expect(card).toHaveAttribute('data-decision', 'unsupported');
  await expect(card.getByTestId('decision-why')).toHaveText(/^not a supported radiograph: it does not look like a radiograph at all/);
  await expect(card.getByRole('checkbox', { name: 'Heatmap' })).toHaveCount(0);
  await expect(card.getByTestId('heatmap-canvas')).toHaveCount(0);
  await expect(card.getByTestId('heatmap-legend')).toHaveCount(0);
  await expect(card.getByTestId('chart')).toHaveCount(0);
  // no probability anywhere in the result (the zoom readout aside): "not a radiograph" needs no number
  await expect(card.getByTestId('decision')).not.toContainText('%');
  await expect(card.getByTestId('abnormal-probability')).toHaveCount(0);
  await expect(card.getByTestId('body-part')).toHaveCount(0);
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

test('images dropped together form a study only when the user says so; a repeated file is left out with a note', async ({ page }) => {
  await openApp(page);
  const first = await fixtureFile(FIXTURES.elbow);
  const second = await fixtureFile(FIXTURES.elbowSecondFilm);
  const repeat = { ...first, name: 'same-elbow-again.jpg' };
  await dropFiles(page, [first, second, repeat]);
  await decisions(page, 2);
  await expect(page.getByTestId('drop-notes')).toContainText(`same-elbow-again.jpg was left out: it is the same file as ${first.name}`);
  await expect(page.getByTestId('study-panel')).toHaveCount(0);

  // confirm: both into one new study
  await cardFor(page, first.name).getByTestId('study-select').selectOption('new');
  const studyKey = await cardFor(page, first.name).getByTestId('study-select').inputValue();
  await cardFor(page, second.name).getByTestId('study-select').selectOption(studyKey);
  const study = page.getByTestId('study-panel').getByTestId('study');
  await expect(study).toHaveCount(1);
  await expect(study).toContainText(/Elbow study 1: (Likely normal|Uncertain|Possibly abnormal), abnormality score (\d{1,2}%|under 1%|over 99%)/);
  await expect(study).toContainText('2 views');

  // name it, then split it again
  await study.getByTestId('study-name').fill('Left elbow, March');
  await study.getByTestId('study-name').press('Enter');
  await expect(study).toContainText('Left elbow, March: ');
  await study.getByTestId('study-split').click();
  await expect(page.getByTestId('study-panel')).toHaveCount(0);
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

  await openSettings(page);
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

test('the model card leads with what a reader needs per body part; the full figures are folded, readable and without paths', async ({ page }) => {
  const manifest = JSON.parse(await readFile(MODELS_MANIFEST, 'utf8'));
  await openApp(page);
  await page.getByText('About the models (model card)').click();
  const card = page.getByTestId('model-card');
  await expect(card).toContainText(`Version ${manifest.version}`);
  const parts = card.getByTestId('model-card-parts');
  for (const part of manifest.bodyPart.supported) await expect(parts).toContainText(new RegExp(part, 'i'));
  if (manifest.parts) await expect(parts).toContainText(/Of 100 \w+ films called (normal|abnormal), about \d+ are/);
  for (const heading of ['What the results mean, per body part', 'Intended use', 'Limitations']) {
    await expect(card.getByRole('heading', { name: heading, exact: true })).toBeVisible();
  }
  await expect(card).toContainText(manifest.limitations[0]);
  // the full metrics are folded below, with readable labels
  await expect(card.getByText('AUC within one source').first()).toBeHidden();
  await card.getByText('Metrics', { exact: true }).click();
  await expect(card.getByText('AUC within one source').first()).toBeVisible();
  await expect(card).toContainText('AUC from knowing the source alone (a baseline)');
  await expect(card).not.toContainText('Within source auc');
  await card.getByText('Licences', { exact: true }).click();
  await expect(card).toContainText(manifest.licences[0].licence);
  await card.getByText('Training', { exact: true }).click();
  await expect(card).not.toContainText(/\b(training|docs)\/[\w.]/);
});
