// Loads the manifest's graph models with TF.js after verifying every file's sha256. The only module,
// with backend.ts, that touches TF.js; shared by the browser worker and the Node CLI.
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { parseManifestText, type ModelSpec } from '../pipeline/manifest';
import type { Classifier, HeadOutput, LoadedModels } from '../pipeline/analyze';

export type ReadFile = (pathRelativeToModelsDir: string) => Promise<Uint8Array>;

interface WeightGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: WeightGroup[];
  [key: string]: unknown;
}

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, float16: 2, uint8: 1, uint16: 2 };

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash + 1);
}

/** Expected size of a weight group's data, from its specs (for progress before the shards are read). */
function weightBytes(group: WeightGroup): number {
  return group.weights.reduce((total, w) => {
    const dtype = w.quantization?.dtype ?? w.dtype;
    return total + w.shape.reduce((a, b) => a * b, 1) * (BYTES_PER_DTYPE[dtype] ?? 4);
  }, 0);
}

function concatBytes(parts: Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out.buffer;
}

function parseModelJson(bytes: Uint8Array, path: string): ModelJson {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const m = json as Partial<ModelJson>;
  if (typeof m !== 'object' || m === null || typeof m.modelTopology !== 'object' || !Array.isArray(m.weightsManifest)) {
    throw new Error(`${path} is not a TF.js graph model (modelTopology or weightsManifest missing)`);
  }
  return m as ModelJson;
}

function shapeOf(t: tf.Tensor): string {
  return `[${t.shape.join(', ')}]`;
}

class GraphClassifier implements Classifier {
  constructor(
    private readonly name: string,
    private readonly model: GraphModel,
    private readonly spec: ModelSpec,
    private readonly size: number,
  ) {}

  async predict(input: Float32Array): Promise<Record<string, HeadOutput>> {
    const { size, spec } = this;
    if (input.length !== size * size) {
      throw new Error(`model "${this.name}" expects ${size}x${size} input values, got ${input.length}`);
    }
    const heads = Object.entries(spec.heads);
    const names = heads.flatMap(([, head]) => [head.outputs.logits, head.outputs.cam]);
    const outputs = tf.tidy(() => {
      const x = tf.tensor4d(input, [1, size, size, 1], 'float32');
      return this.model.execute({ [spec.inputName]: x }, names) as tf.Tensor[];
    });
    try {
      const data = await Promise.all(outputs.map((t) => t.data()));
      const result: Record<string, HeadOutput> = {};
      heads.forEach(([name, head], i) => {
        const [logits, cam] = [outputs[2 * i], outputs[2 * i + 1]];
        const k = head.classes.length;
        if (logits.size !== k || cam.size !== spec.camSize * spec.camSize * k) {
          throw new Error(
            `head "${this.name}.${name}" outputs logits ${shapeOf(logits)} and cam ${shapeOf(cam)}; the manifest ` +
              `implies [1, ${k}] and [1, ${spec.camSize}, ${spec.camSize}, ${k}]`,
          );
        }
        result[name] = { logits: Float32Array.from(data[2 * i]), cam: Float32Array.from(data[2 * i + 1]) };
      });
      return result;
    } finally {
      for (const t of outputs) t.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Reads manifest.json and every model file it lists through `readFile`, verifies each sha256, builds the
 * graph models in memory and warms each up once. `onProgress` reports bytes read of the expected total.
 */
export async function loadModels(
  readFile: ReadFile,
  onProgress?: (loadedBytes: number, totalBytes: number) => void,
): Promise<LoadedModels> {
  const manifestBytes = await readFile('manifest.json');
  const manifest = parseManifestText(new TextDecoder().decode(manifestBytes));

  const verified = new Map<string, Uint8Array>();
  async function readVerified(path: string, spec: ModelSpec, modelName: string): Promise<Uint8Array> {
    const expected = spec.files[path];
    if (expected === undefined) {
      throw new Error(`${path} (used by model "${modelName}") is not listed in manifest.models.${modelName}.files`);
    }
    const cached = verified.get(path);
    if (cached) return cached;
    const bytes = await readFile(path);
    const actual = await sha256Hex(bytes);
    if (actual !== expected) {
      throw new Error(`sha256 mismatch for ${path}: expected ${expected}, got ${actual} (corrupt or stale download)`);
    }
    verified.set(path, bytes);
    return bytes;
  }

  const entries = Object.entries(manifest.models);
  const modelJsons: ModelJson[] = [];
  let loaded = manifestBytes.length;
  for (const [name, spec] of entries) {
    const bytes = await readVerified(spec.path, spec, name);
    loaded += bytes.length;
    modelJsons.push(parseModelJson(bytes, spec.path));
  }
  const total = modelJsons.reduce((n, m) => n + m.weightsManifest.reduce((s, g) => s + weightBytes(g), 0), loaded);
  onProgress?.(loaded, total);

  const classifiers: Record<string, Classifier> = {};
  try {
    for (const [index, [name, spec]] of entries.entries()) {
      const modelJson = modelJsons[index];
      const shards: Uint8Array[] = [];
      for (const group of modelJson.weightsManifest) {
        for (const shard of group.paths) {
          const bytes = await readVerified(folderOf(spec.path) + shard, spec, name);
          shards.push(bytes);
          loaded += bytes.length;
          onProgress?.(Math.min(loaded, total), total);
        }
      }
      for (const path of Object.keys(spec.files)) await readVerified(path, spec, name);
      const { weightsManifest, ...rest } = modelJson;
      const model = await loadGraphModel(
        tf.io.fromMemory({
          ...(rest as tf.io.ModelArtifacts),
          modelTopology: modelJson.modelTopology,
          weightSpecs: weightsManifest.flatMap((g) => g.weights),
          weightData: concatBytes(shards),
        }),
      );
      const classifier = new GraphClassifier(name, model, spec, manifest.input.size);
      classifiers[name] = classifier;
      await classifier.predict(new Float32Array(manifest.input.size * manifest.input.size));
    }
  } catch (e) {
    for (const c of Object.values(classifiers)) c.dispose();
    throw e;
  }
  onProgress?.(total, total);
  return { manifest, classifiers };
}

export function disposeModels(models: LoadedModels): void {
  for (const classifier of Object.values(models.classifiers)) classifier.dispose();
}
