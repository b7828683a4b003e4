// The JavaScript a visit downloads before any model file: the module scripts and modulepreloads that dist/
// index.html names, gzip-compressed. The analysis worker's chunk, which starts right after, is reported apart.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface InitialJs {
  files: { path: string; bytes: number; gzipBytes: number }[];
  gzipBytes: number;
  /** the worker chunk(s) (assets/*worker*.js), gzip-compressed: loaded as the page starts, before the models */
  workerGzipBytes: number;
}

const SCRIPT_REFERENCE = /<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g;

async function gzipSize(path: string): Promise<{ bytes: number; gzipBytes: number }> {
  const bytes = await readFile(path);
  return { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

export async function initialJs(distDir: string): Promise<InitialJs> {
  const html = await readFile(join(distDir, 'index.html'), 'utf8');
  const paths = [...new Set([...html.matchAll(SCRIPT_REFERENCE)].map((m) => m[1]!.replace(/^\.?\//, '')))];
  const files = await Promise.all(paths.map(async (path) => ({ path, ...(await gzipSize(join(distDir, path))) })));
  const workers = (await readdir(join(distDir, 'assets'))).filter((name) => /worker.*\.js$/.test(name));
  const workerSizes = await Promise.all(workers.map((name) => gzipSize(join(distDir, 'assets', name))));
  return {
    files,
    gzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0),
    workerGzipBytes: workerSizes.reduce((n, f) => n + f.gzipBytes, 0),
  };
}
