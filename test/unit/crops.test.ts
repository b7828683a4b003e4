// A radiograph cropped tighter, as MURA's films are (one bone filling the frame), is still the same body part:
// the shipped model on films of its held-out test split, whole and cropped around their centre.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/models/backend';
import { disposeModels, loadModels } from '../../src/models/load';
import { analyzeImage, type LoadedModels } from '../../src/pipeline/analyze';
import type { GrayImage } from '../../src/pipeline/types';
import { decodeImageBytes } from '../../src/decode/node';
import { MODELS_MISSING_REASON, fixtureBytes, modelsPresent, readModelFile } from './support/models';

// `knownFailure`: the shipped model gets the whole film right but calls a crop of it something else; none now (the
// elbow at 60% was called other_xray until the pretrained MobileNetV2 run mnv2-160; the hand, a film marked "Wrist",
// has been called right at 80% and 60% since run ftbp4's frame-filling crops); a model that regresses must say so here
// (docs/MODEL_CARD.md has the per-source rates behind it).
const TEST_SPLIT_FILMS = [
  { name: 'test-split/elbow_fracatlas_IMG0001062.jpg', part: 'elbow', knownFailure: false },
  { name: 'test-split/hand_fracatlas_IMG0000019.jpg', part: 'hand', knownFailure: false },
  { name: 'test-split/shoulder_fracatlas_IMG0000089.jpg', part: 'shoulder', knownFailure: false },
] as const;

/** The central `side` fraction of the image along each axis (area side^2), like a user's tighter crop. */
function centreCrop(image: GrayImage, side: number): GrayImage {
  const width = Math.round(image.width * side);
  const height = Math.round(image.height * side);
  const x0 = Math.floor((image.width - width) / 2);
  const y0 = Math.floor((image.height - height) / 2);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) data.set(image.data.subarray((y0 + y) * image.width + x0, (y0 + y) * image.width + x0 + width), y * width);
  return { width, height, data };
}

const describeWithModels = modelsPresent ? describe : describe.skip;

describeWithModels(modelsPresent ? 'crops keep the body part' : `crops keep the body part [${MODELS_MISSING_REASON}]`, () => {
  let models: LoadedModels;
  beforeAll(async () => {
    await initBackend('cpu', '');
    models = await loadModels(readModelFile);
  });
  afterAll(() => {
    if (models) disposeModels(models);
  });

  it('centreCrop takes the middle of the image', () => {
    const image = { width: 4, height: 2, data: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]) };
    expect(centreCrop(image, 0.5)).toEqual({ width: 2, height: 1, data: Uint8Array.from([1, 2]) });
  });

  for (const film of TEST_SPLIT_FILMS) {
    it(`a ${film.part} film of the test split is called ${film.part}`, async () => {
      const whole = (await decodeImageBytes(fixtureBytes(film.name))).frames[0];
      const result = await analyzeImage(whole, film.name, models);
      expect(result.bodyPart, JSON.stringify(result.bodyPartProbabilities)).toBe(film.part);
    });
    const spec = film.knownFailure ? it.fails : it;
    spec(`and still ${film.part} cropped to 80% and 60% of each side`, async () => {
      const whole = (await decodeImageBytes(fixtureBytes(film.name))).frames[0];
      for (const side of [0.8, 0.6]) {
        const result = await analyzeImage(centreCrop(whole, side), film.name, models);
        expect(result.bodyPart, `${film.name} ${side}: ${JSON.stringify(result.bodyPartProbabilities)}`).toBe(film.part);
      }
    });
  }
});
