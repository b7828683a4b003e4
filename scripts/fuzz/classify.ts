// How the fuzzer judges one decode: an image, a clear error (an Error whose message a person can act on),
// or an unclear one (a TypeError or RangeError from deep inside, a WASM trap, a message that leaks internals).

export type Outcome = 'decoded' | 'clear-error' | 'unclear-error' | 'timeout' | 'crash' | 'memory';

export const FAILURES: readonly Outcome[] = ['unclear-error', 'timeout', 'crash', 'memory'];

/** Built-in error types: thrown by the engine, not by code that explains the problem. */
const ENGINE_ERRORS = new Set([
  'TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'EvalError', 'URIError', 'AggregateError', 'InternalError',
  'RuntimeError', 'CompileError', 'LinkError',
]);

/**
 * A library's or a codec's own words: names of libraries and their internals (libvips, libpng, Emscripten, typed
 * arrays), which say nothing about the file to the person who chose it.
 */
export const LIBRARY_WORDING =
  /vips|libpng|libjpeg|libwebp|libspng|giflib|openjpeg|charls|fflate|emscripten|\bwasm\b|typed ?array|input buffer|\bcodec\b|\bSIZ\b|\bSOI\b|\bSOF\d*\b|huffman|\bheap\b|\bbuffer\b/i;

/** Phrases that only an engine, a codec's internals or a careless template produce. */
const INTERNAL_PHRASES =
  /invalid typed array length|invalid array length|array buffer allocation failed|cannot read propert|cannot set propert|is not a function|is not defined|is not iterable|is not a constructor|out of bounds|offset is outside|outside the bounds|maximum call stack|out of memory|\[object \w+\]|\bNaN\b|\bInfinity\b|: undefined\b|\bcode -?\d+$|abort\(|aborted\(|unreachable|memory access|dicomParser|parameter '|^\s*$/i;

export interface Judgement {
  outcome: 'decoded' | 'clear-error' | 'unclear-error';
  message: string;
}

export function judgeError(thrown: unknown): Judgement {
  if (!(thrown instanceof Error)) {
    return { outcome: 'unclear-error', message: `non-Error thrown: ${typeof thrown} ${String(thrown).slice(0, 200)}` };
  }
  const message = thrown.message;
  const name = thrown.constructor?.name ?? thrown.name;
  if (ENGINE_ERRORS.has(name) || ENGINE_ERRORS.has(thrown.name)) return { outcome: 'unclear-error', message: `${name}: ${message}` };
  if (INTERNAL_PHRASES.test(message) || LIBRARY_WORDING.test(message)) return { outcome: 'unclear-error', message: `${name}: ${message}` };
  return { outcome: 'clear-error', message };
}

interface Frame {
  width: number;
  height: number;
  data: { length: number };
}

/** A decode that returned: it must be at least one consistent 8-bit frame. */
export function judgeFrames(frames: readonly Frame[]): Judgement {
  if (frames.length === 0) return { outcome: 'unclear-error', message: 'decoded to no frames without an error' };
  for (const frame of frames) {
    const { width, height, data } = frame;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || data.length !== width * height) {
      return { outcome: 'unclear-error', message: `decoded to an inconsistent frame ${width}x${height} with ${data.length} values` };
    }
  }
  const size = `${frames[0].width}x${frames[0].height}`;
  return { outcome: 'decoded', message: frames.length > 1 ? `${frames.length} frames of ${size}` : size };
}

/** A message with its numbers blanked, to group similar errors in the summary. */
export function messageKind(message: string): string {
  return message.replace(/0x[0-9a-f]+/gi, '#').replace(/\d+(\.\d+)?/g, '#').slice(0, 140);
}
