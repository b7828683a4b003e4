// Chooses and initialises the TF.js backend: the preferred one, else the next in webgl -> wasm -> cpu
// (automatically: without WebGL when it is software-only).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { backendLabel, wasmThreadsFor, type WasmFlavour } from './wasm-flavour';
import { isSoftwareRenderer, webglRenderer } from './webgl-renderer';

export type BackendName = 'webgl' | 'wasm' | 'cpu';

const FALLBACK_ORDER: readonly BackendName[] = ['webgl', 'wasm', 'cpu'];

/** Why the automatic choice passed WebGL over, for the backend label. */
export const SOFTWARE_WEBGL_NOTE = 'WebGL is software-only here';

export interface StartedBackend {
  backend: BackendName;
  /** set when the automatic choice skipped a backend, saying why */
  note?: string;
  /** set on the WASM backend: which of its builds runs (SIMD, threads) */
  wasm?: WasmFlavour;
}

/**
 * Which WASM build the backend started (call after it did): tfjs-backend-wasm runs the threaded SIMD build
 * when both of its feature flags hold (threads need a cross-origin isolated page), else the SIMD or plain one.
 */
async function startedWasmFlavour(): Promise<WasmFlavour> {
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const multithreaded = simd && Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  return { simd, multithreaded, threads: multithreaded ? getThreadsCount() : 1 };
}

/**
 * `wasmPath` is the folder (URL or, in Node, file path) holding the tfjs-backend-wasm .wasm files.
 * 'auto' skips WebGL when a software rasteriser draws it; an explicit 'webgl' is always tried.
 * `renderer` reads the WebGL renderer string (replaceable in tests).
 */
export async function startBackend(
  preferred: BackendName | 'auto',
  wasmPath: string,
  renderer: () => string | null = webglRenderer,
): Promise<StartedBackend> {
  // production mode: no debug checks, and no console advice (e.g. "install tfjs-node") in the CLI's output
  tf.enableProdMode();
  let candidates = preferred === 'auto' ? FALLBACK_ORDER : FALLBACK_ORDER.slice(FALLBACK_ORDER.indexOf(preferred));
  let note: string | undefined;
  if (preferred === 'auto' && isSoftwareRenderer(renderer())) {
    candidates = candidates.filter((name) => name !== 'webgl');
    note = SOFTWARE_WEBGL_NOTE;
  }
  for (const name of candidates) {
    if (name === 'wasm') {
      setWasmPaths(wasmPath.endsWith('/') ? wasmPath : `${wasmPath}/`);
      // the threaded build runs only on a cross-origin isolated page, and only where it gets 2 threads or more:
      // on one thread it is no faster than the SIMD build and starts 8 idle workers first (about 0.5 s more to
      // a ready backend, measured on 2 cores)
      const threads = wasmThreadsFor(globalThis.navigator?.hardwareConcurrency);
      setThreadsCount(threads);
      if (threads < 2) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        const started: StartedBackend = note ? { backend: name, note } : { backend: name };
        if (name === 'wasm') started.wasm = await startedWasmFlavour();
        return started;
      }
    } catch {
      // a backend that cannot start here (no WebGL, no WebAssembly) falls through to the next one
    }
  }
  throw new Error(`no TensorFlow.js backend could start (tried ${candidates.join(', ')})`);
}

/** The backend in use in words ("WASM SIMD + 4 threads", "WASM SIMD", "CPU"), for logs and reports. */
export async function activeBackendLabel(): Promise<string> {
  const backend = tf.getBackend() as BackendName;
  return backendLabel(backend, backend === 'wasm' ? await startedWasmFlavour() : null);
}

/** Returns the backend actually in use (see startBackend). */
export async function initBackend(preferred: BackendName | 'auto', wasmPath: string): Promise<BackendName> {
  return (await startBackend(preferred, wasmPath)).backend;
}
