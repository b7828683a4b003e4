// The site-thresholds file: what the app exports and imports and the CLI reads with --thresholds. A bad file
// is refused with its reason, naming the field.
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/pipeline/manifest';
import {
  applySiteThresholds, checkSiteThresholdsFor, parseSiteThresholds, parseSiteThresholdsText, siteThresholdsText, SiteThresholdsError,
} from '../../src/pipeline/site-thresholds';
import { exampleManifestJson } from './support/manifest-example';

const manifest = parseManifest(exampleManifestJson());

function validFile(): Record<string, unknown> {
  return {
    format: 'bonelens-site-thresholds',
    version: 1,
    modelVersion: manifest.version,
    createdAt: '2026-12-06T10:00:00.000Z',
    parts: { elbow: { low: 0.25, high: 0.65, cases: { normal: 40, abnormal: 31 } } },
  };
}

function refusal(json: unknown): string {
  try {
    parseSiteThresholds(json);
  } catch (error) {
    expect(error).toBeInstanceOf(SiteThresholdsError);
    return (error as Error).message;
  }
  throw new Error('the file was accepted');
}

describe('parseSiteThresholds', () => {
  it('accepts a valid file and writes it back the same', () => {
    const site = parseSiteThresholds(validFile());
    expect(site).toEqual(validFile());
    expect(parseSiteThresholdsText(siteThresholdsText(site))).toEqual(site);
  });

  it('accepts low equal to high (no uncertain band)', () => {
    const file = validFile();
    file.parts = { hand: { low: 0.5, high: 0.5, cases: { normal: 1, abnormal: 1 } } };
    expect(parseSiteThresholds(file).parts.hand).toMatchObject({ low: 0.5, high: 0.5 });
  });

  it.each([
    ['not an object', [], 'thresholds file must be an object'],
    ['another kind of file', { ...validFile(), format: 'bonelens-manifest' }, 'format must be "bonelens-site-thresholds" (got "bonelens-manifest")'],
    ['a newer version', { ...validFile(), version: 2 }, 'version must be 1 (got 2)'],
    ['no model version', { ...validFile(), modelVersion: '' }, 'modelVersion must be a non-empty string'],
    ['a date that is none', { ...validFile(), createdAt: 'yesterday' }, 'createdAt must be a date and time (got "yesterday")'],
    ['no parts', { ...validFile(), parts: {} }, 'parts must give thresholds for at least one body part'],
    ['a probability out of range', { ...validFile(), parts: { elbow: { low: -0.1, high: 0.6, cases: { normal: 1, abnormal: 1 } } } }, 'parts.elbow.low must be a number from 0 to 1'],
    ['a missing high', { ...validFile(), parts: { elbow: { low: 0.1, cases: { normal: 1, abnormal: 1 } } } }, 'parts.elbow.high must be a number from 0 to 1'],
    ['low above high', { ...validFile(), parts: { elbow: { low: 0.8, high: 0.6, cases: { normal: 1, abnormal: 1 } } } }, 'parts.elbow.low must not be above high (low 0.8, high 0.6)'],
    ['a fractional count', { ...validFile(), parts: { elbow: { low: 0.1, high: 0.6, cases: { normal: 1.5, abnormal: 1 } } } }, 'parts.elbow.cases.normal must be a whole number, 0 or more'],
    ['no counts', { ...validFile(), parts: { elbow: { low: 0.1, high: 0.6 } } }, 'parts.elbow.cases must be an object'],
  ])('refuses %s, naming the field', (_, json, message) => {
    expect(refusal(json)).toContain(message);
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseSiteThresholdsText('{"format": ')).toThrow(/^the thresholds file is not valid JSON: /);
  });
});

describe('site thresholds against the models in use', () => {
  it('are refused for other models, or for a part the models do not assess', () => {
    const other = parseSiteThresholds({ ...validFile(), modelVersion: '9.9.9' });
    expect(() => checkSiteThresholdsFor(other, manifest)).toThrow(`modelVersion is "9.9.9" but the models are version "${manifest.version}"`);
    const knee = parseSiteThresholds({ ...validFile(), parts: { knee: { low: 0.2, high: 0.6, cases: { normal: 1, abnormal: 1 } } } });
    expect(() => applySiteThresholds(manifest, knee)).toThrow('parts.knee names a body part these models do not assess');
  });

  it('replace the shipped thresholds only for their parts, and mark them as the site’s', () => {
    const applied = applySiteThresholds(manifest, parseSiteThresholds(validFile()));
    expect(applied.thresholds.elbow).toEqual({ low: 0.25, high: 0.65 });
    expect(applied.thresholds.hand).toEqual(manifest.thresholds.hand);
    expect(applied.siteThresholds).toEqual({ parts: ['elbow'], createdAt: '2026-12-06T10:00:00.000Z' });
    expect(manifest.thresholds.elbow).not.toEqual({ low: 0.25, high: 0.65 }); // the shipped manifest is left as it was
    expect(applySiteThresholds(manifest, null)).toBe(manifest);
  });
});
