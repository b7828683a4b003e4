import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeBackendLabel, SOFTWARE_WEBGL_NOTE, startBackend } from '../../src/models/backend';
import { backendLabel, MAX_WASM_THREADS, wasmFlavourLabel, wasmThreadsFor } from '../../src/models/wasm-flavour';
import { isSoftwareRenderer, webglRenderer } from '../../src/models/webgl-renderer';

const wasmFolder = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
/** Node's WebAssembly has SIMD; tfjs-backend-wasm never runs threads in Node */
const NODE_WASM = { simd: true, multithreaded: false, threads: 1 };

describe('isSoftwareRenderer', () => {
  it.each([
    'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
    'Google SwiftShader',
    'llvmpipe (LLVM 15.0.6, 256 bits)',
    'Mesa/X.org, llvmpipe (LLVM 19.1.7, 256 bits)',
    'softpipe',
    'Software Rasterizer',
  ])('%s is a software rasteriser', (renderer) => {
    expect(isSoftwareRenderer(renderer)).toBe(true);
  });

  it.each([
    'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002503) Direct3D11 vs_5_0 ps_5_0, D3D11)',
    'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)',
    'Apple M1',
    'AMD Radeon Pro 5500M OpenGL Engine',
    'Adreno (TM) 640',
  ])('%s is a GPU', (renderer) => {
    expect(isSoftwareRenderer(renderer)).toBe(false);
  });

  it('an unknown renderer (no WebGL, or a masked string) is not called software', () => {
    expect(isSoftwareRenderer(null)).toBe(false);
    expect(isSoftwareRenderer('WebKit WebGL')).toBe(false);
  });
});

describe('startBackend', () => {
  it('finds no WebGL renderer in Node', () => {
    expect(webglRenderer()).toBeNull();
  });

  it("'auto' skips a software WebGL and says so", async () => {
    expect(await startBackend('auto', wasmFolder, () => 'Google SwiftShader')).toEqual({
      backend: 'wasm',
      note: SOFTWARE_WEBGL_NOTE,
      wasm: NODE_WASM,
    });
  });

  it("'auto' with a GPU (or no WebGL) adds no note; Node has no WebGL, so it lands on WASM", async () => {
    expect(await startBackend('auto', wasmFolder, () => 'Apple M1')).toEqual({ backend: 'wasm', wasm: NODE_WASM });
    expect(await activeBackendLabel()).toBe('WASM SIMD');
  });

  it('an explicit choice never looks at the renderer', async () => {
    const renderer = () => {
      throw new Error('read the renderer for an explicit choice');
    };
    expect(await startBackend('cpu', wasmFolder, renderer)).toEqual({ backend: 'cpu' });
    expect(await activeBackendLabel()).toBe('CPU');
  });
});

describe('WASM flavour', () => {
  it('names the build that runs', () => {
    expect(wasmFlavourLabel({ simd: true, multithreaded: true, threads: 4 })).toBe('WASM SIMD + 4 threads');
    expect(wasmFlavourLabel({ simd: true, multithreaded: true, threads: 1 })).toBe('WASM SIMD + 1 thread');
    expect(wasmFlavourLabel({ simd: true, multithreaded: false, threads: 1 })).toBe('WASM SIMD');
    expect(wasmFlavourLabel({ simd: false, multithreaded: false, threads: 1 })).toBe('WASM');
  });

  it('labels the other backends as before, and WASM without a known flavour plainly', () => {
    expect(backendLabel('webgl')).toBe('WEBGL');
    expect(backendLabel('cpu', null)).toBe('CPU');
    expect(backendLabel('wasm', null)).toBe('WASM');
    expect(backendLabel('wasm', { simd: true, multithreaded: true, threads: 2 })).toBe('WASM SIMD + 2 threads');
  });

  it.each([
    [undefined, 1],
    [Number.NaN, 1],
    [1, 1],
    [2, 1],
    [4, 2],
    [6, 3],
    [8, MAX_WASM_THREADS],
    [64, MAX_WASM_THREADS],
  ])('hardwareConcurrency %s gives %i thread(s): one per physical core, capped', (cores, threads) => {
    expect(wasmThreadsFor(cores)).toBe(threads);
  });
});
