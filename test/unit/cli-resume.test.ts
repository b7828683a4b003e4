// Batch at scale: resuming an interrupted run (--out FILE --resume) and progress on stderr. The parsing of an
// interrupted output and the progress line are tested directly; the CLI itself on real fixture images.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from '../../cli/args';
import { Progress, formatDuration, progressLine } from '../../cli/progress';
import { firstCsvField, resumePoint } from '../../cli/resume';
import { predict } from './support/cli';
import { FIXTURES, FIXTURE_IMAGES, MODELS_MISSING_REASON, modelsPresent } from './support/models';

const bytes = (text: string) => new TextEncoder().encode(text);
const row = (file: string, decision = 'normal') => JSON.stringify({ file, decision });

describe('resumePoint: what an interrupted output already holds', () => {
  it('keeps complete JSON rows and drops a cut-off last line', () => {
    const complete = `${row('a.png')}\n${row('b.png')}\n`;
    const point = resumePoint(bytes(`${complete}{"file":"c.pn`), false);
    expect([...point.done]).toEqual(['a.png', 'b.png']);
    expect(point.keepBytes).toBe(bytes(complete).length);
    expect(point.rows).toBe(2);
    expect(point.dropped).toBe('{"file":"c.pn');
    expect(resumePoint(bytes(complete), false).dropped).toBeUndefined();
    expect(resumePoint(new Uint8Array(), false)).toMatchObject({ rows: 0, keepBytes: 0 });
  });

  it('redoes a multi-frame file whose rows were cut, and counts a finished one as done', () => {
    const before = `${row('a.png')}\n${row('multi.dcm#1')}\n${row('multi.dcm#2')}\n`;
    const cut = resumePoint(bytes(`${before}{"file":"multi.dcm#3","bo`), false);
    expect([...cut.done]).toEqual(['a.png']);
    expect(cut.keepBytes).toBe(bytes(`${row('a.png')}\n`).length);
    const whole = resumePoint(bytes(before), false);
    expect([...whole.done]).toEqual(['a.png', 'multi.dcm']);
  });

  it('reads CSV, header and quoted file names included', () => {
    const csv = 'file,width,height\n"x, ""quoted"".png",1,2\nplain.jpg,3,4\npart';
    const point = resumePoint(bytes(csv), true);
    expect(point.hasHeader).toBe(true);
    expect([...point.done]).toEqual(['x, "quoted".png', 'plain.jpg']);
    expect(point.keepBytes).toBe(bytes(csv).length - 4);
    expect(firstCsvField('"a,b",c')).toBe('a,b');
  });

  it('refuses an output of the other format, rather than redoing everything', () => {
    expect(() => resumePoint(bytes('file,width\na.png,1\n'), false)).toThrow(/line 1 of the output is not a JSON row.*same --csv/);
  });

  it('needs --out', () => {
    expect(() => parseCliArgs(['--resume', 'x'])).toThrow(UsageError);
    expect(parseCliArgs(['--resume', '--out', 'r.jsonl', 'x'])).toMatchObject({ resume: true, out: 'r.jsonl' });
    expect(parseCliArgs(['--files-from', 'list.txt'])).toMatchObject({ paths: [], filesFrom: ['list.txt'] });
  });
});

describe('progress on stderr', () => {
  it('says files done of total, images per second and the time left', () => {
    expect(progressLine({ done: 123, total: 4567, filesThisRun: 100, imagesThisRun: 123, seconds: 10 })).toBe(
      '123/4567 files, 12.3 img/s, ETA 7m',
    );
    expect(progressLine({ done: 5, total: 5, filesThisRun: 5, imagesThisRun: 5, seconds: 1 })).toBe('5/5 files, 5.0 img/s, done');
    expect([formatDuration(42), formatDuration(300), formatDuration(3 * 3600 + 5 * 60)]).toEqual(['42s', '5m', '3h 05m']);
  });

  it('is throttled: once a second on a terminal, every ten seconds in a log', () => {
    let clock = 0;
    const lines: string[] = [];
    const progress = new Progress(100, 10, (text) => lines.push(text), false, () => clock);
    for (let i = 0; i < 30; i++) {
      clock += 1000;
      progress.fileDone(1);
    }
    progress.finish();
    expect(lines).toHaveLength(4); // at 1 s, 11 s, 21 s, and the closing line
    expect(lines.at(-1)).toBe('40/100 files, 1.0 img/s, ETA 1m\n');
    const tty: string[] = [];
    const onTerminal = new Progress(10, 0, (text) => tty.push(text), true, () => clock);
    onTerminal.fileDone(1);
    onTerminal.fileDone(1);
    expect(tty).toHaveLength(1);
    expect(tty[0]).toMatch(/^\r1\/10 files, .*\x1b\[K$/);
  });
});

const describeWithModels = modelsPresent ? describe : describe.skip;

describeWithModels(modelsPresent ? 'predict --out --resume on real images' : `predict --resume [${MODELS_MISSING_REASON}]`, () => {
  let folder: string;
  const names = FIXTURES.slice(0, 3).map((f) => f.name).sort();
  const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'bonelens-resume-'));
    for (const name of names) copyFileSync(join(FIXTURE_IMAGES, name), join(folder, name));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('skips the files already in the output, redoes a cut-off last line, and appends the rest', async () => {
    const full = join(folder, 'full.jsonl');
    const first = await predict('--backend', 'cpu', '--out', full, '--progress', folder);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('');
    expect(first.stderr).toMatch(/3\/3 files, [\d.]+ img\/s, done/);
    const fresh = lines(full);
    expect(fresh.map((line) => JSON.parse(line).file)).toEqual(names.map((name) => join(folder, name)));

    // an interrupted run: the first file done (a recognisable stand-in row), the second cut mid-line
    const resumed = join(folder, 'resumed.jsonl');
    const standIn = JSON.stringify({ file: join(folder, names[0]), decision: 'stand-in: must be kept, not redone' });
    writeFileSync(resumed, `${standIn}\n${fresh[1].slice(0, 25)}`);
    const run = await predict('--backend', 'cpu', '--out', resumed, '--resume', folder);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`resuming ${resumed}: 1 file already done (1 rows); its cut-off last line is redone`);
    expect(run.stderr).toContain('1 file(s) skipped');
    expect(lines(resumed)).toEqual([standIn, fresh[1], fresh[2]]);

    // resuming a finished run does nothing
    const again = await predict('--backend', 'cpu', '--out', resumed, '--resume', folder);
    expect(again.code, again.stderr).toBe(0);
    expect(lines(resumed)).toEqual([standIn, fresh[1], fresh[2]]);
  });

  it('takes its files from a list (--files-from), a missing one becoming an error row', async () => {
    const list = join(folder, 'list.txt');
    writeFileSync(list, `${join(folder, names[0])}\n\n${join(folder, 'gone.png')}\n`);
    const out = join(folder, 'listed.csv');
    const run = await predict('--backend', 'cpu', '--csv', '--out', out, '--files-from', list);
    expect(run.code, run.stderr).toBe(0);
    const [header, ...rows] = lines(out);
    expect(header.startsWith('file,')).toBe(true);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain('gone.png');
    expect(rows[1]).toContain('no such file');
  });
});
