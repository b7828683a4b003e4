// A complete, valid manifest in the shape of docs/manifest.md, for tests that must not depend on the
// trained models. Each call returns a fresh deep copy that a test may break on purpose.
const HASH = 'a'.repeat(64);

export function exampleManifestJson(): Record<string, any> {
  return structuredClone({
    schemaVersion: 2,
    version: '0.1.0',
    createdAt: '2026-11-29T09:00:00Z',
    input: {
      size: 192,
      channels: 1,
      grayscale: 'bt601',
      resize: 'letterbox-area',
      padValue: 0,
      normalization: { mean: 0.5, std: 0.25 },
      dicom: 'voi-window-then-8bit',
    },
    bodyPart: { model: 'radiograph', head: 'bodypart', supported: ['elbow', 'hand', 'shoulder'], minConfidence: 0.5 },
    routing: {
      elbow: { model: 'radiograph', head: 'abnormality', output: 0 },
      hand: { model: 'radiograph', head: 'abnormality', output: 0 },
      shoulder: { model: 'radiograph', head: 'abnormality', output: 0 },
    },
    thresholds: {
      elbow: { low: 0.3, high: 0.7 },
      hand: { low: 0.2, high: 0.6 },
      shoulder: { low: 0.25, high: 0.8 },
    },
    parts: {
      elbow: { weak: true, uncertainShare: 0.86, abnormalCallsRight: 1, normalCallsRight: null, testFilms: 21 },
      hand: { weak: false, uncertainShare: 0.42, abnormalCallsRight: 0.55, normalCallsRight: 0.93, testFilms: 88 },
      shoulder: { weak: false, uncertainShare: 0.2, abnormalCallsRight: 0.97, normalCallsRight: 0.9, testFilms: 49 },
    },
    models: {
      radiograph: {
        path: 'radiograph/model.json',
        quantization: 'float16',
        inputName: 'image',
        camSize: 6,
        heads: {
          bodypart: {
            task: 'softmax',
            classes: ['elbow', 'hand', 'shoulder', 'other_xray', 'not_xray'],
            outputs: { logits: 'bodypart/logits', cam: 'bodypart/cam' },
          },
          abnormality: {
            task: 'sigmoid',
            classes: ['abnormal'],
            outputs: { logits: 'abnormality/logits', cam: 'abnormality/cam' },
          },
        },
        files: { 'radiograph/model.json': HASH, 'radiograph/group1-shard1of1.bin': HASH },
      },
    },
    metrics: {},
    training: {},
    licences: [{ what: 'FracAtlas images', licence: 'CC BY 4.0' }],
    limitations: ['Not a medical device.'],
    intendedUse: 'Research and education.',
  });
}
