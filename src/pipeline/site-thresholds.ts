// A site's own thresholds, calibrated on its labelled cases: the small JSON file the app exports and imports and
// the CLI reads with --thresholds. It names the model version it was made for (thresholds only mean something
// for that model) and is checked field by field; a bad file is refused with a message naming the field.
import type { Manifest, Thresholds } from './manifest';

export const SITE_THRESHOLDS_FORMAT = 'bonelens-site-thresholds';
export const SITE_THRESHOLDS_VERSION = 1;

export interface SitePartThresholds extends Thresholds {
  /** the labelled cases the thresholds were chosen on */
  cases: { normal: number; abnormal: number };
}

export interface SiteThresholds {
  format: typeof SITE_THRESHOLDS_FORMAT;
  version: typeof SITE_THRESHOLDS_VERSION;
  /** manifest `version` of the models the thresholds were calibrated with */
  modelVersion: string;
  /** ISO 8601 date-time of the calibration */
  createdAt: string;
  /** per body part; a part left out keeps the shipped thresholds */
  parts: Record<string, SitePartThresholds>;
}

export class SiteThresholdsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SiteThresholdsError';
  }
}

type Json = Record<string, unknown>;

function fail(field: string, expectation: string): never {
  throw new SiteThresholdsError(`${field} ${expectation}`);
}

function object(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'must be an object');
  return value as Json;
}

function probability(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) fail(field, 'must be a number from 0 to 1');
  return value;
}

function count(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail(field, 'must be a whole number, 0 or more');
  return value;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(field, 'must be a non-empty string');
  return value;
}

function parsePart(value: unknown, field: string): SitePartThresholds {
  const part = object(value, field);
  const low = probability(part.low, `${field}.low`);
  const high = probability(part.high, `${field}.high`);
  if (low > high) fail(`${field}.low`, `must not be above high (low ${low}, high ${high})`);
  const cases = object(part.cases, `${field}.cases`);
  return { low, high, cases: { normal: count(cases.normal, `${field}.cases.normal`), abnormal: count(cases.abnormal, `${field}.cases.abnormal`) } };
}

/** Validates parsed JSON as a site-thresholds file; throws SiteThresholdsError naming the bad field. */
export function parseSiteThresholds(json: unknown): SiteThresholds {
  const root = object(json, 'thresholds file');
  if (root.format !== SITE_THRESHOLDS_FORMAT) {
    fail('format', `must be "${SITE_THRESHOLDS_FORMAT}" (got ${JSON.stringify(root.format)}): this is not a BoneLens site-thresholds file`);
  }
  if (root.version !== SITE_THRESHOLDS_VERSION) {
    fail('version', `must be ${SITE_THRESHOLDS_VERSION} (got ${JSON.stringify(root.version)}); this BoneLens reads version ${SITE_THRESHOLDS_VERSION} files`);
  }
  const createdAt = text(root.createdAt, 'createdAt');
  if (Number.isNaN(Date.parse(createdAt))) fail('createdAt', `must be a date and time (got ${JSON.stringify(createdAt)})`);
  const partsJson = object(root.parts, 'parts');
  const parts: Record<string, SitePartThresholds> = {};
  for (const [name, part] of Object.entries(partsJson)) parts[name] = parsePart(part, `parts.${name}`);
  if (Object.keys(parts).length === 0) fail('parts', 'must give thresholds for at least one body part');
  return { format: SITE_THRESHOLDS_FORMAT, version: SITE_THRESHOLDS_VERSION, modelVersion: text(root.modelVersion, 'modelVersion'), createdAt, parts };
}

export function parseSiteThresholdsText(source: string): SiteThresholds {
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (error) {
    throw new SiteThresholdsError(`the thresholds file is not valid JSON: ${(error as Error).message}`);
  }
  return parseSiteThresholds(json);
}

/** Throws SiteThresholdsError when the thresholds were made for other models or name a part they do not read. */
export function checkSiteThresholdsFor(site: SiteThresholds, manifest: Manifest): void {
  if (site.modelVersion !== manifest.version) {
    fail('modelVersion', `is "${site.modelVersion}" but the models are version "${manifest.version}": thresholds only hold for the model they were set with; calibrate again`);
  }
  for (const part of Object.keys(site.parts)) {
    if (!manifest.bodyPart.supported.includes(part)) {
      fail(`parts.${part}`, `names a body part these models do not assess (they assess ${manifest.bodyPart.supported.join(', ')})`);
    }
  }
}

/**
 * The manifest with the site's thresholds in place of the shipped ones (checked first), so every decision
 * made from it uses them and says so; `site` null gives the manifest as shipped.
 */
export function applySiteThresholds(manifest: Manifest, site: SiteThresholds | null): Manifest {
  if (!site) return manifest;
  checkSiteThresholdsFor(site, manifest);
  const thresholds = { ...manifest.thresholds };
  for (const [part, { low, high }] of Object.entries(site.parts)) thresholds[part] = { low, high };
  return { ...manifest, thresholds, siteThresholds: { parts: Object.keys(site.parts), createdAt: site.createdAt } };
}

export function siteThresholdsText(site: SiteThresholds): string {
  return `${JSON.stringify(site, null, 2)}\n`;
}
