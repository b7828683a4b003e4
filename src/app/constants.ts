// Shared by the build (vite.config.ts) and the app: keep this file free of browser and Vite-only APIs.

/** Folder, under the app's base URL, that serves the tfjs-backend-wasm binaries from our own origin. */
export const TFJS_WASM_DIR = 'tfjs-wasm/';
/** Folder, under the app's base URL, with manifest.json and the graph models. */
export const MODELS_DIR = 'models/';
