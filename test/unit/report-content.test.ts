// The words of a study report: results, thresholds, model version and the notice, never the patient.
import { describe, expect, it } from 'vitest';
import { NOT_A_MEDICAL_DEVICE, studyReportContent } from '../../src/app/report-content';
import type { DicomMeta } from '../../src/pipeline/dicom/index';
import { parseManifest } from '../../src/pipeline/manifest';
import type { ImageResult } from '../../src/pipeline/types';
import { exampleManifestJson } from './support/manifest-example';

const manifest = parseManifest(exampleManifestJson());
const view = (file: string, p: number): ImageResult => ({
  file,
  bodyPart: 'elbow',
  bodyPartProbabilities: { elbow: 0.9, hand: 0.05, shoulder: 0.05 },
  abnormalProbability: p,
  decision: 'normal',
  error: null,
  heatmap: null,
  width: 100,
  height: 100,
});
const meta: DicomMeta = {
  patientName: 'Doe^Jane',
  patientId: 'DOE-JANE-0042',
  bodyPartExamined: 'ELBOW',
  viewPosition: 'AP',
  laterality: 'L',
  photometric: 'MONOCHROME2',
  bitsStored: 12,
  rows: 100,
  columns: 100,
  frames: 1,
  transferSyntax: '1.2.840.10008.1.2.1',
};

describe('study report content', () => {
  const content = studyReportContent(
    { bodyPart: 'elbow', files: ['a.dcm', 'b.dcm'], abnormalProbability: 0.2, decision: 'normal' },
    [{ result: view('a.dcm', 0.1), header: meta }, { result: view('b.dcm', 0.3), header: meta }],
    manifest,
    new Date('2026-11-29T10:00:00Z'),
  );
  const text = JSON.stringify(content);

  it('states the study decision, each view, the model version and that it is not a medical device', () => {
    expect(content.title).toBe('BoneLens report: Elbow study');
    expect(content.summary).toMatch(/^Likely normal: study abnormality probability 20\.0%, the mean of 2 views/);
    expect(content.views.map((v) => v.title)).toEqual(['a.dcm', 'b.dcm']);
    expect(content.views[0]!.lines).toContain('Body part (header): ELBOW · View: AP · Laterality: L (left)');
    expect(content.footer.join(' ')).toContain(`Models ${manifest.version}`);
    expect(content.footer.join(' ')).toContain(NOT_A_MEDICAL_DEVICE);
  });

  it("never carries the patient's name or ID, even when given the whole header", () => {
    expect(text).not.toContain('Doe');
    expect(text).not.toContain('DOE-JANE-0042');
  });
});
