// The routing and decision logic of analyzeImage, with classifiers whose outputs each test sets, so every
// branch of docs/manifest.md "Decision" can be reached on purpose. (Real models: models.test.ts.)
import { describe, expect, it } from 'vitest';
import { analyzeImage, errorResult, type Classifier, type LoadedModels } from '../../src/pipeline/analyze';
import { bodyPartClasses, parseManifest } from '../../src/pipeline/manifest';
import { decodeImageBytes } from '../../src/decode/node';
import { exampleManifestJson } from './support/manifest-example';
import { fixtureBytes } from './support/models';

const manifest = parseManifest(exampleManifestJson());
const bodyClasses = bodyPartClasses(manifest);
const camSize = manifest.models.radiograph.camSize;

/** A cam whose channel c peaks at cell c. */
function scriptedCam(k: number): Float32Array {
  const cam = new Float32Array(camSize * camSize * k);
  for (let c = 0; c < k; c++) cam[c * k + c] = 1 + c;
  return cam;
}

/** The example manifest's one graph, with both heads' logits set by the test; `seen` records every forward pass. */
function modelsWith(bodyLogits: number[], abnormalLogit: number, seen: Float32Array[] = []): LoadedModels {
  const radiograph: Classifier = {
    async predict(input) {
      seen.push(input);
      return {
        bodypart: { logits: Float32Array.from(bodyLogits), cam: scriptedCam(bodyLogits.length) },
        abnormality: { logits: Float32Array.of(abnormalLogit), cam: scriptedCam(1) },
      };
    },
    dispose() {},
  };
  return { manifest, classifiers: { radiograph } };
}

function logitsFavouring(part: string, margin: number): number[] {
  return bodyClasses.map((c) => (c === part ? margin : 0));
}

const logit = (p: number) => Math.log(p / (1 - p));

describe('analyzeImage', async () => {
  const image = (await decodeImageBytes(fixtureBytes('elbow_fracatlas_IMG0002519.jpg'))).frames[0];

  it('runs the one graph once per image, on the normalised letterboxed input of the manifest size', async () => {
    const seen: Float32Array[] = [];
    await analyzeImage(image, 'elbow.jpg', modelsWith(logitsFavouring('elbow', 5), 0, seen));
    expect(seen).toHaveLength(1);
    expect(seen[0].length).toBe(manifest.input.size ** 2);
    const padded = (manifest.input.padValue / 255 - manifest.input.normalization.mean) / manifest.input.normalization.std;
    expect(seen[0][0]).toBeCloseTo(padded, 6);
  });

  it('routes a confident supported part to its abnormality logit and tiers it with its thresholds', async () => {
    const { high } = manifest.thresholds.hand;
    const result = await analyzeImage(image, 'x.jpg', modelsWith(logitsFavouring('hand', 5), logit(high + 0.05)));
    expect(result.bodyPart).toBe('hand');
    expect(result.abnormalProbability).toBeCloseTo(high + 0.05, 6);
    expect(result.decision).toBe('abnormal');
    expect(result.error).toBeNull();
    expect([result.width, result.height]).toEqual([image.width, image.height]);
    const sum = Object.values(result.bodyPartProbabilities).reduce((a, b) => a + b, 0);
    expect(Object.keys(result.bodyPartProbabilities)).toEqual(bodyClasses);
    expect(sum).toBeCloseTo(1, 9);
  });

  it('gives the three tiers across the thresholds of the called part', async () => {
    const { low, high } = manifest.thresholds.shoulder;
    const decide = async (p: number) =>
      (await analyzeImage(image, 'x', modelsWith(logitsFavouring('shoulder', 5), logit(p)))).decision;
    expect(await decide(low - 0.05)).toBe('normal');
    expect(await decide((low + high) / 2)).toBe('uncertain');
    expect(await decide(high + 0.05)).toBe('abnormal');
  });

  it('draws the heatmap from the cam channel of the deciding logit, over the letterbox box', async () => {
    const result = await analyzeImage(image, 'x', modelsWith(logitsFavouring('elbow', 5), 0));
    const heatmap = result.heatmap!;
    expect(heatmap.size).toBe(camSize);
    // the scripted abnormality cam peaks at cell 0 (its only channel)
    expect(heatmap.values[0]).toBe(1);
    expect(Math.min(...heatmap.values)).toBe(0);
    expect(heatmap.box.height).toBe(1);
    expect(heatmap.box.width).toBeCloseTo(Math.round((image.width / image.height) * manifest.input.size) / manifest.input.size, 9);
  });

  it('calls an unsupported part unsupported, with no probability, and the body-part cam of its class', async () => {
    const notXray = bodyClasses.indexOf('not_xray');
    const result = await analyzeImage(image, 'cat.jpg', modelsWith(logitsFavouring('not_xray', 5), 3));
    expect(result).toMatchObject({ bodyPart: null, abnormalProbability: null, decision: 'unsupported' });
    expect(result.error).toMatch(/not a supported radiograph/);
    expect(result.heatmap!.values[notXray]).toBe(1);
  });

  it('calls a supported part below minConfidence unsupported', async () => {
    // five equal logits: every class at 20%, below minConfidence
    const result = await analyzeImage(image, 'x', modelsWith(bodyClasses.map(() => 0), 3));
    expect(result.decision).toBe('unsupported');
    expect(result.error).toMatch(/unclear/);
  });

  it('refuses a model whose logits do not match the manifest classes', async () => {
    await expect(analyzeImage(image, 'x', modelsWith([1, 2], 0))).rejects.toThrow(/head "radiograph.bodypart" returned 2 logits/);
  });
});

describe('errorResult', () => {
  it('is an error row with the message, no probabilities and the size when known', () => {
    expect(errorResult('a.png', 'empty file')).toEqual({
      file: 'a.png', bodyPart: null, bodyPartProbabilities: {}, abnormalProbability: null,
      decision: 'error', error: 'empty file', heatmap: null, width: 0, height: 0,
    });
    expect(errorResult('b.png', 'boom', 3, 4)).toMatchObject({ width: 3, height: 4 });
  });
});
