import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { CROSS_ORIGIN_ISOLATION_HEADERS, TFJS_WASM_DIR } from './src/app/constants';
import { tfjsWasmThreadsSurviveMinify } from './scripts/vite-tfjs-wasm-threads';

/** Where the TF.js WASM binaries are served from, relative to the app's base URL (see src/app/paths.ts). */
const WASM_DIR = TFJS_WASM_DIR;
// All three builds: the threaded one runs on a cross-origin isolated page, the SIMD one elsewhere, the plain
// one where WebAssembly has no SIMD. Each is precached (about 1.2 MB together) so any of them works offline.
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

const MIB = 1024 * 1024;

/** Serves (dev) and emits (build) the tfjs-backend-wasm binaries from our own origin: no CDN. */
function tfjsWasmFromOwnOrigin(): Plugin {
  const require = createRequire(import.meta.url);
  const distDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const read = (name: string) => readFileSync(join(distDir, 'dist', name));
  return {
    name: 'bonelens:tfjs-wasm-same-origin',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = WASM_FILES.find((file) => req.url?.split('?')[0]?.endsWith(`/${WASM_DIR}${file}`));
        if (!name) return next();
        res.setHeader('Content-Type', 'application/wasm');
        res.end(read(name));
      });
    },
    generateBundle() {
      for (const name of WASM_FILES) {
        this.emitFile({ type: 'asset', fileName: `${WASM_DIR}${name}`, source: read(name) });
      }
    },
  };
}

export default defineConfig({
  plugins: [
    svelte(),
    tfjsWasmFromOwnOrigin(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/*.png', 'favicon.png'],
      manifest: {
        name: 'BoneLens',
        short_name: 'BoneLens',
        description:
          'A quick, private second look at a musculoskeletal radiograph, entirely on your device. Not a medical device.',
        start_url: '.',
        scope: '.',
        display: 'standalone',
        background_color: '#10151c',
        theme_color: '#10151c',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The app shell, the WASM binaries and every model file, so the app works offline after one visit.
        globPatterns: ['**/*.{html,js,css,png,svg,ico,webmanifest,wasm,json,bin,jpg}'],
        maximumFileSizeToCacheInBytes: 256 * MIB,
        cleanupOutdatedCaches: true,
        navigateFallback: 'index.html',
        // adds the cross-origin isolation headers to the pages and worker scripts the service worker serves,
        // for hosts that cannot send them (see the file)
        importScripts: ['coi-headers.js'],
      },
    }),
  ],
  worker: { format: 'es', plugins: () => [tfjsWasmThreadsSurviveMinify()] },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
  },
  // cross-origin isolated: TF.js's WASM backend runs its SIMD + threads build (README.md, "Cross-origin isolation")
  server: { port: 5173, headers: CROSS_ORIGIN_ISOLATION_HEADERS },
  preview: { port: 4173, strictPort: true, headers: CROSS_ORIGIN_ISOLATION_HEADERS },
});
