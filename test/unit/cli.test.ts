// The predict CLI as a user runs it: spawned through tsx on real files, reading the real exported models.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyPartClasses, parseManifestText } from '../../src/pipeline/manifest';
import { predict } from './support/cli';
import { FIXTURES, FIXTURE_IMAGES, MODELS_DIR, MODELS_MISSING_REASON, REPO_ROOT, modelsPresent } from './support/models';

describe('predict CLI usage errors (exit status 2, message on stderr)', () => {
  it('refuses to run without files', async () => {
    const run = await predict();
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no files or folders given');
    expect(run.stdout).toBe('');
  });

  it('refuses an unknown flag and an unknown backend', async () => {
    const flag = await predict('--fast', FIXTURE_IMAGES);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--fast'");
    const backend = await predict('--backend', 'gpu', FIXTURE_IMAGES);
    expect(backend.code).toBe(2);
    expect(backend.stderr).toContain('--backend must be one of wasm, cpu');
  });

  it('refuses a path that does not exist, naming it', async () => {
    const run = await predict(join(FIXTURE_IMAGES, 'no-such-scan.png'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no such file or folder');
    expect(run.stderr).toContain('no-such-scan.png');
  });

  it('prints its usage for --help and exits 0', async () => {
    const run = await predict('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: npm run predict');
  });
});

const describeWithModels = modelsPresent ? describe : describe.skip;

describeWithModels(modelsPresent ? 'predict CLI on a folder (real models)' : `predict CLI on a folder [${MODELS_MISSING_REASON}]`, () => {
  let folder: string;
  let bodyClasses: string[];
  const good = FIXTURES[0].name;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'bonelens-cli-'));
    mkdirSync(join(folder, 'nested', 'deeper'), { recursive: true });
    copyFileSync(join(FIXTURE_IMAGES, good), join(folder, good));
    copyFileSync(join(FIXTURE_IMAGES, FIXTURES[1].name), join(folder, 'nested', 'deeper', FIXTURES[1].name));
    writeFileSync(join(folder, 'zero.png'), '');
    writeFileSync(join(folder, 'notes.png'), 'this is a text file with a .png name\n');
    const jpeg = readFileSync(join(FIXTURE_IMAGES, good));
    writeFileSync(join(folder, 'truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1));
    writeFileSync(join(folder, 'readme.txt'), 'not an image, not picked up from a folder');
    const manifest = parseManifestText(readFileSync(join(MODELS_DIR, 'manifest.json'), 'utf8'));
    bodyClasses = bodyPartClasses(manifest);
  });

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('prints one JSON row per image, walking folders, with error rows for bad files, and exits 0', async () => {
    const run = await predict('--backend', 'cpu', folder);
    expect(run.code, run.stderr).toBe(0);
    const rows = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const byName = new Map(rows.map((r) => [r.file.slice(folder.length + 1), r]));
    expect([...byName.keys()].sort()).toEqual(
      [good, `nested/deeper/${FIXTURES[1].name}`, 'notes.png', 'truncated.jpg', 'zero.png'].sort(),
    );

    for (const row of rows) {
      expect(Object.keys(row)).toEqual(expect.arrayContaining([
        'file', 'bodyPart', 'bodyPartProbabilities', 'abnormalProbability', 'decision', 'error', 'width', 'height',
      ]));
      expect(row).not.toHaveProperty('heatmap');
    }

    const image = byName.get(good);
    expect([image.width, image.height]).toEqual([FIXTURES[0].width, FIXTURES[0].height]);
    expect(Object.keys(image.bodyPartProbabilities)).toEqual(bodyClasses);
    expect(['normal', 'uncertain', 'abnormal', 'unsupported']).toContain(image.decision);
    if (image.decision === 'unsupported') expect(image.abnormalProbability).toBeNull();
    else expect(image.abnormalProbability).toBeGreaterThanOrEqual(0);

    expect(byName.get('zero.png')).toMatchObject({ decision: 'error', error: 'empty file', abnormalProbability: null });
    expect(byName.get('notes.png')).toMatchObject({ decision: 'error', error: 'not an image (unrecognised bytes)' });
    expect(byName.get('truncated.jpg').decision).toBe('error');
    expect(byName.get('truncated.jpg').error).toMatch(/^corrupt JPEG: /);
  });

  it('prints CSV with a header, a p_<class> column per body-part class, probabilities to 4 decimals, no size for an unreadable file', async () => {
    const run = await predict('--csv', '--backend', 'cpu', join(folder, good), join(folder, 'zero.png'));
    expect(run.code, run.stderr).toBe(0);
    const [header, ...rows] = run.stdout.trim().split('\n');
    expect(header.split(',')).toEqual([
      'file', 'width', 'height', 'bodyPart', ...bodyClasses.map((c) => `p_${c}`), 'abnormalProbability', 'decision', 'error',
      'headerBodyPart', 'reason',
    ]);
    expect(rows).toHaveLength(2);
    const image = rows[0].split(',');
    expect(image[0]).toBe(join(folder, good));
    const probabilities = image.slice(4, 4 + bodyClasses.length);
    for (const p of probabilities) expect(p).toMatch(/^(0|1|0\.\d{1,4})$/);
    expect(probabilities.map(Number).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(rows[1]).toBe(`${join(folder, 'zero.png')},,,${','.repeat(bodyClasses.length)},,error,empty file,,`);
  });

  it('adds the heatmap only when asked, on the default (wasm) backend', async () => {
    const run = await predict('--heatmap', join(folder, good));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/backend (wasm|cpu)/);
    const row = JSON.parse(run.stdout.trim());
    expect(row.heatmap.values).toHaveLength(row.heatmap.size ** 2);
    expect(Math.min(...row.heatmap.values)).toBe(0);
    expect(Math.max(...row.heatmap.values)).toBe(1);
  });
});

const DICOM_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'dicom');
const MULTIFRAME = 'hand8_multiframe_explicit_le.dcm';
const SINGLE_FRAME = 'hand8_explicit_le.dcm';
const NON_IMAGE_DICOM = 'report_basic_text_sr.dcm';
/** 128-byte preamble + "DICM": what a dataset written without the Part 10 header lacks */
const PART10_PREFIX = 132;
const dicomFixturesPresent = [MULTIFRAME, SINGLE_FRAME, NON_IMAGE_DICOM].every((f) => existsSync(join(DICOM_FIXTURES, f)));
const dicomSkip = !modelsPresent ? MODELS_MISSING_REASON : !dicomFixturesPresent ? 'skipped: test/fixtures/dicom fixtures missing' : '';

describe.skipIf(dicomSkip !== '')(`predict CLI on DICOM${dicomSkip && ` [${dicomSkip}]`}`, () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'bonelens-cli-dicom-'));
    copyFileSync(join(DICOM_FIXTURES, MULTIFRAME), join(folder, 'IM0001'));
    copyFileSync(join(DICOM_FIXTURES, NON_IMAGE_DICOM), join(folder, NON_IMAGE_DICOM));
    writeFileSync(join(folder, 'NOPREAMBLE'), readFileSync(join(DICOM_FIXTURES, SINGLE_FRAME)).subarray(PART10_PREFIX));
    writeFileSync(join(folder, 'NOTES'), 'an extension-less text file: not DICOM, so not picked up');
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('finds extension-less DICOM by content (with or without preamble), one row per frame (file#frame), an error row for a report', async () => {
    const run = await predict('--backend', 'cpu', folder);
    expect(run.code, run.stderr).toBe(0);
    const rows = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const names = rows.map((r) => r.file.slice(folder.length + 1));
    const frames = names.filter((n) => n.startsWith('IM0001#'));
    expect(frames.length).toBeGreaterThan(1);
    expect(frames).toEqual(frames.map((_, i) => `IM0001#${i + 1}`));
    for (const row of rows.filter((r) => r.file.includes('IM0001#'))) {
      expect(row.decision).not.toBe('error');
      expect(row.width).toBeGreaterThan(0);
    }
    const report = rows.find((r) => r.file.endsWith(NON_IMAGE_DICOM));
    expect(report.decision).toBe('error');
    expect(report.error).toBeTruthy();
    expect(names).not.toContain('NOTES');
    const bare = rows.find((r) => r.file.endsWith('NOPREAMBLE'));
    expect(bare.decision).not.toBe('error');
    expect(bare.width).toBeGreaterThan(0);
  });
});
