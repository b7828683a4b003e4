// Shared by the build (vite.config.ts) and the app: keep this file free of browser and Vite-only APIs.

/** Folder, under the app's base URL, that serves the tfjs-backend-wasm binaries from our own origin. */
export const TFJS_WASM_DIR = 'tfjs-wasm/';
/** Folder, under the app's base URL, with manifest.json and the graph models. */
export const MODELS_DIR = 'models/';

/**
 * Response headers that make the page cross-origin isolated, so TF.js's WASM backend may run its SIMD +
 * threads build (SharedArrayBuffer). Every subresource is same-origin, so `require-corp` blocks nothing.
 * Sent by `vite` and `vite preview`, added by the service worker (public/coi-headers.js) to the pages and
 * worker scripts it serves, and documented for static hosts in README.md.
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;
