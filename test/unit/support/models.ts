// Access to the real exported models (public/models) and the fixture images for model-backed tests.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const MODELS_DIR = join(REPO_ROOT, 'public', 'models');
export const FIXTURE_IMAGES = join(REPO_ROOT, 'test', 'fixtures', 'images');

export const modelsPresent = existsSync(join(MODELS_DIR, 'manifest.json'));
export const MODELS_MISSING_REASON =
  'skipped: public/models/manifest.json does not exist yet (export the models with training/export.py)';

export async function readModelFile(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(MODELS_DIR, path)));
}

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURE_IMAGES, name)));
}

/** The fixture radiographs with their size as recorded in the shared data set's manifest.csv. */
export const FIXTURES = [
  { name: 'elbow_fracatlas_IMG0002519.jpg', part: 'elbow', width: 373, height: 454 },
  { name: 'hand_fracatlas_IMG0002940.jpg', part: 'hand', width: 454, height: 373 },
  { name: 'leg_fracatlas_IMG0002588.jpg', part: 'leg', width: 181, height: 454 },
  { name: 'shoulder_implant_Zimmer.1.jpg', part: 'shoulder', width: 250, height: 250 },
  { name: 'notxray_skimage_chelsea.jpg', part: 'notxray', width: 451, height: 300 },
] as const;
