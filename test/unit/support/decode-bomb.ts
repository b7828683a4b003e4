// Child process for the expansion-limit tests: builds one decompression bomb from a real fixture, decodes it
// through the CLI's decode path (src/decode/node.ts) and prints what happened, how long the decode took and the
// process's peak resident memory, as one JSON line. Run with a V8 heap cap by the test.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateBomb, deflatedNestingBomb, nestingBomb, pngBomb, rleBomb } from '../../../scripts/fuzz/bombs';
import { decodeImageBytes } from '../../../src/decode/node';

const fixture = (name: string) => new Uint8Array(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'dicom', `${name}.dcm`)));

const BOMBS: Record<string, () => Uint8Array> = {
  // the 3 MB file of the report: a Pixel Data element of zeros that expands to 3 GB
  'deflate-3gb': () => deflateBomb(fixture('hand8_explicit_le'), { megabytes: 3000, pixelLength: 'stated' }),
  'deflate-3gb-after-image': () => deflateBomb(fixture('hand8_explicit_le'), { megabytes: 3000, pixelLength: 'image' }),
  'deflate-400mb-pixel-data': () => deflateBomb(fixture('hand8_explicit_le'), { megabytes: 400, pixelLength: 400 }),
  'deflate-3gb-fragments': () => deflateBomb(fixture('hand8_explicit_le'), { megabytes: 3000, pixelLength: 'fragments' }),
  'deflate-nested-100000': () => deflatedNestingBomb(fixture('hand8_explicit_le'), 100_000),
  'nested-20000': () => nestingBomb(fixture('hand8_explicit_le'), 20_000),
  'rle-65535-square': () => rleBomb(fixture('hand8_explicit_le'), { width: 65_535, height: 65_535, runs: 1_000_000 }),
  'rle-runs-past-frame': () => rleBomb(fixture('hand8_explicit_le'), { width: 512, height: 512, runs: 1_000_000 }),
  'png-50000-square': () => pngBomb(50_000, 50_000, 2500),
};

const kind = process.argv[2] ?? '';
const build = BOMBS[kind];
if (!build) throw new Error(`no bomb called ${kind}; one of ${Object.keys(BOMBS).join(', ')}`);
const bytes = build();
const started = performance.now();
let result: { decoded?: string; error?: string };
try {
  const { frames } = await decodeImageBytes(bytes);
  result = { decoded: frames.map((f) => `${f.width}x${f.height}`).join(' ') };
} catch (error) {
  result = { error: error instanceof Error ? error.message : String(error) };
}
const decodeMs = performance.now() - started;
// maxRSS: the process's peak resident set, in KB
console.log(JSON.stringify({ ...result, fileBytes: bytes.length, decodeMs, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
