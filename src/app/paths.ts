// Absolute, same-origin URLs of what the worker fetches, resolved against the page (the worker's own
// URL sits under assets/, so relative paths would resolve differently there).
import { MODELS_DIR, TFJS_WASM_DIR } from './constants';

const appBase = () => new URL(import.meta.env.BASE_URL, document.baseURI);

export const modelsUrl = () => new URL(MODELS_DIR, appBase()).href;
export const wasmUrl = () => new URL(TFJS_WASM_DIR, appBase()).href;
