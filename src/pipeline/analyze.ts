// The two-stage analysis of one grayscale image, independent of how the models run (TF.js lives in src/models).
import type { Manifest, ModelSpec } from './manifest';
import type { GrayImage, ImageResult } from './types';
import { letterboxArea, normalize } from './preprocess';
import { decideBodyPart, sigmoid, softmax, tierOf } from './decision';
import { buildHeatmap } from './heatmap';

/** One loaded graph model. */
export interface Classifier {
  /** `input` is the normalised [1, size, size, 1] model input; returns logits [K] and cam [camSize, camSize, K]. */
  predict(input: Float32Array): Promise<{ logits: Float32Array; cam: Float32Array }>;
  dispose(): void;
}

export interface LoadedModels {
  manifest: Manifest;
  classifiers: Record<string, Classifier>;
}

function modelNamed(models: LoadedModels, name: string): { spec: ModelSpec; classifier: Classifier } {
  const spec = models.manifest.models[name];
  const classifier = models.classifiers[name];
  if (!spec || !classifier) throw new Error(`model "${name}" is not loaded`);
  return { spec, classifier };
}

async function run(
  models: LoadedModels,
  name: string,
  input: Float32Array,
): Promise<{ spec: ModelSpec; logits: Float32Array; cam: Float32Array }> {
  const { spec, classifier } = modelNamed(models, name);
  const { logits, cam } = await classifier.predict(input);
  if (logits.length !== spec.classes.length) {
    throw new Error(`model "${name}" returned ${logits.length} logits, the manifest lists ${spec.classes.length} classes`);
  }
  return { spec, logits, cam };
}

export function errorResult(file: string, message: string, width = 0, height = 0): ImageResult {
  return {
    file,
    bodyPart: null,
    bodyPartProbabilities: {},
    abnormalProbability: null,
    decision: 'error',
    error: message,
    heatmap: null,
    width,
    height,
  };
}

/** Stage 1 (body part, or unsupported) then stage 2 (abnormality probability, tier, heatmap). */
export async function analyzeImage(image: GrayImage, file: string, models: LoadedModels): Promise<ImageResult> {
  const { manifest } = models;
  const { pixels, box } = letterboxArea(image, manifest.input.size, manifest.input.padValue);
  const input = normalize(pixels, manifest.input.normalization);

  const stage1 = await run(models, manifest.bodyPart.model, input);
  const probabilities = softmax(stage1.logits);
  const bodyPartProbabilities = Object.fromEntries(stage1.spec.classes.map((c, i) => [c, probabilities[i]]));
  const call = decideBodyPart(probabilities, stage1.spec.classes, manifest.bodyPart);
  const base = { file, bodyPartProbabilities, width: image.width, height: image.height };

  if (!call.accepted) {
    return {
      ...base,
      bodyPart: null,
      abnormalProbability: null,
      decision: 'unsupported',
      error: call.reason,
      heatmap: buildHeatmap(stage1.cam, stage1.spec.camSize, stage1.spec.classes.length, call.classIndex, box),
    };
  }

  const route = manifest.routing[call.part];
  const stage2 = await run(models, route.model, input);
  const abnormalProbability = sigmoid(stage2.logits[route.output]);
  return {
    ...base,
    bodyPart: call.part,
    abnormalProbability,
    decision: tierOf(abnormalProbability, manifest.thresholds[call.part]),
    error: null,
    heatmap: buildHeatmap(stage2.cam, stage2.spec.camSize, stage2.spec.classes.length, route.output, box),
  };
}
