// The words of a study report, shared by the PNG and the printable page. Built only from results, the model
// manifest and non-identifying header fields: a report never carries the patient's name or ID.
import type { Manifest } from '../pipeline/manifest';
import type { Decision, ImageResult, StudyResult } from '../pipeline/types';
import { DECISION_STYLES, percent, titleCase } from '../ui/format';
import { headerFields, type HeaderField } from './dicom-header';

export const NOT_A_MEDICAL_DEVICE = 'Not a medical device. Not for clinical use.';

/** The only header fields a report may show (never the patient's). */
export type ReportHeader = Parameters<typeof headerFields>[0];

export interface ReportView {
  title: string;
  decision: Decision;
  lines: string[];
}

export interface ReportContent {
  title: string;
  decision: Decision;
  summary: string;
  views: ReportView[];
  footer: string[];
}

function viewLines(result: ImageResult, header: ReportHeader | undefined): string[] {
  const style = DECISION_STYLES[result.decision];
  const lines = [
    result.abnormalProbability === null ? style.label : `${style.label}: abnormality probability ${percent(result.abnormalProbability)}`,
  ];
  if (result.bodyPart) {
    lines.push(`Body part (model): ${titleCase(result.bodyPart)} (${percent(result.bodyPartProbabilities[result.bodyPart] ?? 0)})`);
  }
  if (result.error) lines.push(result.error);
  const fields: HeaderField[] = header ? headerFields(header) : [];
  if (fields.length) lines.push(fields.map((f) => `${f.label}: ${f.value}`).join(' · '));
  return lines;
}

export function studyReportContent(
  study: StudyResult,
  views: { result: ImageResult; header?: ReportHeader }[],
  manifest: Manifest,
  createdAt: Date,
): ReportContent {
  const style = DECISION_STYLES[study.decision];
  const thresholds = manifest.thresholds[study.bodyPart];
  return {
    title: `BoneLens report: ${titleCase(study.bodyPart)} study`,
    decision: study.decision,
    summary:
      `${style.label}: study abnormality probability ${percent(study.abnormalProbability)}, the mean of ${views.length} views` +
      (thresholds ? ` (normal below ${percent(thresholds.low, 0)}, abnormal from ${percent(thresholds.high, 0)}${study.siteThresholds ? ', site thresholds' : ''}).` : '.'),
    views: views.map(({ result, header }) => ({
      title: result.file,
      decision: result.decision,
      // copy the allowed fields only, so a full DicomMeta passed in cannot leak its patient fields
      lines: viewLines(result, header && {
        bodyPartExamined: header.bodyPartExamined,
        viewPosition: header.viewPosition,
        laterality: header.laterality,
        modality: header.modality,
      }),
    })),
    footer: [
      `Models ${manifest.version} · report made ${createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC on this device.`,
      `Heatmaps show where the model looked, not a diagnosis. ${NOT_A_MEDICAL_DEVICE}`,
    ],
  };
}
