// A Vite plugin (used by vite.config.ts and bench/vite.config.ts) that lets tfjs-backend-wasm's SIMD + threads
// build survive minification.
//
// To start its threads, tfjs-backend-wasm 4.x hands every thread the Emscripten glue as source text, made
// with `wasmFactoryThreadedSimd.toString()`. That text is the inner factory function only: it refers to a
// variable (`_scriptDir`) of the wrapper around it, which the minifier renames and, seeing it declared, no
// longer guards with `typeof`. In the thread the name is undefined and the thread dies ("e is not defined").
// The fix: give the threads the glue file exactly as shipped (a ?raw import, about 12 kB gzip), which
// declares `WasmBackendModuleThreadedSimd` itself, as the thread expects. The main thread's copy is unchanged.
import type { Plugin } from 'vite';

const BACKEND_MODULE = /[\\/]@tensorflow[\\/]tfjs-backend-wasm[\\/]dist[\\/]backend_wasm\.js$/;
const FROM_TO_STRING = /`var WasmBackendModuleThreadedSimd = ` \+\s*wasmFactoryThreadedSimd\.toString\(\)/;
const RAW_IMPORT = `import __threadedSimdGlue from '../wasm-out/tfjs-backend-wasm-threaded-simd.js?raw';\n`;

export function tfjsWasmThreadsSurviveMinify(): Plugin {
  return {
    name: 'bonelens:tfjs-wasm-threads-survive-minify',
    enforce: 'pre',
    transform(code, id) {
      if (!BACKEND_MODULE.test(id.split('?')[0]!)) return null;
      // a tfjs-backend-wasm that no longer builds the glue this way needs this plugin reviewed, not skipped
      if (!FROM_TO_STRING.test(code)) this.error('tfjs-backend-wasm changed how it starts its threads: review scripts/vite-tfjs-wasm-threads.ts');
      return { code: RAW_IMPORT + code.replace(FROM_TO_STRING, '__threadedSimdGlue'), map: null };
    },
  };
}
