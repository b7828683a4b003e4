// Typed parse and validation of public/models/manifest.json (docs/manifest.md). Every contract value the
// pipeline uses comes from here; validation fails early with a message naming the offending field.

export interface ModelSpec {
  path: string;
  task: 'softmax' | 'sigmoid';
  classes: string[];
  quantization: 'none' | 'float16' | 'uint8';
  inputName: string;
  outputs: { logits: string; cam: string };
  camSize: number;
  /** path relative to the manifest folder -> sha256 hex */
  files: Record<string, string>;
}

export interface Thresholds {
  low: number;
  high: number;
}

export interface Manifest {
  schemaVersion: 1;
  version: string;
  createdAt: string;
  input: {
    size: number;
    channels: 1;
    grayscale: 'bt601';
    resize: 'letterbox-area';
    padValue: number;
    normalization: { mean: number; std: number };
    dicom: 'voi-window-then-8bit';
  };
  bodyPart: { model: string; supported: string[]; minConfidence: number };
  routing: Record<string, { model: string; output: number }>;
  thresholds: Record<string, Thresholds>;
  models: Record<string, ModelSpec>;
  metrics: Record<string, unknown>;
  training: Record<string, unknown>;
  licences: { what: string; licence: string }[];
  limitations: string[];
  intendedUse: string;
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

type Json = Record<string, unknown>;

function fail(field: string, expectation: string): never {
  throw new ManifestError(`${field} ${expectation}`);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, field: string): Json {
  if (!isObject(value)) fail(field, 'must be an object');
  return value;
}

function string(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(field, 'must be a non-empty string');
  return value;
}

function number(value: unknown, field: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = Number.isFinite(min) || Number.isFinite(max) ? ` in [${min}, ${max}]` : '';
    fail(field, `must be a number${range}`);
  }
  return value;
}

function integer(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `must be an integer in [${min}, ${max}]`);
  }
  return value;
}

function literal<T extends string | number>(value: unknown, field: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    fail(field, `must be ${allowed.map((a) => JSON.stringify(a)).join(' or ')} (got ${JSON.stringify(value)})`);
  }
  return value as T;
}

/** A list of names (classes, supported parts): non-empty and without repeats. */
function nameList(value: unknown, field: string): string[] {
  const items = stringList(value, field);
  if (items.length === 0) fail(field, 'must not be empty');
  const duplicate = items.find((item, i) => items.indexOf(item) !== i);
  if (duplicate !== undefined) fail(field, `must not repeat "${duplicate}"`);
  return items;
}

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) fail(field, 'must be an array of strings');
  return value.map((item, i) => string(item, `${field}[${i}]`));
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

function parseModel(value: unknown, field: string): ModelSpec {
  const m = object(value, field);
  const outputs = object(m.outputs, `${field}.outputs`);
  const filesJson = object(m.files, `${field}.files`);
  const files: Record<string, string> = {};
  for (const [path, hash] of Object.entries(filesJson)) {
    if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) {
      fail(`${field}.files["${path}"]`, 'must be a lowercase sha256 hex string (64 characters)');
    }
    files[path] = hash;
  }
  const path = string(m.path, `${field}.path`);
  if (!(path in files)) fail(`${field}.files`, `must list the model file "${path}" with its sha256`);
  return {
    path,
    task: literal(m.task, `${field}.task`, ['softmax', 'sigmoid'] as const),
    classes: nameList(m.classes, `${field}.classes`),
    quantization: literal(m.quantization, `${field}.quantization`, ['none', 'float16', 'uint8'] as const),
    inputName: string(m.inputName, `${field}.inputName`),
    outputs: {
      logits: string(outputs.logits, `${field}.outputs.logits`),
      cam: string(outputs.cam, `${field}.outputs.cam`),
    },
    camSize: integer(m.camSize, `${field}.camSize`, 1),
    files,
  };
}

function parseInput(value: unknown): Manifest['input'] {
  const input = object(value, 'manifest.input');
  const norm = object(input.normalization, 'manifest.input.normalization');
  const std = number(norm.std, 'manifest.input.normalization.std');
  if (std <= 0) fail('manifest.input.normalization.std', 'must be a number above 0');
  return {
    size: integer(input.size, 'manifest.input.size', 1, 4096),
    channels: literal(input.channels, 'manifest.input.channels', [1] as const),
    grayscale: literal(input.grayscale, 'manifest.input.grayscale', ['bt601'] as const),
    resize: literal(input.resize, 'manifest.input.resize', ['letterbox-area'] as const),
    padValue: integer(input.padValue, 'manifest.input.padValue', 0, 255),
    normalization: { mean: number(norm.mean, 'manifest.input.normalization.mean'), std },
    dicom: literal(input.dicom, 'manifest.input.dicom', ['voi-window-then-8bit'] as const),
  };
}

function parseThresholds(value: unknown, field: string): Thresholds {
  const t = object(value, field);
  const low = t.low;
  const high = number(t.high, `${field}.high`, 0, 1);
  if (typeof low !== 'number' || !Number.isFinite(low) || low < 0 || low > 1 || low >= high) {
    fail(`${field}.low`, 'must be a number in [0,1] below high');
  }
  return { low, high };
}

/** Validates a parsed manifest.json and returns it typed; throws ManifestError naming the bad field. */
export function parseManifest(json: unknown): Manifest {
  const root = object(json, 'manifest');
  const schemaVersion = literal(root.schemaVersion, 'manifest.schemaVersion', [1] as const);
  const input = parseInput(root.input);

  const modelsJson = object(root.models, 'manifest.models');
  const models: Record<string, ModelSpec> = {};
  for (const [name, spec] of Object.entries(modelsJson)) models[name] = parseModel(spec, `manifest.models.${name}`);

  const bodyPartJson = object(root.bodyPart, 'manifest.bodyPart');
  const bodyPartModelName = string(bodyPartJson.model, 'manifest.bodyPart.model');
  const bodyPartModel = models[bodyPartModelName];
  if (!bodyPartModel) fail('manifest.bodyPart.model', `names "${bodyPartModelName}", which is not in manifest.models`);
  if (bodyPartModel.task !== 'softmax') fail(`manifest.models.${bodyPartModelName}.task`, 'must be "softmax" (body-part model)');
  const supported = nameList(bodyPartJson.supported, 'manifest.bodyPart.supported');
  for (const part of supported) {
    if (!bodyPartModel.classes.includes(part)) {
      fail('manifest.bodyPart.supported', `lists "${part}", which is not a class of model "${bodyPartModelName}"`);
    }
  }
  const bodyPart = {
    model: bodyPartModelName,
    supported,
    minConfidence: number(bodyPartJson.minConfidence, 'manifest.bodyPart.minConfidence', 0, 1),
  };

  const routingJson = object(root.routing, 'manifest.routing');
  const thresholdsJson = object(root.thresholds, 'manifest.thresholds');
  const routing: Manifest['routing'] = {};
  const thresholds: Manifest['thresholds'] = {};
  for (const part of supported) {
    const field = `manifest.routing.${part}`;
    const route = object(routingJson[part], field);
    const modelName = string(route.model, `${field}.model`);
    const model = models[modelName];
    if (!model) fail(`${field}.model`, `names "${modelName}", which is not in manifest.models`);
    if (model.task !== 'sigmoid') fail(`manifest.models.${modelName}.task`, 'must be "sigmoid" (abnormality model)');
    routing[part] = { model: modelName, output: integer(route.output, `${field}.output`, 0, model.classes.length - 1) };
    thresholds[part] = parseThresholds(thresholdsJson[part], `manifest.thresholds.${part}`);
  }

  const licencesJson = root.licences ?? [];
  if (!Array.isArray(licencesJson)) fail('manifest.licences', 'must be an array');
  const licences = licencesJson.map((entry, i) => {
    const l = object(entry, `manifest.licences[${i}]`);
    return { what: string(l.what, `manifest.licences[${i}].what`), licence: string(l.licence, `manifest.licences[${i}].licence`) };
  });

  return {
    schemaVersion,
    version: string(root.version, 'manifest.version'),
    createdAt: string(root.createdAt, 'manifest.createdAt'),
    input,
    bodyPart,
    routing,
    thresholds,
    models,
    metrics: root.metrics === undefined ? {} : object(root.metrics, 'manifest.metrics'),
    training: root.training === undefined ? {} : object(root.training, 'manifest.training'),
    licences,
    limitations: root.limitations === undefined ? [] : stringList(root.limitations, 'manifest.limitations'),
    intendedUse: root.intendedUse === undefined ? '' : string(root.intendedUse, 'manifest.intendedUse'),
  };
}

const STRING_OR_NON_FINITE = /"(?:[^"\\]|\\.)*"|-?\b(?:NaN|Infinity)\b/g;

/**
 * Parses the text of manifest.json. Python's json module writes NaN / Infinity for undefined metrics;
 * those (outside strings) are read as null rather than failing the whole app.
 */
export function parseManifestText(text: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (first) {
    try {
      json = JSON.parse(text.replace(STRING_OR_NON_FINITE, (token) => (token.startsWith('"') ? token : 'null')));
    } catch {
      throw new ManifestError(`manifest.json is not valid JSON: ${(first as Error).message}`);
    }
  }
  return parseManifest(json);
}
