// Typed parse and validation of public/models/manifest.json (docs/manifest.md). Every contract value the
// pipeline uses comes from here; validation fails early with a message naming the offending field.

/** One output head of a graph model: its logits and their class-activation map. */
export interface HeadSpec {
  task: 'softmax' | 'sigmoid';
  classes: string[];
  /** graph output node names */
  outputs: { logits: string; cam: string };
}

/** One graph model: a backbone run once per image, and its heads. */
export interface ModelSpec {
  path: string;
  quantization: 'none' | 'float16' | 'uint8';
  inputName: string;
  camSize: number;
  heads: Record<string, HeadSpec>;
  /** path relative to the manifest folder -> sha256 hex */
  files: Record<string, string>;
}

/** Where a decision is read: a head of a model. */
export interface HeadRef {
  model: string;
  head: string;
}

export interface Thresholds {
  low: number;
  high: number;
}

/** How a part's abnormality calls fared on the labelled test films (manifest `parts`, optional). */
export interface PartReliability {
  /** the exporter judges this part's abnormality model weak: every card of the part warns */
  weak: boolean;
  /** share of that part's test films called uncertain, 0..1 */
  uncertainShare: number;
  /** share of "abnormal" calls that were abnormal on test; null when there was none */
  abnormalCallsRight: number | null;
  /** share of "normal" calls that were normal on test; null when there was none */
  normalCallsRight: number | null;
  testFilms: number;
}

export interface Manifest {
  schemaVersion: 2;
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
  bodyPart: HeadRef & { supported: string[]; minConfidence: number };
  routing: Record<string, HeadRef & { output: number }>;
  thresholds: Record<string, Thresholds>;
  /** per part, how it fared on test; empty when the manifest has no `parts` section */
  parts: Record<string, PartReliability>;
  models: Record<string, ModelSpec>;
  metrics: Record<string, unknown>;
  training: Record<string, unknown>;
  licences: { what: string; licence: string }[];
  limitations: string[];
  intendedUse: string;
  /** set (never by the manifest file) when a site's own thresholds replace the shipped ones for these parts */
  siteThresholds?: { parts: string[]; createdAt: string };
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

function parseHead(value: unknown, field: string): HeadSpec {
  const h = object(value, field);
  const outputs = object(h.outputs, `${field}.outputs`);
  return {
    task: literal(h.task, `${field}.task`, ['softmax', 'sigmoid'] as const),
    classes: nameList(h.classes, `${field}.classes`),
    outputs: {
      logits: string(outputs.logits, `${field}.outputs.logits`),
      cam: string(outputs.cam, `${field}.outputs.cam`),
    },
  };
}

function parseModel(value: unknown, field: string): ModelSpec {
  const m = object(value, field);
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
  const headsJson = object(m.heads, `${field}.heads`);
  const heads: Record<string, HeadSpec> = {};
  for (const [name, head] of Object.entries(headsJson)) heads[name] = parseHead(head, `${field}.heads.${name}`);
  if (Object.keys(heads).length === 0) fail(`${field}.heads`, 'must name at least one head');
  return {
    path,
    quantization: literal(m.quantization, `${field}.quantization`, ['none', 'float16', 'uint8'] as const),
    inputName: string(m.inputName, `${field}.inputName`),
    camSize: integer(m.camSize, `${field}.camSize`, 1),
    heads,
    files,
  };
}

/** The head a reference names, checked against the models and the task it must have. */
function parseHeadRef(
  value: Json,
  field: string,
  models: Record<string, ModelSpec>,
  task: HeadSpec['task'],
  role: string,
): HeadRef & { spec: HeadSpec } {
  const model = string(value.model, `${field}.model`);
  const head = string(value.head, `${field}.head`);
  const modelSpec = models[model];
  if (!modelSpec) fail(`${field}.model`, `names "${model}", which is not in manifest.models`);
  const spec = modelSpec.heads[head];
  if (!spec) fail(`${field}.head`, `names "${head}", which is not a head of model "${model}"`);
  if (spec.task !== task) fail(`manifest.models.${model}.heads.${head}.task`, `must be "${task}" (${role})`);
  return { model, head, spec };
}

/** The head spec a reference points at (the manifest was validated on parse, so it exists). */
export function headOf(manifest: Manifest, ref: HeadRef): HeadSpec {
  return manifest.models[ref.model].heads[ref.head];
}

/** The body-part classes, in the order of the body-part logits. */
export function bodyPartClasses(manifest: Manifest): string[] {
  return headOf(manifest, manifest.bodyPart).classes;
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

function shareOrNull(value: unknown, field: string): number | null {
  return value === null ? null : number(value, field, 0, 1);
}

function parseParts(value: unknown): Record<string, PartReliability> {
  if (value === undefined) return {};
  const partsJson = object(value, 'manifest.parts');
  const parts: Record<string, PartReliability> = {};
  for (const [part, entry] of Object.entries(partsJson)) {
    const field = `manifest.parts.${part}`;
    const p = object(entry, field);
    if (typeof p.weak !== 'boolean') fail(`${field}.weak`, 'must be true or false');
    parts[part] = {
      weak: p.weak,
      uncertainShare: number(p.uncertainShare, `${field}.uncertainShare`, 0, 1),
      abnormalCallsRight: shareOrNull(p.abnormalCallsRight, `${field}.abnormalCallsRight`),
      normalCallsRight: shareOrNull(p.normalCallsRight, `${field}.normalCallsRight`),
      testFilms: integer(p.testFilms, `${field}.testFilms`, 0),
    };
  }
  return parts;
}

/** Validates a parsed manifest.json and returns it typed; throws ManifestError naming the bad field. */
export function parseManifest(json: unknown): Manifest {
  const root = object(json, 'manifest');
  const schemaVersion = literal(root.schemaVersion, 'manifest.schemaVersion', [2] as const);
  const input = parseInput(root.input);

  const modelsJson = object(root.models, 'manifest.models');
  const models: Record<string, ModelSpec> = {};
  for (const [name, spec] of Object.entries(modelsJson)) models[name] = parseModel(spec, `manifest.models.${name}`);

  const bodyPartJson = object(root.bodyPart, 'manifest.bodyPart');
  const bodyPartHead = parseHeadRef(bodyPartJson, 'manifest.bodyPart', models, 'softmax', 'body-part head');
  const supported = nameList(bodyPartJson.supported, 'manifest.bodyPart.supported');
  for (const part of supported) {
    if (!bodyPartHead.spec.classes.includes(part)) {
      fail('manifest.bodyPart.supported', `lists "${part}", which is not a class of head "${bodyPartHead.model}.${bodyPartHead.head}"`);
    }
  }
  const bodyPart = {
    model: bodyPartHead.model,
    head: bodyPartHead.head,
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
    const { model, head, spec } = parseHeadRef(route, field, models, 'sigmoid', 'abnormality head');
    routing[part] = { model, head, output: integer(route.output, `${field}.output`, 0, spec.classes.length - 1) };
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
    parts: parseParts(root.parts),
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
