// The CLI's images per second: `npx tsx cli/predict.ts --backend <b> <folder>` on N copies of the
// radiographs, minus a startup run on one image (Node start, tsx, backend start, model load).
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export interface CliThroughput {
  backend: string;
  /** what the CLI says it runs on ("WASM SIMD") */
  label: string;
  images: number;
  startupSeconds: number;
  batchSeconds: number;
  imagesPerSecond: number;
  msPerImage: number;
}

function timedRun(repoRoot: string, backend: string, folder: string, expectedRows: number): { seconds: number; label: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync('npx', ['tsx', 'cli/predict.ts', '--backend', backend, folder], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`cli/predict.ts --backend ${backend} exited ${result.status}: ${result.stderr}`);
  const rows = result.stdout.split('\n').filter((line) => line.trim() !== '').length;
  if (rows !== expectedRows) throw new Error(`cli/predict.ts printed ${rows} rows for ${expectedRows} images`);
  // "bonelens: models 0.1.0, backend wasm (WASM SIMD)" or "..., backend cpu"
  const said = /, backend (\w+)(?: \((.+)\))?$/m.exec(result.stderr);
  const label = said?.[2] ?? said?.[1]?.toUpperCase() ?? backend;
  return { seconds, label };
}

export async function cliThroughput(repoRoot: string, images: string[], count: number, backend: string): Promise<CliThroughput> {
  const work = await mkdtemp(join(tmpdir(), 'bonelens-bench-cli-'));
  try {
    const one = join(work, 'one');
    const many = join(work, 'many');
    await mkdir(one);
    await mkdir(many);
    await copyFile(images[0]!, join(one, basename(images[0]!)));
    for (let i = 0; i < count; i++) {
      const source = images[i % images.length]!;
      await copyFile(source, join(many, `${String(i).padStart(3, '0')}-${basename(source)}`));
    }
    const { seconds: startupSeconds, label } = timedRun(repoRoot, backend, one, 1);
    const { seconds: batchSeconds } = timedRun(repoRoot, backend, many, count);
    // the startup run analysed one image too: the batch's extra time covers count - 1 images
    const perImage = Math.max(batchSeconds - startupSeconds, 1e-9) / (count - 1);
    return { backend, label, images: count, startupSeconds, batchSeconds, imagesPerSecond: 1 / perImage, msPerImage: perImage * 1000 };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
