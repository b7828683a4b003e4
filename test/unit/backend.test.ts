import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOFTWARE_WEBGL_NOTE, startBackend } from '../../src/models/backend';
import { isSoftwareRenderer, webglRenderer } from '../../src/models/webgl-renderer';

const wasmFolder = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));

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
    });
  });

  it("'auto' with a GPU (or no WebGL) adds no note; Node has no WebGL, so it lands on WASM", async () => {
    expect(await startBackend('auto', wasmFolder, () => 'Apple M1')).toEqual({ backend: 'wasm' });
  });

  it('an explicit choice never looks at the renderer', async () => {
    const renderer = () => {
      throw new Error('read the renderer for an explicit choice');
    };
    expect(await startBackend('cpu', wasmFolder, renderer)).toEqual({ backend: 'cpu' });
  });
});
