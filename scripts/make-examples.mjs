// Builds the bundled example gallery: public/examples/*.jpg and public/examples/cases.json.
//
//   node scripts/make-examples.mjs            # needs ../shared/data/xray and /usr/bin/python3 (numpy)
//
// Picks redistributable images only (CC BY 4.0 radiographs, public-domain/CC0 photographs; never a
// MURA-derived row), preferring the models' held-out test split, which is computed by the training code
// itself (training/data.py split_by_group with training/config.py), so the gallery avoids images the
// models learned from. Labels and teaching notes come from the shared manifest's columns only.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(REPO, '..', 'shared', 'data', 'xray');
const OUT = join(REPO, 'public', 'examples');
const MODELS_MANIFEST = join(REPO, 'public', 'models', 'manifest.json');
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
export const MAX_SIDE = 512;
const JPEG_QUALITY = 85;
export const MAX_TOTAL_BYTES = 3 * 1024 * 1024;

/** Sources whose pixels are MURA's: research-use only, never shipped. */
export const MURA_DERIVED = ['mura-humerus', 'roboflow-mura'];

const ATTRIBUTION = {
  fracatlas:
    'FracAtlas: Abedeen, I. et al., "FracAtlas: A Dataset for Fracture Classification, Localization and Segmentation of Musculoskeletal Radiographs", Scientific Data 10, 521 (2023). CC BY 4.0.',
  'shoulder-implant':
    'UCI Shoulder Implant X-Ray Manufacturer Classification (Stark, M., 2018); Urban, G. et al., "Classifying shoulder implants in X-ray images using deep learning", Comput. Struct. Biotechnol. J. 18 (2020). CC BY 4.0.',
};

/** scikit-image data: the package is BSD-3-Clause, each image has its own terms (skimage.data docs). */
const SKIMAGE_IMAGES = {
  'skimage:astronaut': {
    licence: 'Public domain (NASA photograph of Eileen Collins, via scikit-image data)',
    attribution: 'NASA; distributed with scikit-image (skimage.data.astronaut).',
  },
  'skimage:chelsea': {
    licence: 'CC0 1.0 (Stefan van der Walt, via scikit-image data)',
    attribution: 'Stefan van der Walt; distributed with scikit-image (skimage.data.chelsea).',
  },
};

/**
 * What the gallery shows, slot by slot. `count` images per slot, drawn from the test split first.
 * `where` filters rows of ../shared/data/xray/manifest.csv.
 */
const SLOTS = [
  { name: 'elbow-normal', count: 3, where: (r) => r.source === 'fracatlas' && r.body_part === 'elbow' && r.abnormal === '0' },
  { name: 'elbow-abnormal', count: 3, where: (r) => r.source === 'fracatlas' && r.body_part === 'elbow' && r.abnormal === '1' },
  { name: 'hand-normal', count: 4, where: (r) => r.source === 'fracatlas' && r.body_part === 'hand' && r.abnormal === '0' },
  { name: 'hand-abnormal', count: 4, where: (r) => r.source === 'fracatlas' && r.body_part === 'hand' && r.abnormal === '1' },
  { name: 'shoulder-normal', count: 3, where: (r) => r.source === 'fracatlas' && r.body_part === 'shoulder' && r.abnormal === '0' },
  { name: 'shoulder-fracture', count: 2, where: (r) => r.source === 'fracatlas' && r.body_part === 'shoulder' && r.fracture === '1' },
  { name: 'shoulder-implant', count: 3, where: (r) => r.source === 'shoulder-implant' && r.body_part === 'shoulder' && r.abnormal === '1' },
  { name: 'leg-normal', count: 1, where: (r) => r.source === 'fracatlas' && r.body_part === 'leg' && r.abnormal === '0' },
  { name: 'leg-fracture', count: 1, where: (r) => r.source === 'fracatlas' && r.body_part === 'leg' && r.fracture === '1' },
  { name: 'forearm', count: 1, where: (r) => r.source === 'fracatlas' && r.body_part === 'forearm' && r.abnormal === '0' },
  { name: 'wrist', count: 1, where: (r) => r.source === 'fracatlas' && r.body_part === 'wrist' && r.abnormal === '1' },
  { name: 'hip', count: 1, where: (r) => r.source === 'fracatlas' && r.body_part === 'hip' && r.abnormal === '0' },
  { name: 'photo', count: 2, where: (r) => r.group in SKIMAGE_IMAGES },
];

const SPLIT_PREFERENCE = ['test', 'val', 'train'];

/**
 * Films looked at and left out by eye, with why: a teacher would not show them as what their slot promises.
 * (FracAtlas calls many whole-chest trauma films "shoulder"; the ones kept are centred on the shoulder.)
 */
export const LEFT_OUT_BY_EYE = {
  'images/fracatlas/IMG0001935.jpg': 'a chest film with the arm at its edge, not a shoulder film',
  'images/fracatlas/IMG0002237.jpg': 'a chest film showing both arms, not a shoulder film',
  'images/fracatlas/IMG0000887.jpg': 'a chest film showing both arms, not a shoulder film',
  'images/fracatlas/IMG0001263.jpg': 'mostly chest, the shoulder small at the top',
  'images/fracatlas/IMG0003444.jpg': 'a chest film showing both shoulders, not a shoulder film',
  'images/fracatlas/IMG0000848.jpg': 'a chest film showing both arms, not a shoulder film',
  'images/fracatlas/IMG0002698.jpg': 'a chest and neck film, not a shoulder film',
  'images/fracatlas/IMG0002633.jpg': 'mostly chest, the shoulder at its edge',
  'images/fracatlas/IMG0001563.jpg': 'a chest film, the shoulder at its edge',
  'images/fracatlas/IMG0000019.jpg': 'an oblique film of two hands marked "L Wrist": not a clear hand case',
};

// ---------------------------------------------------------------- rows and the models' split

/** Every manifest row with the split the training code assigns it (one JSON object per row). */
export function rowsWithSplit() {
  const program = `
import json, sys
sys.path.insert(0, 'training')
from config import Config
from data import read_rows, add_synthetic_rows, split_by_group
cfg = Config()
rows = add_synthetic_rows(read_rows(cfg.data), cfg.synthetic_ood)  # exactly what load_dataset splits
for row, split in zip(rows, split_by_group(rows, cfg)):
    if row["source"] != "synthetic":
        print(json.dumps({**row, "split": split}))
`;
  const out = execFileSync(PYTHON, ['-c', program], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return out.trim().split('\n').map((line) => JSON.parse(line));
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const label = (value) => (value === '0' ? 0 : value === '1' ? 1 : null);

/** Stable, well spread order: by a hash of the path, so no slot is "the first N files of a folder". */
const spreadOrder = (a, b) => sha256(a.path).localeCompare(sha256(b.path));

function pick(rows, slot) {
  const eligible = rows.filter((r) => !MURA_DERIVED.includes(r.source) && !(r.path in LEFT_OUT_BY_EYE) && slot.where(r));
  // rows a second reader placed in another region would make a confusing teaching case
  const clear = eligible.filter((r) => !r.body_part_alt);
  const pool = clear.length >= slot.count ? clear : eligible;
  const ranked = [...pool].sort((a, b) => SPLIT_PREFERENCE.indexOf(a.split) - SPLIT_PREFERENCE.indexOf(b.split) || spreadOrder(a, b));
  if (ranked.length < slot.count) throw new Error(`slot ${slot.name}: only ${ranked.length} rows, ${slot.count} wanted`);
  return ranked.slice(0, slot.count);
}

// ---------------------------------------------------------------- teaching notes, from labels only

/** Regions that share film with a supported part (MURA treats them as parts of their own). */
const NEIGHBOURS = ['forearm', 'wrist', 'finger', 'humerus'];

function teachingNote(row, supported) {
  const part = row.body_part;
  if (part === 'notxray') return 'A photograph, not a radiograph: the app must refuse it instead of reading bones into it.';
  if (!supported.includes(part)) {
    const scope = `A ${part} radiograph, outside the app's scope (${supported.join(', ')})`;
    const near = NEIGHBOURS.includes(part) ? ' It sits next to a supported region, so it tests stage 1 hard.' : '';
    if (row.fracture === '1') return `${scope}, labelled with a fracture: rejecting it is the right answer, not a miss.${near}`;
    return `${scope}: it should be rejected, not guessed.${near}`;
  }
  const notes = [];
  if (row.source === 'shoulder-implant') notes.push('A shoulder arthroplasty: hardware counts as abnormal, in MURA\'s sense, with no fracture needed.');
  else if (row.fracture === '1' && row.hardware === '1') notes.push('Labelled with both a fracture and hardware; either alone makes the film abnormal.');
  else if (row.hardware === '1') notes.push('Labelled with hardware and no fracture: hardware counts as abnormal.');
  else if (row.fracture === '1') notes.push('Labelled with a fracture: check whether the heatmap points where you would look.');
  else if (row.abnormal === '0') notes.push('Labelled normal (no fracture, no hardware): a check on false alarms.');
  if (row.multi_view === '1') notes.push('Several views share one film.');
  if (row.body_part_alt) notes.push(`A second reader saw this as ${row.body_part_alt}: the region itself is debatable.`);
  return notes.join(' ');
}

// ---------------------------------------------------------------- main

async function writeImage(row, fileName) {
  const input = readFileSync(join(DATA, row.path));
  const { width = 0, height = 0, format } = await sharp(input).metadata();
  // already small JPEGs are shipped byte for byte; anything larger is downscaled once
  const bytes =
    format === 'jpeg' && Math.max(width, height) <= MAX_SIDE
      ? input
      : await sharp(input).resize(MAX_SIDE, MAX_SIDE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: JPEG_QUALITY }).toBuffer();
  writeFileSync(join(OUT, fileName), bytes);
  const size = await sharp(bytes).metadata();
  return { bytes, width: size.width ?? 0, height: size.height ?? 0 };
}

function licenceOf(row) {
  return SKIMAGE_IMAGES[row.group]?.licence ?? row.licence;
}

function attributionOf(row) {
  return SKIMAGE_IMAGES[row.group]?.attribution ?? ATTRIBUTION[row.source];
}

async function main() {
  if (!existsSync(join(DATA, 'manifest.csv'))) throw new Error(`no data at ${DATA} (../shared/data/xray)`);
  if (!existsSync(MODELS_MANIFEST)) throw new Error('public/models/manifest.json is missing: the supported parts come from it');
  const supported = JSON.parse(readFileSync(MODELS_MANIFEST, 'utf8')).bodyPart.supported;
  const rows = rowsWithSplit();

  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const cases = [];
  for (const slot of SLOTS) {
    for (const row of pick(rows, slot)) {
      const stem = row.path.split('/').pop().replace(/\.[^.]+$/, '');
      // names carry the region (visible in the image anyway), never the label: the quiz hides it
      const region = row.body_part === 'notxray' ? 'photo' : row.body_part;
      const id = `${region}-${stem}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
      const file = `${id}.jpg`;
      const image = await writeImage(row, file);
      const attribution = attributionOf(row);
      if (!attribution) throw new Error(`no attribution for ${row.path}`);
      cases.push({
        id,
        file,
        sha256: sha256(image.bytes),
        bytes: image.bytes.length,
        width: image.width,
        height: image.height,
        labels: {
          bodyPart: row.body_part,
          bodyPartAlt: row.body_part_alt || null,
          abnormal: label(row.abnormal),
          fracture: label(row.fracture),
          hardware: label(row.hardware),
          multiView: row.multi_view === '1',
          basis: row.label_basis,
        },
        note: teachingNote(row, supported),
        source: row.source,
        sourcePath: row.path,
        origin: row.origin,
        licence: licenceOf(row),
        attribution,
        split: row.split,
      });
    }
  }

  const total = cases.reduce((sum, c) => sum + c.bytes, 0);
  if (total > MAX_TOTAL_BYTES) throw new Error(`examples take ${total} bytes, over the ${MAX_TOTAL_BYTES} budget`);
  const document = {
    schemaVersion: 1,
    generatedBy: 'scripts/make-examples.mjs',
    data: '../shared/data/xray (manifest.csv)',
    split:
      "Each case's `split` is the models' own: training/data.py split_by_group with training/config.py (seed, val/test fractions). 'test' images were never used for training or threshold choice.",
    labels: "From manifest.csv only: abnormal is MURA's sense (fracture, hardware or lesion); notes never add findings the labels lack.",
    cases,
  };
  writeFileSync(join(OUT, 'cases.json'), `${JSON.stringify(document, null, 2)}\n`);
  const splits = SPLIT_PREFERENCE.map((split) => `${split} ${cases.filter((c) => c.split === split).length}`).join(', ');
  console.log(`${cases.length} cases, ${(total / 1024).toFixed(0)} KiB; split: ${splits}`);
}

// importable by the tests without rebuilding anything
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
