// Privacy and offline use: images never leave the page, and the app works without a network after one visit.
import { expect, test, type Request } from '@playwright/test';
import { FIXTURES, cardFor, decisions, dropFiles, fixtureFile, openApp, requireModels, waitForModels } from './helpers';

test.beforeEach(requireModels);

test('analysing images sends nothing anywhere: no other origin, no request carrying the image', async ({ page, context, baseURL }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await openApp(page);
  const requests: Request[] = [];
  context.on('request', (request) => requests.push(request));

  const files = [await fixtureFile(FIXTURES.elbow), await fixtureFile(FIXTURES.colourPhoto)];
  await dropFiles(page, files);
  await decisions(page, files.length);

  // everything the app does fits its own Content-Security-Policy
  expect(violations).toEqual([]);
  const origin = new URL(baseURL!).origin;
  for (const request of requests) {
    const url = new URL(request.url());
    if (url.protocol !== 'blob:' && url.protocol !== 'data:') expect(url.origin, request.url()).toBe(origin);
    expect(request.method(), request.url()).toBe('GET');
    const body = request.postDataBuffer();
    for (const file of files) {
      const sample = file.buffer.subarray(file.buffer.length >> 1, (file.buffer.length >> 1) + 64);
      expect(body?.includes(sample) ?? false, `${request.url()} carries ${file.name}`).toBe(false);
    }
  }
});

test('after one visit the app loads and analyses offline', async ({ page, context }) => {
  await openApp(page);
  // the service worker has precached the app shell, the WASM binaries and the models once it is active
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (registration.active?.state !== 'activated') {
      await new Promise<void>((resolve) => registration.active!.addEventListener('statechange', () => resolve()));
    }
  });

  await context.setOffline(true);
  try {
    await page.reload();
    await waitForModels(page);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    const file = await fixtureFile(FIXTURES.hand);
    await dropFiles(page, [file]);
    await decisions(page, 1);
    await expect(cardFor(page, file.name)).toHaveAttribute('data-decision', /^(normal|uncertain|abnormal)$/);
  } finally {
    await context.setOffline(false);
  }
});
