// The whole model path on a tiny budget: train (64 images, 1 epoch) -> evaluate -> export -> the CLI loads
// the exported graphs in TF.js and predicts. Proves a retrain produces something the app can run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PYTHON, torchAvailable } from './python';

const SHARED_XRAY = '../shared/data/xray';
const RUN = 'smoke-test';
const work = mkdtempSync(join(tmpdir(), 'bonelens-smoke-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ready = torchAvailable() && existsSync(SHARED_XRAY);
if (!existsSync(SHARED_XRAY)) console.warn(`skipping the training smoke run: ${SHARED_XRAY} is absent`);

describe.skipIf(!ready)('a smoke retrain', () => {
  it('trains, evaluates and exports models that the CLI loads and runs', () => {
    const py = (args: string[]) => execFileSync(PYTHON, args, { stdio: 'pipe', timeout: 240_000 }).toString();
    expect(py(['training/train.py', '--limit', '64', '--epochs', '1', '--trunk-views', '1', '--run', RUN,
      '--runs', join(work, 'runs')])).toMatch(/wrote .*final\.pt/);
    py(['training/evaluate.py', '--run', RUN, '--runs', join(work, 'runs'), '--reports', join(work, 'reports'), '--bootstrap', '20']);
    const report = JSON.parse(readFileSync(join(work, 'reports', 'report.json'), 'utf8'));
    expect(report.bodypart.classes).toEqual(['elbow', 'hand', 'shoulder', 'other_xray', 'not_xray']);
    py(['training/export.py', '--run', RUN, '--runs', join(work, 'runs'), '--report', join(work, 'reports', 'report.json'),
      '--out', join(work, 'models'), '--golden', join(work, 'golden'),
      '--card', join(work, 'MODEL_CARD.md')]);
    const manifest = JSON.parse(readFileSync(join(work, 'models', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.models)).toEqual(['radiograph']);
    expect(Object.keys(manifest.models.radiograph.heads)).toEqual(['bodypart', 'abnormality']);
    expect(readFileSync(join(work, 'MODEL_CARD.md'), 'utf8')).toMatch(/## Body part/);

    const cli = spawnSync('npx', ['tsx', 'cli/predict.ts', '--models', join(work, 'models'), '--backend', 'cpu',
      join(work, 'golden')], { encoding: 'utf8', timeout: 180_000 });
    expect(cli.status, cli.stderr).toBe(0);
    const rows = cli.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.length).toBeGreaterThanOrEqual(1);
    for (const row of rows) {
      // a one-epoch model may well reject an image as unsupported (with its reason), but never fails on one
      expect(['normal', 'uncertain', 'abnormal', 'unsupported']).toContain(row.decision);
      expect(Object.keys(row.bodyPartProbabilities)).toEqual(manifest.models.radiograph.heads.bodypart.classes);
    }
  }, 300_000);
});
