// Shared steps of the end-to-end specs: open the app, drop files, find a file's result card.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { wasmFlavourLabel, wasmThreadsFor } from '../src/models/wasm-flavour';

const repoPath = (relative: string) => fileURLToPath(new URL(`../${relative}`, import.meta.url));

export const MODELS_MANIFEST = repoPath('public/models/manifest.json');

/** Real images (see the SOURCES.md next to each): radiographs of supported and unsupported parts, a photo. */
export const FIXTURES = {
  elbow: repoPath('test/fixtures/images/elbow_fracatlas_IMG0002519.jpg'),
  elbowSecondFilm: repoPath('test/fixtures/images/test-split/elbow_fracatlas_IMG0001062.jpg'),
  hand: repoPath('test/fixtures/images/hand_fracatlas_IMG0002940.jpg'),
  shoulder: repoPath('test/fixtures/images/shoulder_implant_Zimmer.1.jpg'),
  colourPhoto: repoPath('test/fixtures/images/notxray_skimage_chelsea.jpg'),
  chest: repoPath('e2e/fixtures/chest_nih_00000001_000.jpg'),
} as const;

/** Tests that analyse images need the shipped models; without them they are skipped, saying why. */
export function requireModels(): void {
  test.skip(!existsSync(MODELS_MANIFEST), 'no models yet: public/models/manifest.json is missing (run the exporter first)');
}

export interface DroppedFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export async function fixtureFile(path: string): Promise<DroppedFile> {
  return { name: basename(path), mimeType: 'image/jpeg', buffer: await readFile(path) };
}

/** Opens the app as a returning user (notice already acknowledged) and waits until the models are loaded. */
export async function openApp(page: Page): Promise<void> {
  await page.addInitScript(() => localStorage.setItem('bonelens.notice-acknowledged', 'yes'));
  await page.goto('/');
  await waitForModels(page);
}

export async function waitForModels(page: Page): Promise<void> {
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-phase', 'ready');
}

/** Opens the settings panel (backend choice, anonymising), where it is folded away by default. */
export async function openSettings(page: Page): Promise<void> {
  const settings = page.getByTestId('settings');
  if ((await settings.getAttribute('open')) === null) await settings.locator('summary').click();
}

export async function dropFiles(page: Page, files: DroppedFile[]): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(files);
}

export function cardFor(page: Page, fileName: string): Locator {
  return page.getByTestId('result-card').filter({ has: page.getByRole('heading', { name: fileName, exact: true }) });
}

const FINISHED = ['normal', 'uncertain', 'abnormal', 'unsupported', 'error'];

/** Waits until every card has a result and returns each file's decision. */
export async function decisions(page: Page, count: number): Promise<Record<string, string>> {
  const cards = page.getByTestId('result-card');
  await expect(cards).toHaveCount(count);
  for (const card of await cards.all()) {
    await expect(card).toHaveAttribute('data-decision', new RegExp(`^(${FINISHED.join('|')})$`));
  }
  const out: Record<string, string> = {};
  for (const card of await cards.all()) {
    out[(await card.getByRole('heading').innerText()).trim()] = (await card.getAttribute('data-decision')) ?? '';
  }
  return out;
}

/**
 * What the backend label calls WASM on this page: "WASM SIMD + N threads" when it is cross-origin isolated and
 * N is 2 or more (`cores`: the worker's navigator.hardwareConcurrency, where a test emulates it), else "WASM
 * SIMD" (Chromium's WebAssembly has SIMD).
 */
export async function wasmLabel(page: Page, cores?: number): Promise<string> {
  const seen = await page.evaluate(() => ({ isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency }));
  const threads = seen.isolated ? wasmThreadsFor(cores ?? seen.cores) : 1;
  return wasmFlavourLabel({ simd: true, multithreaded: threads >= 2, threads });
}

/** The abnormality probability behind a card (unrounded), or null when it has none. */
export async function cardProbability(card: Locator): Promise<number | null> {
  const value = await card.getAttribute('data-probability');
  return value === null ? null : Number(value);
}
