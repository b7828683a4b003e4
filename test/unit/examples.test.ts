// The bundled example gallery (public/examples): what ships must be exactly what cases.json describes,
// redistributable, labelled, and never MURA-derived. Where ../shared and Debian's Python are present,
// each case is also checked against the shared manifest and the models' own train/val/test split.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CASES_FILE, parseCases, referenceOf } from '../../src/app/gallery';
import { MAX_SIDE, MAX_TOTAL_BYTES, MURA_DERIVED, rowsWithSplit } from '../../scripts/make-examples.mjs';
import { PYTHON } from './python';

const EXAMPLES = 'public/examples';
const SHARED_MANIFEST = '../shared/data/xray/manifest.csv';
const MODELS_MANIFEST = 'public/models/manifest.json';

const document: unknown = JSON.parse(readFileSync(`${EXAMPLES}/${CASES_FILE}`, 'utf8'));
const cases = parseCases(document);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('public/examples/cases.json', () => {
  it('lists between 24 and 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(24);
    expect(cases.length).toBeLessThanOrEqual(40);
  });

  it('matches the files byte for byte: same names, sizes and sha256, nothing unlisted', () => {
    const listed = cases.map((c) => c.file).sort();
    const shipped = readdirSync(EXAMPLES).filter((name) => name !== CASES_FILE).sort();
    expect(shipped).toEqual(listed);
    for (const item of cases) {
      const bytes = readFileSync(`${EXAMPLES}/${item.file}`);
      expect(bytes.length, item.file).toBe(item.bytes);
      expect(sha256(bytes), item.file).toBe(item.sha256);
    }
  });

  it('ships small JPEGs whose recorded size is their real size, all together within 3 MB', async () => {
    let total = 0;
    for (const item of cases) {
      const bytes = readFileSync(`${EXAMPLES}/${item.file}`);
      const meta = await sharp(bytes).metadata();
      expect(meta.format, item.file).toBe('jpeg');
      expect([meta.width, meta.height], item.file).toEqual([item.width, item.height]);
      expect(Math.max(item.width, item.height), item.file).toBeLessThanOrEqual(MAX_SIDE);
      total += bytes.length;
    }
    expect(total).toBeLessThanOrEqual(MAX_TOTAL_BYTES);
  });

  it('gives every case a source, a licence, an attribution, a label, a teaching note and its split', () => {
    for (const item of cases) {
      expect(item.source, item.id).not.toBe('');
      expect(item.licence, item.id).not.toBe('');
      expect(item.attribution, item.id).not.toBe('');
      expect(item.labels.bodyPart, item.id).not.toBe('');
      expect(item.note, item.id).not.toBe('');
      expect(['train', 'val', 'test'], item.id).toContain(item.split);
    }
  });

  it('contains no MURA-derived image (research-use only, not redistributable)', () => {
    for (const item of cases) {
      expect(MURA_DERIVED, item.id).not.toContain(item.source);
      expect(`${item.licence} ${item.origin} ${item.sourcePath}`, item.id).not.toMatch(/mura/i);
    }
  });

  it('ships only openly licensed images: CC BY 4.0 radiographs, public-domain or CC0 photographs', () => {
    for (const item of cases) {
      const allowed = item.labels.bodyPart === 'notxray' ? /^(Public domain|CC0)/ : /^CC BY 4\.0/;
      expect(item.licence, item.id).toMatch(allowed);
    }
  });

  it('names files by region only, so the quiz cannot leak a label through a file name', () => {
    for (const item of cases) expect(item.file, item.id).not.toMatch(/normal|abnormal|fracture|implant|hardware/i);
  });

  it('keeps a teaching note to one line', () => {
    for (const item of cases) expect(item.note, item.id).not.toContain('\n');
  });

  it('mostly shows images from the held-out test split', () => {
    const test = cases.filter((c) => c.split === 'test').length;
    expect(test / cases.length).toBeGreaterThanOrEqual(0.8);
  });
});

describe.skipIf(!existsSync(MODELS_MANIFEST))('the gallery against the shipped models', () => {
  const supported: string[] = existsSync(MODELS_MANIFEST) ? JSON.parse(readFileSync(MODELS_MANIFEST, 'utf8')).bodyPart.supported : [];

  it('has normal and abnormal cases of every supported part, and images the app must reject', () => {
    for (const part of supported) {
      const ofPart = cases.filter((c) => c.labels.bodyPart === part);
      expect(ofPart.map((c) => referenceOf(c, supported)), part).toContain('normal');
      expect(ofPart.map((c) => referenceOf(c, supported)), part).toContain('abnormal');
    }
    const rejected = cases.filter((c) => referenceOf(c, supported) === 'unsupported');
    expect(rejected.some((c) => c.labels.bodyPart === 'notxray'), 'a non-radiograph').toBe(true);
    expect(rejected.some((c) => c.labels.bodyPart !== 'notxray'), 'another radiograph').toBe(true);
  });

  it('never leaves a supported case without a reference label', () => {
    for (const item of cases) expect(referenceOf(item, supported), item.id).not.toBeNull();
  });
});

const pythonReady =
  existsSync(SHARED_MANIFEST) && spawnSync(PYTHON, ['-c', 'import numpy, PIL'], { stdio: 'ignore' }).status === 0;
if (!pythonReady) console.warn(`skipping the provenance checks: needs ${SHARED_MANIFEST} and ${PYTHON} with numpy and Pillow`);

describe.skipIf(!pythonReady)('provenance against ../shared/data/xray and training/data.py', () => {
  const rows = pythonReady ? (rowsWithSplit() as Record<string, string>[]) : [];
  const byPath = new Map(rows.map((row) => [row.path, row]));
  const bit = (value: string | undefined) => (value === '0' ? 0 : value === '1' ? 1 : null);

  it('copies each case’s labels, source and licence from its manifest row', () => {
    for (const item of cases) {
      const row = byPath.get(item.sourcePath);
      expect(row, item.sourcePath).toBeDefined();
      expect(item.source).toBe(row!.source);
      expect(item.origin).toBe(row!.origin);
      expect(item.labels.bodyPart).toBe(row!.body_part);
      expect(item.labels.abnormal).toBe(bit(row!.abnormal));
      expect(item.labels.fracture).toBe(bit(row!.fracture));
      expect(item.labels.hardware).toBe(bit(row!.hardware));
      // photographs carry their own per-image terms; radiographs the row's licence verbatim
      if (row!.body_part !== 'notxray') expect(item.licence).toBe(row!.licence);
    }
  });

  it('records the split the training code assigns each image', () => {
    for (const item of cases) expect(item.split, item.id).toBe(byPath.get(item.sourcePath)!.split);
  });
});
