// `npm run predict -- --calibrate` and `--thresholds` as a user runs them: spawned through tsx on a labelled
// folder built from the fixture radiographs, reading the real exported models. The labels are assigned here
// for the test (they are not the images' truth); what is checked is that the CLI's figures are the pipeline's.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aucOf, type ScoredCase } from '../../src/pipeline/roc';
import { studyProbability } from '../../src/pipeline/study';
import { parseManifestText, type Manifest } from '../../src/pipeline/manifest';
import { parseSiteThresholdsText } from '../../src/pipeline/site-thresholds';
import { predict } from './support/cli';
import { FIXTURE_IMAGES, MODELS_DIR, MODELS_MISSING_REASON, REPO_ROOT, modelsPresent } from './support/models';

const GOLDEN = join(REPO_ROOT, 'test', 'fixtures', 'golden');
/** Fixture images put in abnormal/ and normal/ folders: two of each supported part, and two no model part reads. */
const LABELLED = {
  abnormal: ['00-elbow.png', '02-hand.png', '05-shoulder.png', '06-shoulder.png'],
  normal: ['01-elbow.png', '03-hand.png', '04-shoulder.png', '07-shoulder.png', '08-leg.png', '09-notxray.png'],
};

interface Row {
  file: string;
  bodyPart: string | null;
  abnormalProbability: number | null;
  decision: string;
  thresholds?: string;
}

const rowsOf = (stdout: string): Row[] => stdout.trim().split('\n').map((line) => JSON.parse(line));

describe('predict CLI: calibration usage errors', () => {
  it('refuses --write-thresholds without --calibrate, and --csv with it', async () => {
    const write = await predict('--write-thresholds', 'site.json', GOLDEN);
    expect(write.code).toBe(2);
    expect(write.stderr).toContain('--write-thresholds needs --calibrate');
    const csv = await predict('--calibrate', '--csv', GOLDEN);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain('--csv does not go with --calibrate');
  });

  it('refuses a rule that is not a percentage', async () => {
    const run = await predict('--calibrate', '--abnormal-right', '120', GOLDEN);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--abnormal-right must be a percentage from 0 to 100 (got "120")');
  });
});

describe.skipIf(!modelsPresent)(modelsPresent ? 'predict CLI --calibrate and --thresholds (real models)' : `predict CLI calibration [${MODELS_MISSING_REASON}]`, () => {
  let folder: string;
  let labelled: string;
  let manifest: Manifest;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'bonelens-calibrate-'));
    labelled = join(folder, 'labelled');
    for (const [label, files] of Object.entries(LABELLED)) {
      mkdirSync(join(labelled, label), { recursive: true });
      for (const file of files) copyFileSync(join(GOLDEN, file), join(labelled, label, file));
    }
    manifest = parseManifestText(readFileSync(join(MODELS_DIR, 'manifest.json'), 'utf8'));
  });

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('prints per-part figures whose AUC is the pipeline’s on the same images, and writes site thresholds', async () => {
    const thresholdsFile = join(folder, 'site.json');
    const calibration = await predict('--backend', 'cpu', '--calibrate', labelled, '--write-thresholds', thresholdsFile);
    expect(calibration.code, calibration.stderr).toBe(0);
    const figures = JSON.parse(calibration.stdout);
    expect(figures.modelVersion).toBe(manifest.version);

    // the same images through a plain run, labelled by their folder, give the AUC the pipeline computes
    const plain = await predict('--backend', 'cpu', labelled);
    expect(plain.code, plain.stderr).toBe(0);
    const rows = rowsOf(plain.stdout);
    const assessed = rows.filter((r) => r.bodyPart !== null);
    const parts = manifest.bodyPart.supported.filter((part) => assessed.some((r) => r.bodyPart === part));
    expect(figures.parts.map((p: { part: string }) => p.part)).toEqual(parts);
    for (const part of figures.parts) {
      const cases: ScoredCase[] = assessed
        .filter((r) => r.bodyPart === part.part)
        .map((r) => ({ probability: r.abnormalProbability!, abnormal: r.file.includes('/abnormal/') }));
      expect(part.images.counts).toEqual({ normal: cases.filter((c) => !c.abnormal).length, abnormal: cases.filter((c) => c.abnormal).length });
      expect(part.images.auc).toBe(aucOf(cases));
      expect(part.shipped).toEqual(manifest.thresholds[part.part]);
      // a handful of cases: each part is warned about
      expect(part.warnings.length).toBeGreaterThan(0);
    }
    expect(figures.notAssessed.unsupported + figures.notAssessed.failed).toBe(rows.length - assessed.length);
    expect(calibration.stderr).toContain(`site thresholds written to ${thresholdsFile}`);

    const site = parseSiteThresholdsText(readFileSync(thresholdsFile, 'utf8'));
    expect(site.modelVersion).toBe(manifest.version);
    expect(Object.keys(site.parts)).toEqual(parts);
    for (const part of figures.parts) expect(site.parts[part.part].cases).toEqual(part.images.counts);
  });

  it("reads MURA's layout (studies: mean of views) and a labels CSV beside flat images", async () => {
    const mura = join(folder, 'MURA', 'valid', 'XR_ELBOW');
    const positive = join(mura, 'patient00001', 'study1_positive');
    const negative = join(mura, 'patient00002', 'study1_negative');
    mkdirSync(positive, { recursive: true });
    mkdirSync(negative, { recursive: true });
    copyFileSync(join(GOLDEN, '00-elbow.png'), join(positive, 'image1.png'));
    copyFileSync(join(GOLDEN, '01-elbow.png'), join(positive, 'image2.png'));
    copyFileSync(join(FIXTURE_IMAGES, 'elbow_fracatlas_IMG0002519.jpg'), join(negative, 'image1.jpg'));
    const flat = join(folder, 'flat');
    mkdirSync(flat);
    for (const file of ['02-hand.png', '03-hand.png']) copyFileSync(join(GOLDEN, file), join(flat, file));
    writeFileSync(join(flat, 'labels.csv'), 'file,label,body_part\n02-hand.png,abnormal,hand\n03-hand.png,normal,hand\n');

    const plain = rowsOf((await predict('--backend', 'cpu', join(folder, 'MURA'), flat)).stdout);

    const muraRun = await predict('--backend', 'cpu', '--calibrate', join(folder, 'MURA'));
    expect(muraRun.code, muraRun.stderr).toBe(0);
    const muraParts: { part: string; images: { counts: unknown }; studies: { counts: unknown; auc: number | null } | null }[] = JSON.parse(muraRun.stdout).parts;
    // expected from the plain rows: each MURA study folder is a study, its probability the mean of its views
    const muraRows = plain.filter((r) => r.file.includes('XR_ELBOW') && r.bodyPart !== null);
    expect(muraParts.map((p) => p.part)).toEqual([...new Set(muraRows.map((r) => r.bodyPart))].sort((a, b) => manifest.bodyPart.supported.indexOf(a!) - manifest.bodyPart.supported.indexOf(b!)));
    for (const part of muraParts) {
      const rows = muraRows.filter((r) => r.bodyPart === part.part);
      const abnormal = (r: Row) => r.file.includes('_positive');
      expect(part.images.counts).toEqual({ normal: rows.filter((r) => !abnormal(r)).length, abnormal: rows.filter(abnormal).length });
      const studyOf = (r: Row) => r.file.slice(0, r.file.lastIndexOf('/'));
      const studies: ScoredCase[] = [...new Set(rows.map(studyOf))].map((study) => {
        const views = rows.filter((r) => studyOf(r) === study);
        return { probability: studyProbability(views.map((r) => r.abnormalProbability!)), abnormal: views.some(abnormal) };
      });
      expect(part.studies!.counts).toEqual({ normal: studies.filter((c) => !c.abnormal).length, abnormal: studies.filter((c) => c.abnormal).length });
      expect(part.studies!.auc).toBe(aucOf(studies));
    }

    const csv = await predict('--backend', 'cpu', '--calibrate', flat);
    expect(csv.code, csv.stderr).toBe(0);
    const csvParts: { part: string; images: { counts: unknown }; studies: unknown }[] = JSON.parse(csv.stdout).parts;
    const flatRows = plain.filter((r) => r.file.startsWith(flat) && r.bodyPart !== null);
    expect(csvParts.length).toBeGreaterThan(0);
    for (const part of csvParts) {
      const rows = flatRows.filter((r) => r.bodyPart === part.part);
      // labelled by the CSV: 02-hand abnormal, 03-hand normal
      expect(part.images.counts).toEqual({ normal: rows.filter((r) => r.file.endsWith('03-hand.png')).length, abnormal: rows.filter((r) => r.file.endsWith('02-hand.png')).length });
      expect(part.studies).toBeNull();
    }
  });

  it('with --thresholds low = high = 0.5 for every part, leaves no uncertain row and says site thresholds are in use', async () => {
    const thresholdsFile = join(folder, 'half.json');
    const parts = Object.fromEntries(manifest.bodyPart.supported.map((part) => [part, { low: 0.5, high: 0.5, cases: { normal: 0, abnormal: 0 } }]));
    writeFileSync(thresholdsFile, JSON.stringify({ format: 'bonelens-site-thresholds', version: 1, modelVersion: manifest.version, createdAt: new Date().toISOString(), parts }));
    const run = await predict('--backend', 'cpu', '--thresholds', thresholdsFile, labelled);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('site thresholds in use');
    const rows = rowsOf(run.stdout);
    expect(rows).toHaveLength(Object.values(LABELLED).flat().length);
    expect(rows.filter((r) => r.decision === 'uncertain')).toEqual([]);
    for (const row of rows.filter((r) => r.bodyPart !== null)) {
      expect(row.decision).toBe(row.abnormalProbability! >= 0.5 ? 'abnormal' : 'normal');
      expect(row.thresholds).toBe('site');
    }
    for (const row of rows.filter((r) => r.bodyPart === null)) expect(row).not.toHaveProperty('thresholds');

    const csv = await predict('--backend', 'cpu', '--csv', '--thresholds', thresholdsFile, join(labelled, 'abnormal', '00-elbow.png'));
    const [header, line] = csv.stdout.trim().split('\n');
    expect(header.endsWith(',thresholds')).toBe(true);
    expect(line.endsWith(',site')).toBe(true);
  });

  it('refuses a malformed thresholds file, or one made for other models, saying why (exit status 2)', async () => {
    const bad = join(folder, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'bonelens-site-thresholds', version: 1, modelVersion: manifest.version, createdAt: '2026-12-06T10:00:00Z', parts: { elbow: { low: 0.7, high: 0.2, cases: { normal: 1, abnormal: 1 } } } }));
    const malformed = await predict('--thresholds', bad, labelled);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain(`--thresholds ${bad}: parts.elbow.low must not be above high`);
    expect(malformed.stdout).toBe('');

    const other = join(folder, 'other-model.json');
    writeFileSync(other, JSON.stringify({ format: 'bonelens-site-thresholds', version: 1, modelVersion: 'not-these-models', createdAt: '2026-12-06T10:00:00Z', parts: { elbow: { low: 0.2, high: 0.7, cases: { normal: 1, abnormal: 1 } } } }));
    const mismatch = await predict('--backend', 'cpu', '--thresholds', other, labelled);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain(`modelVersion is "not-these-models" but the models are version "${manifest.version}"`);
    expect(mismatch.stdout).toBe('');
  });
});
