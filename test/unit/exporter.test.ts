// Our PyTorch -> TF.js exporter, op by op: training/tests/make_op_cases.py exports small graphs with random
// weights together with the outputs PyTorch itself computes; TF.js must reproduce them on CPU and WASM.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendName } from '../../src/models/backend';
import { PYTHON, torchAvailable } from './python';

interface ExpectedTensor { shape: number[]; values: number[] }
interface OpCase {
  name: string;
  inputShape: number[];
  quantization: string;
  tolerance: { relative?: number; probability?: number };
  expected: Record<string, ExpectedTensor>;
}

const workDir = mkdtempSync(join(tmpdir(), 'bonelens-opcases-'));
let cases: OpCase[] = [];

beforeAll(() => {
  if (!torchAvailable()) return;
  execFileSync(PYTHON, ['training/tests/make_op_cases.py', workDir], { stdio: 'pipe' });
  cases = JSON.parse(readFileSync(join(workDir, 'cases.json'), 'utf8')) as OpCase[];
}, 120_000);
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

async function loadCase(name: string) {
  const dir = join(workDir, name);
  const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const weights = readFileSync(join(dir, modelJson.weightsManifest[0].paths[0]));
  return loadGraphModel(tf.io.fromMemory({
    modelTopology: modelJson.modelTopology,
    weightSpecs: modelJson.weightsManifest[0].weights,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  }));
}

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

const wasmFolder = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));

describe.skipIf(!torchAvailable())('the TF.js graphs our exporter writes match PyTorch', () => {
  for (const backend of ['cpu', 'wasm'] as BackendName[]) {
    it(`on the ${backend} backend, op by op and for the whole network`, async () => {
      expect(await initBackend(backend, wasmFolder)).toBe(backend);
      expect(cases.length).toBeGreaterThanOrEqual(9);
      for (const c of cases) {
        const model = await loadCase(c.name);
        const bytes = readFileSync(join(workDir, c.name, 'input.bin'));
        const input = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        const outputNames = Object.keys(c.expected);
        const outputs = tf.tidy(() => model.execute(tf.tensor(input, c.inputShape), outputNames) as tf.Tensor | tf.Tensor[]);
        const list = Array.isArray(outputs) ? outputs : [outputs];
        outputNames.forEach((name, i) => {
          const want = c.expected[name];
          const got = list[i].dataSync();
          expect(list[i].shape, `${c.name}/${name} shape`).toEqual(want.shape);
          const error = maxAbs(Array.from(got, (v, k) => v - want.values[k]));
          if (c.tolerance.relative !== undefined) {
            expect(error / maxAbs(want.values), `${c.name}/${name} relative error`).toBeLessThanOrEqual(c.tolerance.relative);
          } else if (name.endsWith('logits')) {
            // quantised weights: the probabilities they lead to stay close
            const toProb = (v: number) => 1 / (1 + Math.exp(-v));
            const probError = maxAbs(Array.from(got, (v, k) => toProb(v) - toProb(want.values[k])));
            expect(probError, `${c.name} probability error`).toBeLessThanOrEqual(c.tolerance.probability!);
          }
        });
        tf.dispose(list);
        model.dispose();
      }
    }, 120_000);
  }
});
