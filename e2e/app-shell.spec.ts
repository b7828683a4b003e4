// The app shell, with or without models: the first-use notice, the security policy, no third parties.
import { expect, test } from '@playwright/test';
import { openSettings } from './helpers';

test('the "not a medical device" notice is shown on first use, and only until acknowledged', async ({ page }) => {
  await page.goto('/');
  const notice = page.getByRole('dialog', { name: 'Not a medical device' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('not for clinical use');
  await notice.getByRole('button', { name: 'I understand' }).click();
  await expect(notice).toBeHidden();

  await page.reload();
  await expect(page.getByRole('heading', { name: 'BoneLens', level: 1 })).toBeVisible();
  await expect(page.getByRole('dialog', { name: 'Not a medical device' })).toBeHidden();
  // the footer keeps saying it on every visit
  await expect(page.getByRole('contentinfo')).toContainText('Not a medical device. Not for clinical use.');
});

test('the page carries a strict Content-Security-Policy that names no other origin', async ({ page }) => {
  await page.goto('/');
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(policy).toContain("default-src 'self'");
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(policy).toContain("connect-src 'self'");
  expect(policy).not.toMatch(/https?:|\*/);
});

test('loading the app requests nothing from another origin', async ({ page, context, baseURL }) => {
  const foreign: string[] = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (!['blob:', 'data:'].includes(url.protocol) && url.origin !== new URL(baseURL!).origin) foreign.push(request.url());
  });
  await page.goto('/');
  await page.getByRole('button', { name: 'I understand' }).click();
  await page.waitForLoadState('networkidle');
  expect(foreign).toEqual([]);
});

test('the app is installable: a web manifest with icons, and a service worker', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = await (await request.get(href!)).json();
  expect(manifest.name).toBe('BoneLens');
  for (const icon of manifest.icons) {
    const response = await request.get(icon.src);
    expect(response.ok(), icon.src).toBe(true);
    expect(response.headers()['content-type']).toBe('image/png');
  }
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(new URL(scope).pathname).toBe('/');
});

test('the backend choice, in the settings and not on the first screen, is remembered between visits', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('bonelens.notice-acknowledged', 'yes'));
  await page.goto('/');
  await expect(page.getByTestId('backend-select')).toBeHidden();
  await expect(page.getByText('Compute backend')).toBeHidden();
  await openSettings(page);
  await page.getByTestId('backend-select').selectOption('cpu');
  await page.reload();
  await expect(page.getByTestId('backend-select')).toHaveValue('cpu');
});
