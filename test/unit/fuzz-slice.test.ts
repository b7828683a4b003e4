// A fixed-seed slice of the decoder fuzzer (npm run fuzz runs 10,000): 200 mutants of the committed fixtures and
// 40 decompression bombs built from them, each decoded through the CLI's decode path in a child process with a time
// limit and a memory cap. Any crash, hang, runaway allocation or unclear error (an engine's or a library's wording
// included) fails the test with the mutant's recipe to reproduce it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeError, judgeFrames, LIBRARY_WORDING } from '../../scripts/fuzz/classify';
import { mutant } from '../../scripts/fuzz/mutate';
import { formatSummary, loadSources, REPO_ROOT, runFuzz } from '../../scripts/fuzz/run';

describe('decoder fuzzing', () => {
  it('classifies engine errors and leaked internals as unclear, human messages as clear', () => {
    expect(judgeError(new RangeError('Invalid typed array length: -1')).outcome).toBe('unclear-error');
    expect(judgeError(new TypeError("Cannot read properties of undefined (reading 'length')")).outcome).toBe('unclear-error');
    expect(judgeError(new Error('the jpeg2000 codec could not decode the pixel data: memory access out of bounds')).outcome).toBe('unclear-error');
    expect(judgeError('dicomParser.readFixedString: attempt to read past end of buffer').outcome).toBe('unclear-error');
    expect(judgeError(new Error('truncated DICOM file: it ends in the middle of an element'))).toEqual({
      outcome: 'clear-error',
      message: 'truncated DICOM file: it ends in the middle of an element',
    });
    expect(judgeFrames([{ width: 2, height: 2, data: new Uint8Array(3) }]).outcome).toBe('unclear-error');
  });

  it("classifies a library's own wording as unclear: the message must say what is wrong with the file", () => {
    for (const message of [
      'corrupt PNG: vipspng: libpng read error',
      'corrupt PNG: Input buffer has corrupt header',
      'the deflated dataset is corrupt and cannot be inflated (Invalid typed array length: 4809082368)',
      'the openjpeg codec returned 12 bytes for a 512x512 frame',
    ]) {
      expect(judgeError(new Error(message)).outcome, message).toBe('unclear-error');
    }
    expect(judgeError(new Error('corrupt PNG: the image data is damaged and cannot be decoded')).outcome).toBe('clear-error');
  });

  it('mutants are a pure function of seed and index', async () => {
    const sources = await loadSources({ shared: false });
    const a = mutant(7, 123, sources);
    const b = mutant(7, 123, sources);
    expect(b.steps).toEqual(a.steps);
    expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    expect(mutant(7, 124, sources).steps).not.toEqual(a.steps);
  });

  it('200 mutants of the fixtures (seed 20261202): every one decodes or fails with a clear error', async () => {
    const sources = await loadSources({ shared: false });
    const summary = await runFuzz({ seed: 20261202, count: 200, jobs: 2, timeoutMs: 15_000, sources });
    expect(summary.total).toBe(200);
    expect(summary.failures, formatSummary(summary)).toEqual([]);
    expect(summary.counts.decoded + summary.counts['clear-error']).toBe(200);
    const libraryWorded = summary.clearErrors.filter(([message]) => LIBRARY_WORDING.test(message));
    expect(libraryWorded).toEqual([]);
  }, 90_000);

  it('40 decompression bombs (deflate, RLE, PNG, nested sequences; seed 20261206): each refused or decoded within the caps, in plain words', async () => {
    const sources = await loadSources({ shared: false });
    // 1 GB resident at the most: a deflated dataset is held whole (up to the 512 MB limit) while it is inflated
    const summary = await runFuzz({ seed: 20261206, count: 40, jobs: 2, timeoutMs: 15_000, memoryLimitMb: 1024, sources, bombs: true });
    expect(summary.failures, formatSummary(summary)).toEqual([]);
    expect(summary.counts.decoded + summary.counts['clear-error']).toBe(40);
    const messages = summary.clearErrors.map(([message]) => message);
    expect(messages.filter((message) => LIBRARY_WORDING.test(message))).toEqual([]);
    // the bombs' own limits, not some other failure along the way
    expect(messages.some((message) => message.startsWith('the deflated dataset expands past # MB; the limit is # MB'))).toBe(true);
    expect(messages.some((message) => message.startsWith('sequences nested too deeply'))).toBe(true);
    expect(messages.some((message) => message.startsWith('image too large'))).toBe(true);
  }, 120_000);

  it('the harness catches a hang, a crash, runaway memory and an unclear error, and carries on', async () => {
    const sources = await loadSources({ shared: false });
    const childModule = join(REPO_ROOT, 'test', 'unit', 'support', 'fuzz-misbehaving-child.ts');
    const hang = await runFuzz({ seed: 1, count: 0, only: [0, 5], timeoutMs: 2000, sources, childModule });
    expect(hang.failures.map((f) => [f.index, f.outcome])).toEqual([[0, 'timeout']]);
    const summary = await runFuzz({ seed: 1, count: 0, only: [1, 2, 3, 4], timeoutMs: 30_000, memoryLimitMb: 250, sources, childModule });
    // the memory cap needs /proc to watch a process from outside; elsewhere the V8 heap cap is the only guard
    const memory = existsSync('/proc/self/statm') ? 'memory' : 'crash';
    expect(summary.failures.map((f) => [f.index, f.outcome])).toEqual([[1, 'crash'], [2, memory], [3, 'unclear-error']]);
    expect(summary.counts.decoded).toBe(1);
  }, 90_000);
});
