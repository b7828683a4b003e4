// The page's exports: a report for any result (PNG, or a printable page) and the batch's CSV. All are made on
// this device from results and non-identifying header fields; the patient's name and ID are never passed in,
// and with "anonymise file names" on (the default) file names give way to "Image 1, 2, 3".
import { exportCsv, type ExportImage, type ExportStudy } from '../pipeline/csv';
import { bodyPartClasses, type Manifest } from '../pipeline/manifest';
import type { StudyResult } from '../pipeline/types';
import { canvasPng, composeView, downloadBlob, drawReport, type ReportImages } from '../ui/report';
import { imageNames, studyNames } from './export-names';
import { reportContent, type ReportContent } from './report-content';
import type { Entry, StudyGroup } from './session.svelte';

export interface Report {
  content: ReportContent;
  /** each view's pictures, in the order of `content.views` */
  images: ReportImages[];
}

/** What a report is about: a study of several views, or one image. */
export interface ReportTarget {
  study: StudyResult | null;
  /** the study's key (studies only), for its export name */
  key?: string;
  entries: Entry[];
}

export interface ExportNames {
  images: Map<number, string>;
  studies: Map<string, string>;
}

export function exportNamesOf(entries: readonly Entry[], groups: readonly StudyGroup[], anonymise: boolean): ExportNames {
  return { images: imageNames(entries, anonymise), studies: studyNames(groups, anonymise) };
}

export function buildReport(target: ReportTarget, manifest: Manifest, names: ExportNames, now = new Date()): Report {
  const withResults = target.entries.flatMap((entry) => (entry.reply ? [{ entry, reply: entry.reply }] : []));
  const content = reportContent(
    {
      study: target.study,
      studyName: target.key ? names.studies.get(target.key) : undefined,
      views: withResults.map(({ entry, reply }) => ({
        title: names.images.get(entry.id) ?? 'Image',
        result: reply.result,
        header: reply.dicom?.meta,
      })),
    },
    manifest,
    now,
  );
  const images = withResults.map(({ reply }, i): ReportImages => ({
    clean: reply.preview ? composeView(reply.preview, null) : null,
    heat: reply.preview && reply.result.heatmap && content.views[i]?.analysed ? composeView(reply.preview, reply.result.heatmap) : null,
  }));
  return { content, images };
}

/** A file name that says what the report is, never whose. */
export function reportFileName(target: ReportTarget, names: ExportNames): string {
  const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const name = target.key ? names.studies.get(target.key) : names.images.get(target.entries[0]?.id ?? -1);
  const generic = target.study ? `${target.study.bodyPart}-study` : 'image';
  // with anonymising off the name is a file name: still kept out of the report's own file name
  return `bonelens-report-${slug(/^(Image|Study) \d+$/.test(name ?? '') ? name! : generic)}.png`;
}

export async function downloadReportPng(target: ReportTarget, manifest: Manifest, names: ExportNames): Promise<void> {
  const report = buildReport(target, manifest, names);
  const blob = await canvasPng(drawReport(report.content, report.images));
  downloadBlob(blob, reportFileName(target, names));
}

export function batchCsv(entries: readonly Entry[], groups: readonly StudyGroup[], manifest: Manifest, names: ExportNames, now = new Date()): string {
  const studyOfEntry = new Map<number, string>();
  for (const group of groups) for (const entry of group.entries) studyOfEntry.set(entry.id, names.studies.get(group.key) ?? '');
  const images: ExportImage[] = entries.flatMap((entry) =>
    entry.reply ? [{ name: names.images.get(entry.id) ?? '', study: studyOfEntry.get(entry.id) ?? null, result: entry.reply.result }] : [],
  );
  const studies: ExportStudy[] = groups.map((group) => ({
    name: names.studies.get(group.key) ?? '',
    bodyPart: group.study.bodyPart,
    images: group.entries.map((entry) => names.images.get(entry.id) ?? ''),
    abnormalProbability: group.study.abnormalProbability,
    decision: group.study.decision,
  }));
  return exportCsv(images, studies, bodyPartClasses(manifest), manifest, now);
}

export function downloadBatchCsv(entries: readonly Entry[], groups: readonly StudyGroup[], manifest: Manifest, anonymise: boolean): void {
  const csv = batchCsv(entries, groups, manifest, exportNamesOf(entries, groups, anonymise));
  downloadBlob(new Blob([csv], { type: 'text/csv' }), 'bonelens-results.csv');
}
