// Chooses and initialises the TF.js backend: the preferred one, else the next in webgl -> wasm -> cpu.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type BackendName = 'webgl' | 'wasm' | 'cpu';

const FALLBACK_ORDER: readonly BackendName[] = ['webgl', 'wasm', 'cpu'];

/**
 * `wasmPath` is the folder (URL or, in Node, file path) holding the tfjs-backend-wasm .wasm files.
 * Returns the backend actually in use.
 */
export async function initBackend(preferred: BackendName | 'auto', wasmPath: string): Promise<BackendName> {
  // production mode: no debug checks, and no console advice (e.g. "install tfjs-node") in the CLI's output
  tf.enableProdMode();
  const candidates = preferred === 'auto' ? FALLBACK_ORDER : FALLBACK_ORDER.slice(FALLBACK_ORDER.indexOf(preferred));
  for (const name of candidates) {
    if (name === 'wasm') setWasmPaths(wasmPath.endsWith('/') ? wasmPath : `${wasmPath}/`);
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      // a backend that cannot start here (no WebGL, no WebAssembly) falls through to the next one
    }
  }
  throw new Error(`no TensorFlow.js backend could start (tried ${candidates.join(', ')})`);
}
