// The fuzz run: generates seeded mutants of the fixtures and decodes each in a child process under a time
// limit and a memory cap, classifying what happened. Used by `npm run fuzz` (scripts/fuzz.ts) and by the
// fixed-seed slice in the unit tests.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { FAILURES, messageKind, type Outcome } from './classify';
import { mutant, type Mutant, type Source } from './mutate';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'child.ts');

export interface FuzzOptions {
  seed: number;
  count: number;
  /** first mutant index (default 0) */
  start?: number;
  /** run only these mutant indices */
  only?: number[];
  jobs?: number;
  /**
   * per-file time limit: CPU time of the decoding process where /proc tells it (a busy machine does not make a slow
   * decode a hang), with ten times as much wall-clock time as a backstop for a process that waits forever
   */
  timeoutMs?: number;
  /** resident memory of a decoding process beyond which the file counts as an unbounded allocation */
  memoryLimitMb?: number;
  /** V8 heap cap of each decoding process */
  heapMb?: number;
  /** a process that has grown past this (codec memories only grow) is replaced after its file */
  recycleMb?: number;
  sources: Source[];
  /** every mutant starts from a decompression bomb (scripts/fuzz/bombs.ts) */
  bombs?: boolean;
  /** the decoding process's module (default: child.ts); the harness's own tests swap in a misbehaving one */
  childModule?: string;
  onResult?: (result: FuzzResult, done: number) => void;
}

export interface FuzzResult {
  index: number;
  source: string;
  steps: string[];
  outcome: Outcome;
  message: string;
  ms: number;
  bytes: Uint8Array;
}

export interface FuzzSummary {
  seed: number;
  total: number;
  counts: Record<Outcome, number>;
  failures: FuzzResult[];
  /** the most frequent clear error messages, numbers blanked */
  clearErrors: [string, number][];
  slowest: { index: number; source: string; ms: number }[];
  peakRssMb: number;
  seconds: number;
}

function fixtureFiles(folder: string, pattern: RegExp): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((name) => pattern.test(name)).sort().map((name) => join(folder, name));
}

/** A small hand-written 24-bit BMP (sharp writes none), so the pure BMP decoder is fuzzed too. */
function bmp24(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const out = new Uint8Array(54 + stride * height);
  const view = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  view.setUint32(2, out.length, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = ((height - 1 - y) * width + x) * 3;
      const to = 54 + y * stride + x * 3;
      out[to] = rgb[from + 2];
      out[to + 1] = rgb[from + 1];
      out[to + 2] = rgb[from];
    }
  }
  return out;
}

/**
 * The real fixtures: DICOM from test/fixtures/dicom (and, with `shared`, ../shared/data/dicom when present),
 * the JPEG radiographs of test/fixtures/images, and small PNG (8- and 16-bit), WebP, GIF and BMP copies of one.
 */
export async function loadSources({ shared = true } = {}): Promise<Source[]> {
  const read = (path: string) => new Uint8Array(readFileSync(path));
  const sources: Source[] = [];
  const dicomFolders = [join(REPO_ROOT, 'test', 'fixtures', 'dicom')];
  if (shared) dicomFolders.push(join(REPO_ROOT, '..', 'shared', 'data', 'dicom'));
  for (const folder of dicomFolders) {
    for (const path of fixtureFiles(folder, /\.dcm$/i)) sources.push({ name: `${folder === dicomFolders[0] ? 'test/fixtures/dicom' : 'shared/data/dicom'}/${path.slice(folder.length + 1)}`, kind: 'dicom', bytes: read(path) });
  }
  const images = fixtureFiles(join(REPO_ROOT, 'test', 'fixtures', 'images'), /\.jpe?g$/i);
  for (const path of images) sources.push({ name: path.replace(/^.*?test\//, 'test/'), kind: 'jpeg', bytes: read(path) });
  if (images.length) {
    const small = sharp(readFileSync(images[0])).resize(96, 96, { fit: 'inside' });
    const rgb = await small.clone().removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const derived: [string, Source['kind'], Buffer | Uint8Array][] = [
      ['png8', 'png', await small.clone().grayscale().png().toBuffer()],
      ['png16', 'png', await small.clone().grayscale().toColourspace('grey16').png().toBuffer()],
      ['png-rgba', 'png', await small.clone().ensureAlpha().png().toBuffer()],
      ['webp', 'webp', await small.clone().webp({ quality: 80 }).toBuffer()],
      ['webp-lossless', 'webp', await small.clone().webp({ lossless: true }).toBuffer()],
      ['gif', 'gif', await small.clone().gif().toBuffer()],
      ['bmp24', 'bmp', bmp24(new Uint8Array(rgb.data), rgb.info.width, rgb.info.height)],
    ];
    for (const [name, kind, bytes] of derived) sources.push({ name: `derived:${name}`, kind, bytes: new Uint8Array(bytes) });
  }
  return sources;
}

/** CPU time (user + system) of a process in ms, from /proc; undefined elsewhere. */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 14 and 15 of the line, utime and stime, in clock ticks (100 per second on Linux)
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function rssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return (pages * 4096) / 2 ** 20;
  } catch {
    return undefined; // not Linux, or the process is gone
  }
}

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const {
    seed, count, start = 0, only, jobs = 1, timeoutMs = 10_000, memoryLimitMb = 2048, heapMb = 1024, recycleMb = 1024,
    sources, childModule = CHILD, bombs = false,
  } = options;
  const indices = only ?? Array.from({ length: count }, (_, i) => start + i);
  const started = performance.now();
  const counts = Object.fromEntries(['decoded', 'clear-error', 'unclear-error', 'timeout', 'crash', 'memory'].map((o) => [o, 0])) as Record<Outcome, number>;
  const failures: FuzzResult[] = [];
  const clear = new Map<string, number>();
  const timings: { index: number; source: string; ms: number }[] = [];
  let peakRssMb = 0;
  let next = 0;
  let done = 0;

  function spawn(): Slot {
    const child = fork(childModule, [], {
      execArgv: ['--import', 'tsx', `--max-old-space-size=${heapMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr?.resume(); // a dying process's last words are not needed; its exit code says enough
    const ready = new Promise<void>((resolveReady, reject) => {
      child.once('message', () => resolveReady());
      child.once('exit', (code) => reject(new Error(`fuzz worker exited (${code}) before it was ready`)));
    });
    ready.catch(() => {});
    return { child, ready };
  }

  function record(m: Mutant, outcome: Outcome, message: string, ms: number): void {
    counts[outcome]++;
    done++;
    const result: FuzzResult = { index: m.index, source: m.source, steps: m.steps, outcome, message, ms, bytes: m.bytes };
    if (FAILURES.includes(outcome)) failures.push(result);
    if (outcome === 'clear-error') clear.set(messageKind(message), (clear.get(messageKind(message)) ?? 0) + 1);
    timings.push({ index: m.index, source: m.source, ms });
    options.onResult?.(result, done);
  }

  /** Decodes one mutant in the slot's process; resolves with whether the process is still usable. */
  function decodeOne(slot: Slot, m: Mutant): Promise<boolean> {
    return new Promise((resolveOne) => {
      const t0 = performance.now();
      let settled = false;
      const finish = (outcome: Outcome, message: string, alive: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(watch);
        slot.child.off('message', onMessage);
        slot.child.off('exit', onExit);
        if (!alive) slot.child.kill('SIGKILL');
        record(m, outcome, message, performance.now() - t0);
        resolveOne(alive);
      };
      const onMessage = (reply: { index: number; outcome: Outcome; message: string; rss: number }) => {
        if (reply.index !== m.index) return;
        const rss = reply.rss / 2 ** 20;
        peakRssMb = Math.max(peakRssMb, rss);
        finish(reply.outcome, reply.message, rss < recycleMb);
      };
      const onExit = (code: number | null, signal: string | null) =>
        finish('crash', `the decoding process died (${signal ?? `exit code ${code}`})`, false);
      const cpuAtStart = cpuMs(slot.child.pid);
      const wallLimit = cpuAtStart === undefined ? timeoutMs : 10 * timeoutMs;
      const timer = setTimeout(() => finish('timeout', `no result within ${wallLimit} ms`, false), wallLimit);
      const watch = setInterval(() => {
        const cpu = cpuMs(slot.child.pid);
        if (cpuAtStart !== undefined && cpu !== undefined && cpu - cpuAtStart > timeoutMs) {
          finish('timeout', `no result after ${timeoutMs} ms of CPU time`, false);
          return;
        }
        const rss = rssMb(slot.child.pid);
        if (rss === undefined) return;
        peakRssMb = Math.max(peakRssMb, rss);
        if (rss > memoryLimitMb) finish('memory', `resident memory reached ${Math.round(rss)} MB (cap ${memoryLimitMb} MB)`, false);
      }, 50);
      slot.child.on('message', onMessage);
      slot.child.once('exit', onExit);
      slot.child.send({ index: m.index, bytes: m.bytes });
    });
  }

  async function lane(): Promise<void> {
    let slot: Slot | undefined;
    while (next < indices.length) {
      const m = mutant(seed, indices[next++], sources, { bombs });
      if (!slot) {
        slot = spawn();
        await slot.ready;
      }
      const alive = await decodeOne(slot, m);
      if (!alive) {
        slot.child.kill('SIGKILL');
        slot = undefined;
      }
    }
    if (slot) {
      slot.child.kill('SIGKILL');
    }
  }

  await Promise.all(Array.from({ length: Math.max(1, jobs) }, () => lane()));
  timings.sort((a, b) => b.ms - a.ms);
  return {
    seed,
    total: done,
    counts,
    failures,
    clearErrors: [...clear].sort((a, b) => b[1] - a[1]),
    slowest: timings.slice(0, 5).map((t) => ({ ...t, ms: Math.round(t.ms) })),
    peakRssMb: Math.round(peakRssMb),
    seconds: (performance.now() - started) / 1000,
  };
}

export function formatSummary(summary: FuzzSummary, topErrors = 12): string {
  const { counts } = summary;
  const lines = [
    `fuzz: seed ${summary.seed}, ${summary.total} files in ${summary.seconds.toFixed(1)} s ` +
      `(${(summary.total / summary.seconds).toFixed(1)} files/s), peak worker RSS ${summary.peakRssMb} MB`,
    `  decoded ${counts.decoded}, clear error ${counts['clear-error']}, unclear error ${counts['unclear-error']}, ` +
      `timeout ${counts.timeout}, crash ${counts.crash}, memory ${counts.memory}`,
    `  slowest: ${summary.slowest.map((s) => `#${s.index} ${s.ms} ms (${s.source})`).join('; ')}`,
    `  most frequent clear errors:`,
    ...summary.clearErrors.slice(0, topErrors).map(([message, n]) => `    ${String(n).padStart(5)}  ${message}`),
  ];
  if (summary.failures.length) {
    lines.push(`  FAILURES (${summary.failures.length}):`);
    for (const f of summary.failures.slice(0, 50)) {
      lines.push(`    #${f.index} ${f.outcome} ${f.source} [${f.steps.join('; ')}]: ${f.message}`);
    }
  }
  return lines.join('\n');
}
