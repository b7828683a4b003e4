// Whether this device's WebGL is drawn by a software rasteriser (SwiftShader, llvmpipe, ...). TF.js on such a
// WebGL is an order of magnitude slower than on WASM (measured: 690 vs 36 ms per image), so the automatic
// backend choice skips it. Pure apart from the throwaway context; no TF.js import, so tests can use it too.

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|software|softpipe/i;

/** True for a renderer string naming a software rasteriser; null (unknown renderer) is not one. */
export function isSoftwareRenderer(renderer: string | null): boolean {
  return renderer !== null && SOFTWARE_RENDERER.test(renderer);
}

interface ThrowawayCanvas {
  getContext(kind: 'webgl2' | 'webgl'): unknown;
}

function throwawayCanvas(): ThrowawayCanvas | null {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(1, 1);
  if (typeof document !== 'undefined') return document.createElement('canvas');
  return null;
}

/**
 * The (unmasked, where the browser allows it) WebGL renderer, read from a throwaway context that is released
 * at once; null where there is no WebGL at all (Node, a blocked GPU).
 */
export function webglRenderer(): string | null {
  const canvas = throwawayCanvas();
  if (!canvas) return null;
  for (const kind of ['webgl2', 'webgl'] as const) {
    let gl: WebGLRenderingContext | null = null;
    try {
      gl = canvas.getContext(kind) as WebGLRenderingContext | null;
    } catch {
      gl = null;
    }
    if (!gl) continue;
    try {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const renderer: unknown = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
      return typeof renderer === 'string' ? renderer : null;
    } finally {
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  }
  return null;
}
