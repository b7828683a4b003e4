// The words of a report, for a study or a single image: decision, thresholds, study date and description,
// model version, a line for the reader's impression and the notice, never the patient or the file names.
import { describe, expect, it } from 'vitest';
import { IMPRESSION_LINE, NOT_A_MEDICAL_DEVICE, reportContent } from '../../src/app/report-content';
import { imageNames, studyNames } from '../../src/app/export-names';
import type { DicomMeta } from '../../src/pipeline/dicom/index';
import { parseManifest } from '../../src/pipeline/manifest';
import type { ImageResult } from '../../src/pipeline/types';
import { exampleManifestJson } from './support/manifest-example';

const manifest = parseManifest(exampleManifestJson());
const view = (file: string, p: number, decision: ImageResult['decision'] = 'normal'): ImageResult => ({
  file,
  bodyPart: 'elbow',
  bodyPartProbabilities: { elbow: 0.9, hand: 0.05, shoulder: 0.05 },
  abnormalProbability: p,
  decision,
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
  studyDate: '20261129',
  studyDescription: 'XR ELBOW 2 VIEWS',
  photometric: 'MONOCHROME2',
  bitsStored: 12,
  rows: 100,
  columns: 100,
  frames: 1,
  transferSyntax: '1.2.840.10008.1.2.1',
};
const at = new Date('2026-11-29T10:00:00Z');

describe('study report content', () => {
  const entries = [{ id: 4, name: 'Doe_Jane_elbow_ap.dcm' }, { id: 7, name: 'Doe_Jane_elbow_lat.dcm' }];
  const names = imageNames(entries, true);
  const content = reportContent(
    {
      study: { bodyPart: 'elbow', files: ['a.dcm', 'b.dcm'], abnormalProbability: 0.2, decision: 'normal' },
      studyName: studyNames([{ key: 'study:1.2.3:elbow', name: 'Doe elbow' }], true).get('study:1.2.3:elbow'),
      views: [
        { title: names.get(4)!, result: view('Doe_Jane_elbow_ap.dcm', 0.1), header: meta },
        { title: names.get(7)!, result: view('Doe_Jane_elbow_lat.dcm', 0.3), header: meta },
      ],
    },
    manifest,
    at,
  );
  const text = JSON.stringify(content);

  it('states the decision in words, the thresholds, study date and description, model version and the notice', () => {
    expect(content.title).toBe('BoneLens report: Study 1 (Elbow study, 2 views)');
    expect(content.summary).toBe('Likely normal: abnormality score 20%, the mean of 2 views.');
    expect(content.details).toContain('Elbow films: normal below 30%, abnormal from 70%; in between the model cannot tell.');
    expect(content.details).toContain('Study date: 2026-11-29 · Study description: XR ELBOW 2 VIEWS');
    expect(content.views.map((v) => v.title)).toEqual(['Image 1', 'Image 2']);
    expect(content.views[0]!.lines).toContain('Body part (header): ELBOW · View: AP · Laterality: L (left)');
    expect(content.views.every((v) => v.analysed)).toBe(true);
    expect(content.impression.startsWith(IMPRESSION_LINE)).toBe(true);
    expect(content.footer.join(' ')).toContain(`Model version ${manifest.version}`);
    expect(content.footer.join(' ')).toContain('where the model looked, not a finding');
    expect(content.footer.join(' ')).toContain(NOT_A_MEDICAL_DEVICE);
  });

  it('warns about a part the manifest marks weak', () => {
    expect(content.details.join(' ')).toMatch(/The elbow model is weak/);
  });

  it("never carries the patient's name or ID or the file names when anonymising, even when given the whole header", () => {
    expect(text).not.toContain('Doe');
    expect(text).not.toContain('DOE-JANE-0042');
    expect(text).not.toContain('Jane');
  });
});

describe('single image report content', () => {
  it('has the same parts as a study report, for one analysed image', () => {
    const content = reportContent({ study: null, views: [{ title: 'Image 3', result: view('x.png', 0.5, 'uncertain') }] }, manifest, at);
    expect(content.title).toBe('BoneLens report: Image 3 (Elbow film)');
    expect(content.summary).toBe('Uncertain: abnormality score 50%.');
    expect(content.details).toContain("The model cannot tell on this film: rely on your own reading or a colleague's.");
    expect(content.details.join(' ')).toContain('about 86 of 100 elbow films');
    expect(content.impression.startsWith(IMPRESSION_LINE)).toBe(true);
  });

  it('says why a film was not analysed, with no thresholds and no heatmap version', () => {
    const refused: ImageResult = {
      ...view('chest.dcm', 0), bodyPart: null, abnormalProbability: null, decision: 'unsupported',
      error: 'the header says CHEST: the models were not trained on this region', reason: 'the header says CHEST: the models were not trained on this region',
    };
    const content = reportContent({ study: null, views: [{ title: 'Image 1', result: refused }] }, manifest, at);
    expect(content.summary).toBe('Not analysed: the header says CHEST: the models were not trained on this region.');
    expect(content.details.join(' ')).not.toMatch(/normal below/);
    expect(content.views[0]!.analysed).toBe(false);
  });
});

describe('export names', () => {
  it('replace file and study names by "Image n" and "Study n" when anonymising, and keep them otherwise', () => {
    const entries = [{ id: 2, name: 'Doe_John_elbow.dcm' }, { id: 9, name: 'scan.png' }];
    expect([...imageNames(entries, true).values()]).toEqual(['Image 1', 'Image 2']);
    expect([...imageNames(entries, false).values()]).toEqual(['Doe_John_elbow.dcm', 'scan.png']);
    expect([...studyNames([{ key: 'a', name: 'Doe elbow' }], true).values()]).toEqual(['Study 1']);
  });
});
