import { describe, expect, it } from 'vitest';
import { bodyPartClasses, ManifestError, parseManifest, parseManifestText } from '../../src/pipeline/manifest';
import { exampleManifestJson } from './support/manifest-example';

function brokenBy(edit: (m: Record<string, any>) => void): Record<string, any> {
  const manifest = exampleManifestJson();
  edit(manifest);
  return manifest;
}

describe('parseManifest', () => {
  it('accepts a manifest in the documented shape and types every contract value', () => {
    const m = parseManifest(exampleManifestJson());
    expect(m.input.size).toBe(192);
    expect(m.input.normalization).toEqual({ mean: 0.5, std: 0.25 });
    expect(m.bodyPart.supported).toEqual(['elbow', 'hand', 'shoulder']);
    expect(m.routing.hand).toEqual({ model: 'radiograph', head: 'abnormality', output: 0 });
    expect(m.thresholds.shoulder).toEqual({ low: 0.25, high: 0.8 });
    expect(bodyPartClasses(m)).toHaveLength(5);
    expect(m.models.radiograph.heads.abnormality.task).toBe('sigmoid');
    expect(m.parts.elbow).toEqual({ weak: true, uncertainShare: 0.86, abnormalCallsRight: 1, normalCallsRight: null, testFilms: 21 });
    expect(m.parts.hand.normalCallsRight).toBe(0.93);
  });

  it('fills the optional descriptive fields when they are absent', () => {
    const m = parseManifest(brokenBy((j) => {
      delete j.metrics;
      delete j.licences;
      delete j.limitations;
      delete j.intendedUse;
      delete j.parts;
    }));
    expect(m.parts).toEqual({});
    expect(m.metrics).toEqual({});
    expect(m.licences).toEqual([]);
    expect(m.limitations).toEqual([]);
    expect(m.intendedUse).toBe('');
  });

  const broken: [string, (m: Record<string, any>) => void, string][] = [
    ['a low threshold not below high', (m) => (m.thresholds.elbow = { low: 0.7, high: 0.7 }), 'manifest.thresholds.elbow.low must be a number in [0,1] below high'],
    ['a threshold outside [0,1]', (m) => (m.thresholds.hand.high = 1.5), 'manifest.thresholds.hand.high must be a number in [0, 1]'],
    ['a supported part without thresholds', (m) => delete m.thresholds.shoulder, 'manifest.thresholds.shoulder must be an object'],
    ['a supported part without routing', (m) => delete m.routing.elbow, 'manifest.routing.elbow must be an object'],
    ['routing to a logit the head does not have', (m) => (m.routing.hand.output = 1), 'manifest.routing.hand.output must be an integer in [0, 0]'],
    ['routing to an unknown model', (m) => (m.routing.hand.model = 'wrist'), 'manifest.routing.hand.model names "wrist", which is not in manifest.models'],
    ['routing to an unknown head', (m) => (m.routing.hand.head = 'fracture'), 'manifest.routing.hand.head names "fracture", which is not a head of model "radiograph"'],
    ['a supported part that is not a body-part class', (m) => m.bodyPart.supported.push('knee'), 'manifest.bodyPart.supported lists "knee"'],
    ['a missing body-part model', (m) => delete m.models.radiograph, 'manifest.bodyPart.model names "radiograph"'],
    ['a model without heads', (m) => (m.models.radiograph.heads = {}), 'manifest.models.radiograph.heads must name at least one head'],
    ['an unknown resize rule', (m) => (m.input.resize = 'stretch'), 'manifest.input.resize must be "letterbox-area" (got "stretch")'],
    ['a zero standard deviation', (m) => (m.input.normalization.std = 0), 'manifest.input.normalization.std must be a number above 0'],
    ['a fractional input size', (m) => (m.input.size = 191.5), 'manifest.input.size must be an integer'],
    ['a pad value beyond uint8', (m) => (m.input.padValue = 300), 'manifest.input.padValue must be an integer in [0, 255]'],
    ['a hash that is not sha256 hex', (m) => (m.models.radiograph.files['radiograph/model.json'] = 'abc'), 'manifest.models.radiograph.files["radiograph/model.json"] must be a lowercase sha256 hex'],
    ['a model file missing from its file list', (m) => delete m.models.radiograph.files['radiograph/model.json'], 'manifest.models.radiograph.files must list the model file "radiograph/model.json"'],
    ['repeated class names', (m) => (m.models.radiograph.heads.bodypart.classes = ['elbow', 'hand', 'shoulder', 'hand']), 'manifest.models.radiograph.heads.bodypart.classes must not repeat "hand"'],
    ['an abnormality head with a softmax task', (m) => (m.models.radiograph.heads.abnormality.task = 'softmax'), 'manifest.models.radiograph.heads.abnormality.task must be "sigmoid"'],
    ['a head without output names', (m) => delete m.models.radiograph.heads.bodypart.outputs.cam, 'manifest.models.radiograph.heads.bodypart.outputs.cam must be a non-empty string'],
    ['a part reliability without its weak flag', (m) => delete m.parts.hand.weak, 'manifest.parts.hand.weak must be true or false'],
    ['an uncertain share above 1', (m) => (m.parts.elbow.uncertainShare = 86), 'manifest.parts.elbow.uncertainShare must be a number in [0, 1]'],
    ['a share of right calls that is text', (m) => (m.parts.shoulder.normalCallsRight = '90%'), 'manifest.parts.shoulder.normalCallsRight must be a number in [0, 1]'],
    ['a fractional count of test films', (m) => (m.parts.hand.testFilms = 8.5), 'manifest.parts.hand.testFilms must be an integer'],
    ['an unknown schema version', (m) => (m.schemaVersion = 1), 'manifest.schemaVersion must be 2 (got 1)'],
  ];

  it.each(broken)('rejects %s with a message naming the field', (_what, edit, message) => {
    const json = brokenBy(edit);
    expect(() => parseManifest(json)).toThrow(ManifestError);
    expect(() => parseManifest(json)).toThrow(message);
  });

  it('rejects something that is not an object at all', () => {
    expect(() => parseManifest(null)).toThrow('manifest must be an object');
    expect(() => parseManifest([])).toThrow('manifest must be an object');
  });
});

describe('parseManifestText', () => {
  it("reads Python's NaN and Infinity in metrics as null, leaving strings alone", () => {
    const text = JSON.stringify({ ...exampleManifestJson(), metrics: { auc: 0, note: 'NaN when one class' } })
      .replace('"auc":0', '"auc": NaN, "ci": [-Infinity, Infinity]');
    const m = parseManifestText(text);
    expect(m.metrics).toEqual({ auc: null, ci: [null, null], note: 'NaN when one class' });
  });

  it('names the file when the text is not JSON', () => {
    expect(() => parseManifestText('{"schemaVersion": 2,')).toThrow(/^manifest.json is not valid JSON/);
  });
});
