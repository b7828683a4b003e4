// The words of a report, shared by the PNG and the printable page, for a study or a single image alike. Built
// only from results, the model manifest, the names the export may show and non-identifying header fields: a
// report never carries the patient's name or ID.
import type { Manifest } from '../pipeline/manifest';
import type { Decision, ImageResult, StudyResult } from '../pipeline/types';
import { classLabel, DECISION_STYLES, percent, titleCase } from '../ui/format';
import { headerFields, type HeaderField } from './dicom-header';
import { partNotes } from './reliability';

export const NOT_A_MEDICAL_DEVICE = 'Not a medical device. Not for clinical use.';
export const HEATMAP_CAPTION = 'The heatmap shows where the model looked, not a finding.';
export const IMPRESSION_LINE = "Reader's own impression:";

/** The only header fields a report may show (never the patient's). */
export interface ReportHeader {
  bodyPartExamined?: string;
  viewPosition?: string;
  laterality?: string;
  modality?: string;
  studyDate?: string;
  studyDescription?: string;
}

export interface ReportView {
  title: string;
  decision: Decision;
  lines: string[];
  /** an analysed film: its heatmap version is shown beside the clean film */
  analysed: boolean;
}

export interface ReportContent {
  title: string;
  decision: Decision;
  /** the decision in words */
  summary: string;
  /** thresholds, what the decision means, study date and description */
  details: string[];
  views: ReportView[];
  impression: string;
  footer: string[];
}

export interface ReportSubject {
  /** the study, or null for a single image */
  study: StudyResult | null;
  /** the name the export may show for the study (ignored for a single image) */
  studyName?: string;
  views: { title: string; result: ImageResult; header?: ReportHeader }[];
}

const ANALYSED: readonly Decision[] = ['normal', 'uncertain', 'abnormal'];

/** Copies the allowed fields only, so a full DicomMeta passed in cannot leak its patient fields. */
function allowedHeader(header: ReportHeader | undefined): ReportHeader | undefined {
  return header && {
    bodyPartExamined: header.bodyPartExamined,
    viewPosition: header.viewPosition,
    laterality: header.laterality,
    modality: header.modality,
    studyDate: header.studyDate,
    studyDescription: header.studyDescription,
  };
}

/** "20261129" -> "2026-11-29"; anything else as written. */
function studyDate(value: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
  return match ? `${match[1]}-${match[2]}-${match[3]}` : value;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function viewLines(result: ImageResult, header: ReportHeader | undefined): string[] {
  const style = DECISION_STYLES[result.decision];
  const lines = [result.abnormalProbability === null ? style.label : `${style.label}: abnormality score ${percent(result.abnormalProbability)}`];
  if (result.bodyPart) lines.push(`Body part (model): ${classLabel(result.bodyPart)}`);
  const reason = result.reason ?? result.error;
  if (reason) lines.push(`${capitalised(reason)}.`);
  const fields: HeaderField[] = header ? headerFields(header) : [];
  if (fields.length) lines.push(fields.map((f) => `${f.label}: ${f.value}`).join(' · '));
  return lines;
}

export function reportContent(subject: ReportSubject, manifest: Manifest, createdAt: Date): ReportContent {
  const { study } = subject;
  const views = subject.views.map(({ title, result, header }) => ({ title, result, header: allowedHeader(header) }));
  const first = views[0]?.result;
  const decision: Decision = study?.decision ?? first?.decision ?? 'error';
  const bodyPart = study?.bodyPart ?? first?.bodyPart ?? null;
  const style = DECISION_STYLES[decision];
  const score = study?.abnormalProbability ?? first?.abnormalProbability ?? null;

  let summary: string;
  if (study) summary = `${style.label}: abnormality score ${percent(study.abnormalProbability)}, the mean of ${views.length} views.`;
  else if (score !== null) summary = `${style.label}: abnormality score ${percent(score)}.`;
  else summary = `${style.label}: ${first?.reason ?? first?.error ?? style.explanation}.`;

  const details: string[] = [];
  const thresholds = bodyPart ? manifest.thresholds[bodyPart] : undefined;
  if (bodyPart && thresholds && ANALYSED.includes(decision)) {
    const site = (study ?? first)?.siteThresholds ? " (this site's own thresholds)" : '';
    details.push(`${classLabel(bodyPart)} films${site}: normal below ${percent(thresholds.low)}, abnormal from ${percent(thresholds.high)}; in between the model cannot tell.`);
    if (decision === 'uncertain') {
      const explanation = DECISION_STYLES.uncertain.explanation;
      details.push(study ? explanation.replace('on this film', 'on these films') : explanation);
    }
    details.push(...partNotes(bodyPart, manifest.parts[bodyPart]));
  }
  const described = views.find((v) => v.header?.studyDate || v.header?.studyDescription)?.header;
  const studyLine = [
    described?.studyDate && `Study date: ${studyDate(described.studyDate)}`,
    described?.studyDescription && `Study description: ${described.studyDescription}`,
  ].filter(Boolean);
  if (studyLine.length) details.push(studyLine.join(' · '));

  const what = bodyPart && ANALYSED.includes(decision) ? `${titleCase(bodyPart)} ${study ? 'study' : 'film'}` : 'film';
  return {
    title: study ? `BoneLens report: ${subject.studyName ?? what} (${what}, ${views.length} views)` : `BoneLens report: ${views[0]?.title ?? what} (${what})`,
    decision,
    summary,
    details,
    views: views.map(({ title, result, header }) => ({
      title,
      decision: result.decision,
      lines: viewLines(result, header),
      analysed: ANALYSED.includes(result.decision),
    })),
    impression: `${IMPRESSION_LINE} ______________________________________________`,
    footer: [
      `Model version ${manifest.version} · report made ${createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC on this device.`,
      `${HEATMAP_CAPTION} ${NOT_A_MEDICAL_DEVICE}`,
    ],
  };
}
