// Cold first result on the real app build (dist/): a fresh profile opens the page, a radiograph is dropped
// (Playwright's setInputFiles on the app's file input, as the e2e specs do) as soon as the input exists, and
// the page itself records when the result card gets its decision and when the models were ready.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '../src/app/constants';
import { freshBrowser } from './browser';
import { serveStatic } from './server';

export interface AppCold {
  backendChoice: string;
  /** served with COOP/COEP, as `vite preview` serves it; else as a host that sends no headers, first visit */
  isolated: boolean;
  /** navigation start -> the model status turned ready */
  modelsReadyMs: number;
  /** navigation start -> the first result card shows a decision */
  firstResultMs: number;
  decision: string;
  /** what the app says it runs on ("running on WASM SIMD + 2 threads") */
  activeBackend: string;
}

const FINISHED = ['normal', 'uncertain', 'abnormal', 'unsupported', 'error'];
const RESULT_TIMEOUT_MS = 180_000;

/**
 * Runs in the page before the app: a returning user (notice acknowledged) with this backend setting, and an
 * observer that stamps when the models are ready and when the first card has a decision. A string, not a
 * function: tsx would wrap a function's inner names in a helper the page does not have.
 */
function initScript(backendChoice: string): string {
  return `
    localStorage.setItem('bonelens.notice-acknowledged', 'yes');
    if (${JSON.stringify(backendChoice)} !== 'auto') localStorage.setItem('bonelens.backend', ${JSON.stringify(backendChoice)});
    window.benchMarks = {};
    new MutationObserver(() => {
      const marks = window.benchMarks;
      const status = document.querySelector('[data-testid="model-status"]');
      if (marks.ready === undefined && status && status.getAttribute('data-phase') === 'ready') marks.ready = performance.now();
      const card = document.querySelector('[data-testid="result-card"]');
      const decision = card && card.getAttribute('data-decision');
      if (marks.result === undefined && ${JSON.stringify(FINISHED)}.includes(decision)) {
        marks.result = performance.now();
        marks.decision = decision;
        const active = document.querySelector('[data-testid="active-backend"]');
        marks.backend = active ? active.textContent.trim() : '';
      }
    }).observe(document, { subtree: true, childList: true, attributes: true });
  `;
}

export async function appColdFirstResult(distDir: string, imagePath: string, backendChoice: string, isolated: boolean): Promise<AppCold> {
  const server = await serveStatic({ '/': distDir }, isolated ? { ...CROSS_ORIGIN_ISOLATION_HEADERS } : {});
  const browser = await freshBrowser();
  try {
    const page = await browser.context.newPage();
    await page.addInitScript(initScript(backendChoice));
    await page.goto(`${server.origin}/`);
    await page.getByTestId('file-input').setInputFiles({
      name: basename(imagePath),
      mimeType: /\.png$/i.test(imagePath) ? 'image/png' : 'image/jpeg',
      buffer: await readFile(imagePath),
    });
    await page.waitForFunction(() => (window as unknown as { benchMarks: { result?: number } }).benchMarks.result !== undefined, null, {
      timeout: RESULT_TIMEOUT_MS,
      polling: 50,
    });
    const marks = await page.evaluate(() => (window as unknown as { benchMarks: Record<string, number | string> }).benchMarks);
    return {
      backendChoice,
      isolated,
      modelsReadyMs: Number(marks.ready ?? Number.NaN),
      firstResultMs: Number(marks.result),
      decision: String(marks.decision),
      activeBackend: String(marks.backend ?? ''),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
