// The shipped graph models, run by TF.js in Node, reproduce PyTorch on the golden radiographs that
// training/export.py stored with PyTorch's outputs (test/fixtures/golden/).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { initBackend, type BackendName } from '../../src/models/backend';
import { disposeModels, loadModels } from '../../src/models/load';
import { normalize, letterboxArea } from '../../src/pipeline/preprocess';
import { decodeImageBytes } from '../../src/decode/node';

const MODELS = 'public/models';
const GOLDEN = 'test/fixtures/golden';
const SHARED_XRAY = '../shared/data/xray';
const wasmFolder = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));

interface GoldenCase {
  file: string;
  path: string;
  bodyPart: string;
  outputs: Record<string, { logits: number[]; floatLogits: number[] }>;
}
const golden = JSON.parse(readFileSync(join(GOLDEN, 'golden.json'), 'utf8')) as { size: number; cases: GoldenCase[] };

async function goldenPixels(file: string): Promise<Uint8Array> {
  const { data, info } = await sharp(join(GOLDEN, file)).greyscale().raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height]).toEqual([golden.size, golden.size]);
  return new Uint8Array(data.buffer, data.byteOffset, info.width * info.height);
}

const readModelFile = async (path: string) => new Uint8Array(readFileSync(join(MODELS, path)));
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const softmax = (v: number[]) => {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};
const probabilities = (task: string, logits: number[]) => (task === 'softmax' ? softmax(logits) : logits.map(sigmoid));
const argmax = (v: number[]) => v.indexOf(Math.max(...v));

describe('shipped models match PyTorch on the golden radiographs', () => {
  for (const backend of ['cpu', 'wasm'] as BackendName[]) {
    it(`on ${backend}: the same logits as the exported graph in PyTorch, and the float model's decision`, async () => {
      expect(await initBackend(backend, wasmFolder)).toBe(backend);
      const models = await loadModels(readModelFile);
      try {
        expect(golden.cases.length).toBeGreaterThanOrEqual(5);
        for (const c of golden.cases) {
          const input = normalize(await goldenPixels(c.file), models.manifest.input.normalization);
          const [[modelName, model]] = Object.entries(models.manifest.models);
          expect(Object.keys(models.manifest.models)).toHaveLength(1); // one graph, both heads
          const outputs = await models.classifiers[modelName].predict(input);
          expect(Object.keys(c.outputs).sort()).toEqual(Object.keys(model.heads).sort());
          for (const [name, want] of Object.entries(c.outputs)) {
            const spec = model.heads[name];
            const got = Array.from(outputs[name].logits);
            // same graph, same (dequantised) weights as PyTorch ran: float32 agreement
            const scale = Math.max(...want.logits.map(Math.abs), 1);
            got.forEach((v, k) => expect(Math.abs(v - want.logits[k]) / scale, `${c.file} ${name}`).toBeLessThanOrEqual(1e-4));
            // against the unquantised PyTorch model: same decision, probability within 0.02
            const p = probabilities(spec.task, got);
            const q = probabilities(spec.task, want.floatLogits);
            p.forEach((v, k) => expect(Math.abs(v - q[k]), `${c.file} ${name} probability`).toBeLessThanOrEqual(0.02));
            if (spec.task === 'softmax') expect(argmax(p)).toBe(argmax(q));
            else expect(p[0] >= 0.5).toBe(q[0] >= 0.5);
          }
        }
      } finally {
        disposeModels(models);
      }
    });
  }
});

describe.skipIf(!existsSync(SHARED_XRAY))('the app preprocesses exactly like training', () => {
  it('decoding + letterbox-area of the original radiographs gives the pixels training fed the model (within 1 level)', async () => {
    const manifest = JSON.parse(readFileSync(join(MODELS, 'manifest.json'), 'utf8'));
    for (const c of golden.cases.filter((g) => g.path.startsWith('images/'))) {
      const decoded = await decodeImageBytes(new Uint8Array(readFileSync(join(SHARED_XRAY, c.path))));
      const { pixels } = letterboxArea(decoded.frames[0], manifest.input.size, manifest.input.padValue);
      const want = await goldenPixels(c.file);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(pixels[i] - want[i]));
      expect(worst, c.path).toBeLessThanOrEqual(1);
    }
  });
});
