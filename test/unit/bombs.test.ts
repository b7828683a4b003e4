// Decompression bombs (src/pipeline/limits.ts, README "Limits"): each kind, built from a real fixture, is refused
// with its limit message (or, where the header keeps it harmless, decoded at the size the header states), within
// 2 s and 500 MB resident, in a child process whose V8 heap is capped at 256 MB.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { deflateBomb } from '../../scripts/fuzz/bombs';
import { MAX_SEQUENCE_DEPTH } from '../../src/pipeline/limits';
import { modelsPresent, REPO_ROOT } from './support/models';

interface BombRun {
  decoded?: string;
  error?: string;
  fileBytes: number;
  decodeMs: number;
  peakRssMb: number;
}

async function decodeBomb(kind: string): Promise<BombRun> {
  const child = join(REPO_ROOT, 'test', 'unit', 'support', 'decode-bomb.ts');
  const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', child, kind], {
    cwd: REPO_ROOT,
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as BombRun;
}

const QUICK_MS = 2000;
const RESIDENT_MB = 500;

describe('decompression bombs are stopped early, with the limit in the message', () => {
  it('the 3 MB deflated DICOM that expands to 3 GB (its Pixel Data states it): refused before inflating it', async () => {
    const run = await decodeBomb('deflate-3gb');
    expect(run.fileBytes).toBeLessThan(3.5e6);
    expect(run.error).toBe('the deflated dataset expands past 512 MB; the limit is 512 MB');
    expect(run.decodeMs).toBeLessThan(QUICK_MS);
    expect(run.peakRssMb).toBeLessThan(RESIDENT_MB);
  }, 60_000);

  it('3 GB of zeros after a Pixel Data element of the image size: stopped 16 MB past it', async () => {
    const run = await decodeBomb('deflate-3gb-after-image');
    expect(run.error).toBe('the deflated dataset goes on for more than 16 MB after its pixel data (corrupt or hostile file)');
    expect(run.decodeMs).toBeLessThan(QUICK_MS);
    expect(run.peakRssMb).toBeLessThan(RESIDENT_MB);
  }, 60_000);

  it('a 400 MB Pixel Data element for a 512x512 image: refused from its header', async () => {
    const run = await decodeBomb('deflate-400mb-pixel-data');
    expect(run.error).toMatch(/^the deflated pixel data is 419 MB but the header's \d+x\d+ image needs [\d.]+ MB \(corrupt or hostile file\)$/);
    expect(run.decodeMs).toBeLessThan(QUICK_MS);
    expect(run.peakRssMb).toBeLessThan(RESIDENT_MB);
  }, 60_000);

  it('deflated pixel data in fragments (not allowed in that transfer syntax) followed by 3 GB of zeros', async () => {
    const run = await decodeBomb('deflate-3gb-fragments');
    expect(run.error).toBe('the deflated dataset holds its pixel data in fragments, which its transfer syntax does not allow (corrupt file)');
    expect(run.decodeMs).toBeLessThan(QUICK_MS);
    expect(run.peakRssMb).toBeLessThan(RESIDENT_MB);
  }, 60_000);

  it('sequences nested 100,000 deep in a 6 KB deflated dataset, and 20,000 deep in a plain one', async () => {
    for (const kind of ['deflate-nested-100000', 'nested-20000']) {
      const run = await decodeBomb(kind);
      expect(run.error, kind).toBe(`sequences nested too deeply: more than ${MAX_SEQUENCE_DEPTH} levels; the limit is ${MAX_SEQUENCE_DEPTH}`);
      expect(run.decodeMs, kind).toBeLessThan(QUICK_MS);
      expect(run.peakRssMb, kind).toBeLessThan(RESIDENT_MB);
    }
  }, 60_000);

  it('RLE with a million 128-byte runs: refused when the header states 65535x65535, cut at the frame when it states 512x512', async () => {
    const huge = await decodeBomb('rle-65535-square');
    expect(huge.error).toBe('image too large: 65535x65535 is 4295 megapixels; the limit is 134 megapixels');
    expect(huge.decodeMs).toBeLessThan(QUICK_MS);
    const small = await decodeBomb('rle-runs-past-frame');
    // 128 MB of runs for a 0.26 MB frame: decoding stops where the frame the header states is full
    expect(small.decoded).toBe('512x512');
    expect(small.decodeMs).toBeLessThan(QUICK_MS);
    expect(small.peakRssMb).toBeLessThan(RESIDENT_MB);
  }, 60_000);

  it('a 2.6 MB PNG whose header claims 50000x50000 pixels over 2.5 GB of zeros: refused before the decoder runs', async () => {
    const run = await decodeBomb('png-50000-square');
    expect(run.error).toBe('image too large: 50000x50000 is 2500 megapixels; the limit is 134 megapixels');
    expect(run.decodeMs).toBeLessThan(QUICK_MS);
    expect(run.peakRssMb).toBeLessThan(RESIDENT_MB);
  }, 60_000);
});

const describeWithModels = modelsPresent ? describe : describe.skip;

describeWithModels('the CLI on the 3 MB deflate bomb', () => {
  it('writes its error row within 2 s of the row before, and stays under 500 MB resident', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bonelens-bomb-'));
    try {
      const bomb = join(folder, 'b-bomb.dcm');
      const before = join(folder, 'a-not-an-image.dcm');
      writeFileSync(before, 'a text file with a .dcm name\n');
      writeFileSync(bomb, deflateBomb(new Uint8Array(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'dicom', 'hand8_explicit_le.dcm'))), {
        megabytes: 3000,
        pixelLength: 'stated',
      }));
      const preload = join(REPO_ROOT, 'test', 'unit', 'support', 'report-peak-rss.ts');
      const cli = spawn(process.execPath, ['--import', 'tsx', '--import', preload, join(REPO_ROOT, 'cli', 'predict.ts'), before, bomb], { cwd: REPO_ROOT });
      const rows: { at: number; row: { file: string; error: string | null } }[] = [];
      let pending = '';
      cli.stdout.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString()).split('\n');
        pending = lines.pop()!;
        for (const line of lines) if (line.trim()) rows.push({ at: performance.now(), row: JSON.parse(line) });
      });
      let stderr = '';
      cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => cli.on('close', resolve));
      expect(code, stderr).toBe(0);
      expect(rows.map((r) => r.row.file)).toEqual([before, bomb]);
      expect(rows[1].row.error).toBe('the deflated dataset expands past 512 MB; the limit is 512 MB');
      expect(rows[1].at - rows[0].at).toBeLessThan(QUICK_MS);
      const peakKb = Number(/peak-rss-kb (\d+)/.exec(stderr)?.[1]);
      expect(peakKb / 1024).toBeLessThan(RESIDENT_MB);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 120_000);
});
