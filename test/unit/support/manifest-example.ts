// A complete, valid manifest in the shape of docs/manifest.md, for tests that must not depend on the
// trained models. Each call returns a fresh deep copy that a test may break on purpose.
const HASH = 'a'.repeat(64);

export function exampleManifestJson(): Record<string, any> {
  return structuredClone({
    schemaVersion: 1,
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
    bodyPart: { model: 'bodypart', supported: ['elbow', 'hand', 'shoulder'], minConfidence: 0.5 },
    routing: {
      elbow: { model: 'abnormality', output: 0 },
      hand: { model: 'abnormality', output: 0 },
      shoulder: { model: 'abnormality', output: 0 },
    },
    thresholds: {
      elbow: { low: 0.3, high: 0.7 },
      hand: { low: 0.2, high: 0.6 },
      shoulder: { low: 0.25, high: 0.8 },
    },
    models: {
      bodypart: {
        path: 'bodypart/model.json',
        task: 'softmax',
        classes: ['elbow', 'hand', 'shoulder', 'other_xray', 'not_xray'],
        quantization: 'float16',
        inputName: 'image',
        outputs: { logits: 'logits', cam: 'cam' },
        camSize: 6,
        files: { 'bodypart/model.json': HASH, 'bodypart/group1-shard1of1.bin': HASH },
      },
      abnormality: {
        path: 'abnormality/model.json',
        task: 'sigmoid',
        classes: ['abnormal'],
        quantization: 'float16',
        inputName: 'image',
        outputs: { logits: 'logits', cam: 'cam' },
        camSize: 6,
        files: { 'abnormality/model.json': HASH, 'abnormality/group1-shard1of1.bin': HASH },
      },
    },
    metrics: {},
    training: {},
    licences: [{ what: 'FracAtlas images', licence: 'CC BY 4.0' }],
    limitations: ['Not a medical device.'],
    intendedUse: 'Research and education.',
  });
}
