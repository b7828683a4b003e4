// The real exported models through the TF.js loader on the cpu backend: integrity checks, outputs, leaks.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/models/backend';
import { disposeModels, loadModels } from '../../src/models/load';
import { analyzeImage, type LoadedModels } from '../../src/pipeline/analyze';
import { letterboxArea, normalize } from '../../src/pipeline/preprocess';
import { decodeImageBytes } from '../../src/decode/node';
import { FIXTURES, MODELS_MISSING_REASON, fixtureBytes, modelsPresent, readModelFile } from './support/models';

const describeWithModels = modelsPresent ? describe : describe.skip;

describeWithModels(modelsPresent ? 'the exported models (cpu backend)' : `the exported models [${MODELS_MISSING_REASON}]`, () => {
  let models: LoadedModels;

  beforeAll(async () => {
    await initBackend('cpu', '');
    models = await loadModels(readModelFile);
  });

  afterAll(() => {
    if (models) disposeModels(models);
  });

  it('loads every model the manifest lists, reporting progress up to the total', async () => {
    expect(Object.keys(models.classifiers).sort()).toEqual(Object.keys(models.manifest.models).sort());
    const reports: [number, number][] = [];
    const again = await loadModels(readModelFile, (loaded, total) => reports.push([loaded, total]));
    disposeModels(again);
    expect(reports.length).toBeGreaterThan(1);
    const [lastLoaded, lastTotal] = reports[reports.length - 1];
    expect(lastLoaded).toBe(lastTotal);
    for (const [loaded, total] of reports) expect(loaded).toBeLessThanOrEqual(total);
  });

  it('refuses a model file whose sha256 does not match, naming the file', async () => {
    const shard = Object.keys(models.manifest.models[models.manifest.bodyPart.model].files).find((f) => f.endsWith('.bin'))!;
    const tampered = async (path: string) => {
      const bytes = await readModelFile(path);
      if (path === shard) bytes[bytes.length >> 1] ^= 0xff;
      return bytes;
    };
    await expect(loadModels(tampered)).rejects.toThrow(`sha256 mismatch for ${shard}`);
  });

  it("gives every head's logits and cam, of the shapes the manifest promises, from one forward pass", async () => {
    const { manifest } = models;
    const input = new Float32Array(manifest.input.size ** 2);
    for (const [name, spec] of Object.entries(manifest.models)) {
      const outputs = await models.classifiers[name].predict(input);
      expect(Object.keys(outputs).sort()).toEqual(Object.keys(spec.heads).sort());
      for (const [head, { classes }] of Object.entries(spec.heads)) {
        const { logits, cam } = outputs[head];
        expect(logits.length).toBe(classes.length);
        expect(cam.length).toBe(spec.camSize ** 2 * classes.length);
        expect(logits.every(Number.isFinite)).toBe(true);
      }
    }
  });

  it('analyses every fixture into a consistent result', async () => {
    for (const fixture of FIXTURES) {
      const image = (await decodeImageBytes(fixtureBytes(fixture.name))).frames[0];
      const result = await analyzeImage(image, fixture.name, models);
      const probabilities = Object.values(result.bodyPartProbabilities);
      expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(['normal', 'uncertain', 'abnormal', 'unsupported']).toContain(result.decision);
      if (result.decision === 'unsupported') {
        expect(result.abnormalProbability).toBeNull();
      } else {
        expect(result.abnormalProbability).toBeGreaterThanOrEqual(0);
        expect(result.abnormalProbability).toBeLessThanOrEqual(1);
      }
      const values = Array.from(result.heatmap!.values);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...values)).toBeLessThanOrEqual(1);
    }
  });

  it('is deterministic: the same image gives the same logits twice', async () => {
    const { manifest } = models;
    const image = (await decodeImageBytes(fixtureBytes(FIXTURES[1].name))).frames[0];
    const input = normalize(letterboxArea(image, manifest.input.size, manifest.input.padValue).pixels, manifest.input.normalization);
    const classifier = models.classifiers[manifest.bodyPart.model];
    const first = await classifier.predict(input);
    const second = await classifier.predict(input);
    for (const head of Object.keys(first)) expect(Array.from(second[head].logits)).toEqual(Array.from(first[head].logits));
  });

  it('leaks no tensors: as many live tensors after 50 predictions as after 1', async () => {
    const { manifest } = models;
    const image = (await decodeImageBytes(fixtureBytes(FIXTURES[0].name))).frames[0];
    const input = normalize(letterboxArea(image, manifest.input.size, manifest.input.padValue).pixels, manifest.input.normalization);
    const classifiers = Object.values(models.classifiers);
    await classifiers[0].predict(input);
    const afterOne = tf.memory().numTensors;
    for (let i = 1; i < 50; i++) await classifiers[i % classifiers.length].predict(input);
    expect(tf.memory().numTensors).toBe(afterOne);
    // a whole analysis (both stages) leaves nothing behind either
    await analyzeImage(image, 'leak check', models);
    expect(tf.memory().numTensors).toBe(afterOne);
  });

  // The long run (issue: flat over 500 analyses) is a measurement of minutes on the cpu backend: asked for with
  // BONELENS_LEAK_ANALYSES=500; the suite runs a short one so that the check itself stays tested.
  const longRun = Number(process.env.BONELENS_LEAK_ANALYSES ?? 12);
  it(`keeps tensor memory and the JS heap flat over ${longRun} analyses of every fixture in turn`, async () => {
    const images = await Promise.all(FIXTURES.map(async (f) => (await decodeImageBytes(fixtureBytes(f.name))).frames[0]));
    const heapMb = () => process.memoryUsage().heapUsed / 2 ** 20;
    await analyzeImage(images[0], 'warm-up', models);
    const tensors = tf.memory().numTensors;
    const tensorBytes = tf.memory().numBytes;
    const heap: number[] = [];
    for (let i = 0; i < longRun; i++) {
      await analyzeImage(images[i % images.length], `leak check ${i}`, models);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(tf.memory().numBytes).toBe(tensorBytes);
      heap.push(heapMb());
    }
    // the heap's peak over the last tenth of the run against its first tenth: garbage comes and goes, growth stays
    const window = Math.max(1, Math.floor(longRun / 10));
    const peak = (values: number[]) => Math.max(...values);
    expect(peak(heap.slice(-window))).toBeLessThan(peak(heap.slice(0, window)) + 32);
  }, 60_000 + 5_000 * longRun);

  it('releases every weight tensor on dispose', async () => {
    const before = tf.memory().numTensors;
    const extra = await loadModels(readModelFile);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    disposeModels(extra);
    expect(tf.memory().numTensors).toBe(before);
  });
});
