// The calibration report says what was measured and chosen, and holds no file name, path or study folder.
import { describe, expect, it } from 'vitest';
import { calibrate, type LabelledResult } from '../../src/pipeline/calibration';
import { labelCases } from '../../src/pipeline/labelled-cases';
import { parseManifest } from '../../src/pipeline/manifest';
import { calibrationReportContent } from '../../src/app/calibration-report';
import { exampleManifestJson } from './support/manifest-example';

const manifest = parseManifest(exampleManifestJson());

describe('calibration report content', () => {
  // MURA-style paths: the patient and study folders must not reach the report
  const paths = [
    'MURA/XR_ELBOW/patient00042/study1_positive/image1.png',
    'MURA/XR_ELBOW/patient00042/study1_positive/image2.png',
    'MURA/XR_ELBOW/patient00077/study1_negative/image1.png',
    'MURA/XR_ELBOW/patient00078/study2_negative/image1.png',
  ];
  const probabilities = [0.8, 0.6, 0.3, 0.65];
  const { labels } = labelCases(paths, ['elbow', 'hand', 'shoulder']);
  const cases: LabelledResult[] = paths.map((path, i) => ({
    label: labels.get(path)!,
    result: { bodyPart: 'elbow', abnormalProbability: probabilities[i], decision: 'uncertain' },
  }));
  const calibration = calibrate(cases, manifest);
  const content = calibrationReportContent(calibration, cases, { elbow: { low: 0.5, high: 0.5 } }, new Date('2026-12-06T12:00:00Z'));

  it('gives per part the counts, the area with its interval, and what both sets of thresholds do', () => {
    const [elbow] = content.parts;
    expect(elbow.part).toBe('elbow');
    expect(elbow.lines[0]).toMatch(/^Images: 2 normal, 2 abnormal; area under the curve 0\.75 \(95% interval \d\.\d\d–\d\.\d\d\)\.$/);
    expect(elbow.lines[1]).toMatch(/^Shipped thresholds /);
    // at 0.5 / 0.5: 0.8 and 0.6 (abnormal) and 0.65 (normal) called abnormal; 0.3 called normal
    expect(elbow.lines[2]).toBe('Chosen thresholds 0.50 (no uncertain band): abnormal caught 100%, normal cleared 50%, decided 100%.');
    // studies: patient00042's two views average 0.7 (abnormal); both normal studies are single views
    expect(elbow.lines[3]).toBe('Studies (mean of views): 2 normal, 1 abnormal; area under the curve 1.00 (95% interval 1.00–1.00).');
    expect(content.lines[0]).toContain(`Models ${manifest.version}; made 2026-12-06`);
  });

  it('holds no file name, folder or patient/study identifier', () => {
    const text = JSON.stringify(content);
    for (const word of ['image1', 'image2', '.png', 'patient', 'MURA', 'XR_ELBOW', 'study1', 'study2']) expect(text).not.toContain(word);
  });
});
