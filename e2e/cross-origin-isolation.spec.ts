// Cross-origin isolation: the production preview sends COOP/COEP, so TF.js's WASM backend runs its SIMD +
// threads build; without the headers the app falls back to single-threaded WASM SIMD, and its service worker
// adds them to the next load. Either way nothing is requested from another origin.
import { expect, test, type Request } from '@playwright/test';
import { FIXTURES, cardFor, decisions, dropFiles, fixtureFile, openApp, requireModels, waitForModels, wasmLabel } from './helpers';

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

async function analyseOne(page: import('@playwright/test').Page): Promise<void> {
  const file = await fixtureFile(FIXTURES.elbow);
  await dropFiles(page, [file]);
  await decisions(page, 1);
  await expect(cardFor(page, file.name)).toHaveAttribute('data-decision', /^(normal|uncertain|abnormal)$/);
}

test('the production preview is cross-origin isolated, runs WASM SIMD + threads, and asks no other origin', async ({ page, context, baseURL }) => {
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

  const label = await wasmLabel(page);
  expect(label).toMatch(/^WASM SIMD \+ \d+ threads?$/);
  await expect(page.getByTestId('active-backend')).toHaveText(`running on ${label}`);

  await analyseOne(page);
  expect(violations).toEqual([]);
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
  await waitForModels(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const label = await wasmLabel(page);
  expect(label).toMatch(/^WASM SIMD \+ \d+ threads?$/);
  await expect(page.getByTestId('active-backend')).toHaveText(`running on ${label}`);
  await analyseOne(page);
  expect(foreignRequests(requests, baseURL!)).toEqual([]);
});
