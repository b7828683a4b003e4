// Cross-origin isolation: the production preview sends COOP/COEP, so TF.js's WASM backend may run its SIMD +
// threads build (where it gets 2 threads or more: not on a 2-core machine, so one test emulates 4 cores in the
// analysis worker); without the headers the app falls back to single-threaded WASM SIMD, and its service
// worker adds them to the next load. Either way nothing is requested from another origin.
import { expect, test, type Page, type Request } from '@playwright/test';
import { FIXTURES, cardFor, cardProbability, decisions, dropFiles, fixtureFile, openApp, openSettings, requireModels, waitForModels, wasmLabel } from './helpers';

test.beforeEach(requireModels);

/** Runs on WASM whatever WebGL this machine has: the label under test is the WASM one. */
const chooseWasm = () => localStorage.setItem('bonelens.backend', 'wasm');

function foreignRequests(requests: Request[], baseURL: string): string[] {
  const origin = new URL(baseURL).origin;
  return requests
    .map((r) => new URL(r.url()))
    .filter((url) => url.protocol !== 'blob:' && url.protocol !== 'data:' && url.origin !== origin)
    .map((url) => url.href);
}

/** Analyses the elbow radiograph; returns its card's abnormality probability. */
async function analyseOne(page: Page): Promise<number | null> {
  const file = await fixtureFile(FIXTURES.elbow);
  await dropFiles(page, [file]);
  await decisions(page, 1);
  const card = cardFor(page, file.name);
  await expect(card).toHaveAttribute('data-decision', /^(normal|uncertain|abnormal)$/);
  return cardProbability(card);
}

test('the production preview is cross-origin isolated, names its WASM build, and asks no other origin', async ({ page, context, baseURL }) => {
  const requests: Request[] = [];
  context.on('request', (request) => requests.push(request));
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to|Cross-Origin-Embedder-Policy|blocked/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(chooseWasm);

  const response = await page.goto('/');
  expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  await page.getByRole('button', { name: 'I understand' }).click();
  await waitForModels(page);
  expect(await page.evaluate(() => crossOriginIsolated && typeof SharedArrayBuffer === 'function')).toBe(true);
  // "WASM SIMD + N threads" with 4 logical cores or more; "WASM SIMD" below (one thread: no threaded build)
  await expect(page.getByTestId('active-backend')).toHaveText(`running on ${await wasmLabel(page)}`);

  expect(await analyseOne(page)).not.toBeNull();
  expect(violations).toEqual([]);
  expect(foreignRequests(requests, baseURL!)).toEqual([]);
});

test('with 2 threads the threaded SIMD build runs and agrees with the CPU backend', async ({ page, context, baseURL }) => {
  // 4 logical cores in the analysis worker, whatever this machine has: TF.js then runs 2 threads
  await page.route(/\/assets\/analysis\.worker-[^/]+\.js$/, async (route) => {
    const response = await route.fetch();
    const emulate = "Object.defineProperty(WorkerNavigator.prototype, 'hardwareConcurrency', { get: () => 4 });\n";
    await route.fulfill({ response, body: emulate + (await response.text()) });
  });
  const requests: Request[] = [];
  context.on('request', (request) => requests.push(request));
  await page.addInitScript(chooseWasm);
  await openApp(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await wasmLabel(page, 4)).toBe('WASM SIMD + 2 threads');
  await expect(page.getByTestId('active-backend')).toHaveText('running on WASM SIMD + 2 threads');
  const threaded = await analyseOne(page);

  await openSettings(page);
  await page.getByTestId('backend-select').selectOption('cpu');
  await expect(page.getByTestId('active-backend')).toHaveText('running on CPU');
  await decisions(page, 1);
  const cpu = await cardProbability(cardFor(page, (await fixtureFile(FIXTURES.elbow)).name));
  expect(threaded).not.toBeNull();
  expect(threaded!).toBeCloseTo(cpu!, 2);
  expect(foreignRequests(requests, baseURL!)).toEqual([]);
});

test('without the headers it falls back to WASM SIMD, and the service worker isolates the next load', async ({ page, context, baseURL }) => {
  // a static host that cannot send headers: every response reaches the page without COOP/COEP
  await context.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  const requests: Request[] = [];
  context.on('request', (request) => requests.push(request));
  await page.addInitScript(chooseWasm);

  await openApp(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await expect(page.getByTestId('active-backend')).toHaveText('running on WASM SIMD');
  await analyseOne(page);

  // once the service worker is active it serves the page, from its precache, with the headers added
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (registration.active?.state !== 'activated') {
      await new Promise<void>((resolve) => registration.active!.addEventListener('statechange', () => resolve()));
    }
  });
  const reloaded = await page.reload();
  expect(reloaded?.fromServiceWorker()).toBe(true);
  expect(reloaded?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  await waitForModels(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(page.getByTestId('active-backend')).toHaveText(`running on ${await wasmLabel(page)}`);
  expect(await analyseOne(page)).not.toBeNull();
  expect(foreignRequests(requests, baseURL!)).toEqual([]);
});
