// Drives the benchmark page (bench/page) in a fresh headless Chromium per backend: cold first result,
// warm end-to-end latency per stage, peak tensor memory, the seed-equivalent pipeline, DICOM decoding.
import type { Page } from 'playwright-core';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '../src/app/constants';
import { freshBrowser, type FreshBrowser } from './browser';
import type { ColdResult, DicomFirstResult, DicomTiming, MemoryResult, SeedResult, StageTimes } from './protocol';
import { serveStatic, type StaticServer } from './server';

/** One way of serving and running the bench page. */
export interface PageVariant {
  /** the TF.js backend asked for */
  backend: string;
  /** served with COOP/COEP, as `vite preview` serves the app: WASM may run its SIMD + threads build */
  isolated: boolean;
  /**
   * navigator.hardwareConcurrency emulated (CDP) on the page, which runs TF.js on its main thread: TF.js runs
   * half as many WASM threads, so 4 gives 2 threads on a 2-core machine, where it would otherwise run 1
   */
  hardwareConcurrency?: number;
}

export interface PageBenchOptions {
  mounts: Record<string, string>;
  imageUrls: string[];
  passes: number;
  seed: { modelUrl: string; runs: number; minRuns: number; maxSeconds: number } | null;
  /** `reducedUrls` are decoded again with `minSide` (JPEG 2000 at the size the model needs) */
  dicom: { urls: string[]; repeats: number; minSide?: number; reducedUrls?: string[] } | null;
}

export type BackendBench =
  | { requested: string; variant: PageVariant; started: false; reason: string }
  | {
      requested: string;
      variant: PageVariant;
      started: true;
      cold: ColdResult;
      warm: StageTimes[];
      memory: MemoryResult;
      seed: SeedResult | null;
      dicom: (DicomTiming & { url: string; minSide?: number })[] | null;
      /** per DICOM file: decoded at the model's size (minSide) and analysed */
      dicomFirstResults: (DicomFirstResult & { url: string; minSide: number })[] | null;
    };

type Bench = Window['bench'];

async function call<K extends keyof Bench>(page: Page, name: K, ...args: unknown[]): Promise<unknown> {
  return page.evaluate(([n, a]) => (window.bench[n as keyof Bench] as (...x: unknown[]) => Promise<unknown>)(...(a as unknown[])), [name, args] as const);
}

async function openColdPage(page: Page, origin: string, backend: string, firstUrl: string): Promise<ColdResult | string> {
  await page.goto(`${origin}/?backend=${backend}&first=${encodeURIComponent(firstUrl)}`);
  await page.waitForFunction(() => window.bench !== undefined);
  const cold = (await page.evaluate(() => window.bench.cold)) as ColdResult | { error: string } | null;
  if (cold === null) return 'the page did not start a cold run';
  if ('error' in cold) return cold.error.split('\n')[0]!;
  if (cold.backend !== backend) return `did not start here (fell back to ${cold.backend})`;
  return cold;
}

async function start(variant: PageVariant, options: PageBenchOptions): Promise<{ server: StaticServer; browser: FreshBrowser; page: Page }> {
  const server = await serveStatic(options.mounts, variant.isolated ? { ...CROSS_ORIGIN_ISOLATION_HEADERS } : {});
  const browser = await freshBrowser();
  const page = await browser.context.newPage();
  if (variant.hardwareConcurrency !== undefined) {
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: variant.hardwareConcurrency });
  }
  return { server, browser, page };
}

/** Only the cold first result, in another fresh browser (to repeat a one-shot measurement). */
export async function coldOnly(variant: PageVariant, options: PageBenchOptions): Promise<ColdResult | string> {
  const { server, browser, page } = await start(variant, options);
  try {
    return await openColdPage(page, server.origin, variant.backend, options.imageUrls[0]!);
  } finally {
    await browser.close();
    await server.close();
  }
}

export async function benchBackend(variant: PageVariant, options: PageBenchOptions, log: (line: string) => void): Promise<BackendBench> {
  const { backend } = variant;
  const { server, browser, page } = await start(variant, options);
  try {
    page.on('pageerror', (error) => log(`  page error: ${error.message}`));
    const first = options.imageUrls[0]!;
    const cold = await openColdPage(page, server.origin, backend, first);
    if (typeof cold === 'string') return { requested: backend, variant, started: false, reason: cold };
    log(`  ${cold.label}${cold.crossOriginIsolated ? '' : ', not cross-origin isolated'}: first result ${cold.firstResultMs.toFixed(0)} ms after navigation; warm runs...`);
    const warm = (await call(page, 'warm', options.imageUrls, options.passes)) as StageTimes[];
    const memory = (await call(page, 'peakMemory', first)) as MemoryResult;
    let seed: SeedResult | null = null;
    if (options.seed) {
      log(`  ${backend}: seed-equivalent ResNet50 x2...`);
      const { modelUrl, runs, minRuns, maxSeconds } = options.seed;
      seed = (await call(page, 'seed', modelUrl, options.imageUrls, runs, minRuns, maxSeconds)) as SeedResult;
    }
    let dicom: (DicomTiming & { url: string; minSide?: number })[] | null = null;
    if (options.dicom) {
      log(`  DICOM decoding...`);
      dicom = [];
      for (const url of options.dicom.urls) {
        dicom.push({ url, ...((await call(page, 'dicom', url, options.dicom.repeats)) as DicomTiming) });
      }
      const { minSide } = options.dicom;
      for (const url of minSide ? (options.dicom.reducedUrls ?? []) : []) {
        dicom.push({ url, minSide, ...((await call(page, 'dicom', url, options.dicom.repeats, minSide)) as DicomTiming) });
      }
    }
    let dicomFirstResults: (DicomFirstResult & { url: string; minSide: number })[] | null = null;
    if (options.dicom?.minSide) {
      log(`  DICOM time to first result (decoded at the model's size, analysed)...`);
      const { minSide, repeats } = options.dicom;
      dicomFirstResults = [];
      for (const url of options.dicom.urls) {
        dicomFirstResults.push({ url, minSide, ...((await call(page, 'dicomFirstResult', url, repeats, minSide)) as DicomFirstResult) });
      }
    }
    return { requested: backend, variant, started: true, cold, warm, memory, seed, dicom, dicomFirstResults };
  } finally {
    await browser.close();
    await server.close();
  }
}
