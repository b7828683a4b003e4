// The page's exports: a report per study (PNG, or a printable page) and the batch's CSV. All are made on this
// device from results and non-identifying header fields; the patient's name and ID are never passed in.
import { csvTable } from '../pipeline/csv';
import { bodyPartClasses, type Manifest } from '../pipeline/manifest';
import { canvasPng, composeView, downloadBlob, drawReport } from '../ui/report';
import { studyReportContent, type ReportContent } from './report-content';
import type { Entry, StudyGroup } from './session.svelte';

export interface StudyReport {
  content: ReportContent;
  /** each view with its heatmap, in the order of `content.views` */
  views: (HTMLCanvasElement | null)[];
}

export function studyReport(group: StudyGroup, manifest: Manifest, now = new Date()): StudyReport {
  const withResults = group.entries.flatMap((entry) => (entry.reply ? [entry.reply] : []));
  const content = studyReportContent(
    group.study,
    withResults.map((reply) => ({ result: reply.result, header: reply.dicom?.meta })),
    manifest,
    now,
  );
  const views = withResults.map((reply) => (reply.preview ? composeView(reply.preview, reply.result.heatmap) : null));
  return { content, views };
}

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');

export async function downloadStudyPng(group: StudyGroup, manifest: Manifest, index: number): Promise<void> {
  const report = studyReport(group, manifest);
  const blob = await canvasPng(drawReport(report.content, report.views));
  downloadBlob(blob, `bonelens-${slug(group.study.bodyPart)}-study-${index + 1}.png`);
}

export function downloadBatchCsv(entries: readonly Entry[], manifest: Manifest): void {
  const classes = bodyPartClasses(manifest);
  const results = entries.flatMap((entry) => (entry.reply ? [entry.reply.result] : []));
  downloadBlob(new Blob([csvTable(results, classes)], { type: 'text/csv' }), 'bonelens-results.csv');
}
