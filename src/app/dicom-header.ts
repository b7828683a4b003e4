// What the DICOM header says about a view, next to what the model says: grouping by StudyInstanceUID and a
// body-part (dis)agreement in words. Pure: the patient fields are never read here.
import type { DicomMeta } from '../pipeline/dicom/index';

/**
 * The study a view belongs to unless the user says otherwise: its DICOM study (StudyInstanceUID), else the
 * folder it was dropped in; else none (images dropped together are not pooled unasked).
 */
export function defaultStudyKey(meta: Pick<DicomMeta, 'studyInstanceUid'> | undefined, folder: string | undefined): string | null {
  if (meta?.studyInstanceUid) return `study:${meta.studyInstanceUid}`;
  return folder ? `folder:${folder}` : null;
}

export interface HeaderField {
  label: string;
  value: string;
}

const LATERALITY: Record<string, string> = { L: 'left', R: 'right', B: 'both', U: 'unpaired' };

/** The header fields a reader compares with the model's call (absent ones left out). */
export function headerFields(meta: Pick<DicomMeta, 'bodyPartExamined' | 'viewPosition' | 'laterality' | 'modality'>): HeaderField[] {
  const fields: [string, string | undefined][] = [
    ['Body part (header)', meta.bodyPartExamined],
    ['View', meta.viewPosition],
    ['Laterality', meta.laterality && `${meta.laterality}${LATERALITY[meta.laterality] ? ` (${LATERALITY[meta.laterality]})` : ''}`],
    ['Modality', meta.modality],
  ];
  return fields.flatMap(([label, value]) => (value ? [{ label, value }] : []));
}

export type Agreement = { agrees: true; message: string } | { agrees: false; message: string } | null;

/**
 * Compares BodyPartExamined with the model's body-part call. `modelPart` is null when the model rejected the
 * image; `likeliest` is then its most probable class. Null when the header names no body part.
 */
export function bodyPartAgreement(
  headerPart: string | undefined,
  modelPart: string | null,
  likeliest: string | null,
  supported: readonly string[],
): Agreement {
  const header = headerPart?.trim();
  if (!header) return null;
  const headerAsModel = header.toLowerCase();
  const words = (part: string) => part.replace(/_/g, ' ');
  if (modelPart === null) {
    const guess = likeliest ? ` (most likely ${words(likeliest)})` : '';
    return supported.includes(headerAsModel)
      ? { agrees: false, message: `The header says ${header}, but the model did not recognise a supported body part${guess}.` }
      : { agrees: true, message: `The header says ${header}, which the models were not trained on; the model rejected the image too${guess}.` };
  }
  if (headerAsModel === modelPart) return { agrees: true, message: `The header and the model agree: ${modelPart}.` };
  const untrained = supported.includes(headerAsModel) ? '' : ', a body part the models were not trained on';
  return { agrees: false, message: `The header says ${header}${untrained}; the model says ${words(modelPart)}.` };
}
