// Which build of TF.js's WASM backend runs, in words for the backend label. No TF.js import: the page's
// main bundle uses it too.
//
// tfjs-backend-wasm ships three builds: plain, SIMD, and SIMD + threads. It picks the threaded one only
// where WebAssembly threads and a transferable SharedArrayBuffer exist, which browsers allow only on a
// cross-origin isolated page (COOP same-origin + COEP require-corp): see README.md, "Cross-origin isolation".

import type { BackendName } from './backend';

export interface WasmFlavour {
  simd: boolean;
  /** the threaded build runs (SIMD + threads) */
  multithreaded: boolean;
  /** XNNPACK's threads, the calling one included; 1 for the single-threaded builds */
  threads: number;
}

/** Most threads the WASM backend gets: the two small models gain little beyond this, and the page keeps a core. */
export const MAX_WASM_THREADS = 4;

/**
 * Threads of the threaded build: one per physical core, at least 1, at most MAX_WASM_THREADS. tfjs-backend-wasm
 * itself never runs more than half of `navigator.hardwareConcurrency` (it takes two logical cores per physical
 * one), so a 2-core machine gets 1 thread; asking for that count is asking for what it will run. Below 2,
 * src/models/backend.ts runs the SIMD build instead.
 */
export function wasmThreadsFor(hardwareConcurrency: number | undefined): number {
  const logical = Number.isFinite(hardwareConcurrency) ? Math.floor(hardwareConcurrency!) : 1;
  return Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(logical / 2)));
}

/** "WASM SIMD + 4 threads", "WASM SIMD" or "WASM". */
export function wasmFlavourLabel(flavour: WasmFlavour): string {
  if (flavour.multithreaded) return `WASM SIMD + ${flavour.threads} thread${flavour.threads === 1 ? '' : 's'}`;
  return flavour.simd ? 'WASM SIMD' : 'WASM';
}

/** The backend in the label's words: the WASM flavour where known, else "WASM", "WEBGL", "CPU". */
export function backendLabel(backend: BackendName, flavour?: WasmFlavour | null): string {
  return backend === 'wasm' && flavour ? wasmFlavourLabel(flavour) : backend.toUpperCase();
}
