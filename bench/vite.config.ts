// Production build of the benchmark page (bench/page): the app's own pipeline and model modules, imported
// directly, without the UI or the worker. `npm run bench` builds it into bench/cache/dist.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { tfjsWasmThreadsSurviveMinify } from '../scripts/vite-tfjs-wasm-threads';

export default defineConfig({
  root: fileURLToPath(new URL('./page', import.meta.url)),
  base: '/',
  logLevel: 'error',
  plugins: [tfjsWasmThreadsSurviveMinify()],
  build: {
    target: 'es2022',
    outDir: fileURLToPath(new URL('./cache/dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
  },
});
