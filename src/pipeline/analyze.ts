// The two-stage analysis of one grayscale image, independent of how the models run (TF.js lives in src/models).
import { headOf, type HeadRef, type Manifest } from './manifest';
import type { GrayImage, ImageResult } from './types';
import { letterboxArea, normalize } from './preprocess';
import { decideAbnormality, decideBodyPart, sigmoid, softmax } from './decision';
import { buildHeatmap, contentMask } from './heatmap';
import { headerScope, withArticle, type ScopeHeader } from './scope';

/** What one head of a graph returns for one image: logits [K] and cam [camSize, camSize, K]. */
export interface HeadOutput {
  logits: Float32Array;
  cam: Float32Array;
}

/** One loaded graph model: one forward pass gives every head's output. */
export interface Classifier {
  /** `input` is the normalised [1, size, size, 1] model input; returns each head's output by head name. */
  predict(input: Float32Array): Promise<Record<string, HeadOutput>>;
  dispose(): void;
}

export interface LoadedModels {
  manifest: Manifest;
  classifiers: Record<string, Classifier>;
}

/** Runs each model at most once per image, however many heads the decision reads. */
function headReader(models: LoadedModels, input: Float32Array) {
  const passes = new Map<string, Promise<Record<string, HeadOutput>>>();
  return async (ref: HeadRef): Promise<HeadOutput> => {
    const classifier = models.classifiers[ref.model];
    if (!classifier) throw new Error(`model "${ref.model}" is not loaded`);
    let pass = passes.get(ref.model);
    if (!pass) passes.set(ref.model, (pass = classifier.predict(input)));
    const output = (await pass)[ref.head];
    const classes = headOf(models.manifest, ref).classes.length;
    if (!output) throw new Error(`model "${ref.model}" returned no head "${ref.head}"`);
    if (output.logits.length !== classes) {
      throw new Error(`head "${ref.model}.${ref.head}" returned ${output.logits.length} logits, the manifest lists ${classes} classes`);
    }
    return output;
  };
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

/**
 * The scope gate (what a DICOM header says), stage 1 (body part, or unsupported) then stage 2 (abnormality
 * probability, tier, heatmap). A header that rules the film out stops it before the model runs.
 */
export async function analyzeImage(image: GrayImage, file: string, models: LoadedModels, header?: ScopeHeader): Promise<ImageResult> {
  const { manifest } = models;
  const scope = headerScope(header, manifest.bodyPart.supported);
  const headerBodyPart = scope.region;
  if (scope.kind === 'outside') {
    return {
      ...errorResult(file, scope.reason, image.width, image.height),
      decision: 'unsupported',
      headerBodyPart,
      reason: scope.reason,
    };
  }
  const { pixels, box } = letterboxArea(image, manifest.input.size, manifest.input.padValue);
  const input = normalize(pixels, manifest.input.normalization);

  const readHead = headReader(models, input);
  const camSizeOf = (ref: HeadRef) => manifest.models[ref.model].camSize;

  const stage1 = await readHead(manifest.bodyPart);
  const classes = headOf(manifest, manifest.bodyPart).classes;
  const probabilities = softmax(stage1.logits);
  const bodyPartProbabilities = Object.fromEntries(classes.map((c, i) => [c, probabilities[i]]));
  const call = decideBodyPart(probabilities, classes, manifest.bodyPart);
  const base = { file, bodyPartProbabilities, width: image.width, height: image.height, headerBodyPart };

  if (!call.accepted) {
    const reason =
      scope.kind === 'supported' ? `the header says ${scope.region}, but the model did not recognise ${withArticle(scope.part)} (${call.reason})` : call.reason;
    return {
      ...base,
      bodyPart: null,
      abnormalProbability: null,
      decision: 'unsupported',
      error: reason,
      reason,
      heatmap: buildHeatmap(stage1.cam, camSizeOf(manifest.bodyPart), classes.length, call.classIndex, box),
    };
  }

  const route = manifest.routing[call.part];
  const stage2 = await readHead(route);
  const abnormalProbability = sigmoid(stage2.logits[route.output]);
  const contradicted = scope.kind === 'supported' && scope.part !== call.part;
  return {
    ...base,
    bodyPart: call.part,
    abnormalProbability,
    error: null,
    reason: contradicted ? `the header says ${scope.region}, the model sees ${withArticle(call.part)}: check which body part this film shows` : null,
    heatmap: buildHeatmap(
      stage2.cam, camSizeOf(route), headOf(manifest, route).classes.length, route.output, box,
      contentMask(pixels, manifest.input.size, camSizeOf(route)),
    ),
    ...decideAbnormality(abnormalProbability, call.part, manifest),
    // the header names another supported part: no normal/abnormal call, whatever the score
    ...(contradicted ? { decision: 'uncertain' as const } : {}),
  };
}
