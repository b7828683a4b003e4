// Reading the truth of a site's labelled cases from how they are laid out, the same in the app (a dropped
// folder) and the CLI (a folder on disk). Paths are relative, with '/' between folders. Three layouts:
//  - folders named for the label: .../normal/x.png, .../abnormal/y.png, optionally per part: elbow/normal/x.png
//  - MURA's: XR_ELBOW/patient00011/study1_positive/image1.png (a study per study folder)
//  - a CSV beside the images: file,label[,body_part] (a header row naming the columns is optional; a `study`
//    column may group views into studies); it wins over folder names.

export type Label = 'normal' | 'abnormal';

export interface CaseLabel {
  label: Label;
  /** the body part the layout names, when it names one (lower case) */
  part: string | null;
  /** the study the case belongs to, when the layout says (views of one study are averaged) */
  study: string | null;
}

export interface LabelledLayout {
  /** path -> its label, for every path the layout labels */
  labels: Map<string, CaseLabel>;
  /** paths the layout gives no label for */
  unlabelled: string[];
  /** what was wrong in the CSV, one line each ("labels.csv line 4: ...") */
  problems: string[];
}

const LABEL_WORDS: Record<string, Label> = {
  normal: 'normal',
  negative: 'normal',
  '0': 'normal',
  abnormal: 'abnormal',
  positive: 'abnormal',
  '1': 'abnormal',
};

/** "normal", "Abnormal", "positive", "0", "1" ... as a label, or null. */
export function labelOf(word: string): Label | null {
  return LABEL_WORDS[word.trim().toLowerCase()] ?? null;
}

const MURA_STUDY = /^study\d+_(positive|negative)$/i;
const MURA_PART = /^XR_([A-Z]+)$/i;

function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.');
}

/** The label a file's folders give it, or null; a folder above `normal/` names the part when it is one of `parts`. */
export function labelFromPath(path: string, parts: readonly string[]): CaseLabel | null {
  const folders = segmentsOf(path).slice(0, -1);
  for (let i = folders.length - 1; i >= 0; i--) {
    const mura = MURA_STUDY.exec(folders[i]);
    if (mura) {
      const partFolder = folders.slice(0, i).reverse().find((f) => MURA_PART.test(f));
      return {
        label: mura[1].toLowerCase() === 'positive' ? 'abnormal' : 'normal',
        part: partFolder ? MURA_PART.exec(partFolder)![1].toLowerCase() : null,
        study: folders.slice(0, i + 1).join('/'),
      };
    }
    const name = folders[i].toLowerCase();
    if (name === 'normal' || name === 'abnormal') {
      const parent = folders[i - 1]?.toLowerCase();
      return { label: name, part: parent !== undefined && parts.includes(parent) ? parent : null, study: null };
    }
  }
  return null;
}

/** One CSV line split into fields (RFC 4180 quoting). */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

export interface CsvLabels {
  /** file as written in the CSV -> its label */
  rows: Map<string, CaseLabel>;
  problems: string[];
}

const COLUMN_NAMES: Record<string, 'file' | 'label' | 'part' | 'study'> = {
  file: 'file', path: 'file', image: 'file', filename: 'file',
  label: 'label', truth: 'label',
  body_part: 'part', bodypart: 'part', part: 'part',
  study: 'study',
};

/** The rows of a labels CSV (`file,label[,body_part]`); `name` is used in messages. */
export function parseLabelsCsv(source: string, name = 'labels.csv'): CsvLabels {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows = new Map<string, CaseLabel>();
  const problems: string[] = [];
  let columns = { file: 0, label: 1, part: 2, study: -1 };
  const first = csvFields(lines[0] ?? '');
  const headed = first.some((f) => COLUMN_NAMES[f.toLowerCase()] === 'file') && first.some((f) => COLUMN_NAMES[f.toLowerCase()] === 'label');
  if (headed) {
    const at = (column: string) => first.findIndex((f) => COLUMN_NAMES[f.toLowerCase()] === column);
    columns = { file: at('file'), label: at('label'), part: at('part'), study: at('study') };
  }
  for (let i = headed ? 1 : 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const fields = csvFields(lines[i]);
    const where = `${name} line ${i + 1}`;
    const file = fields[columns.file] ?? '';
    const word = fields[columns.label] ?? '';
    const label = labelOf(word);
    if (!file) problems.push(`${where}: no file name`);
    else if (!label) problems.push(`${where}: label "${word}" is not normal or abnormal`);
    else if (rows.has(file)) problems.push(`${where}: ${file} is listed twice (the first row is kept)`);
    else {
      const part = columns.part >= 0 && fields[columns.part] ? fields[columns.part].toLowerCase() : null;
      const study = columns.study >= 0 && fields[columns.study] ? fields[columns.study] : null;
      rows.set(file, { label, part, study });
    }
  }
  return { rows, problems };
}

function folderOf(path: string): string {
  const segments = segmentsOf(path);
  return segments.slice(0, -1).join('/');
}

function join(folder: string, file: string): string {
  return segmentsOf(folder ? `${folder}/${file}` : file).join('/');
}

/**
 * The labels of `paths` (the images found; `parts`: body-part names a folder may carry), from a labels CSV when one is given (`csvPath` relative like the
 * images; its rows name files relative to its folder, or by a name that is unique among the images), else from
 * the folders. An image the CSV does not list falls back to its folders.
 */
export function labelCases(paths: readonly string[], parts: readonly string[], csv?: { path: string; text: string }): LabelledLayout {
  const labels = new Map<string, CaseLabel>();
  const problems: string[] = [];
  const fromCsv = new Map<string, CaseLabel>();
  if (csv) {
    const parsed = parseLabelsCsv(csv.text, segmentsOf(csv.path).at(-1));
    problems.push(...parsed.problems);
    const byPath = new Map(paths.map((p) => [segmentsOf(p).join('/'), p]));
    const byName = new Map<string, string[]>();
    for (const p of paths) {
      const name = segmentsOf(p).at(-1) ?? p;
      byName.set(name, [...(byName.get(name) ?? []), p]);
    }
    const folder = folderOf(csv.path);
    for (const [file, label] of parsed.rows) {
      const match = byPath.get(join(folder, file)) ?? byPath.get(segmentsOf(file).join('/'));
      const named = byName.get(segmentsOf(file).at(-1) ?? file) ?? [];
      const path = match ?? (named.length === 1 ? named[0] : undefined);
      if (path) fromCsv.set(path, label);
      else problems.push(`${segmentsOf(csv.path).at(-1)}: ${file} is not among the images${named.length > 1 ? ' (several images have that name)' : ''}`);
    }
  }
  const unlabelled: string[] = [];
  for (const path of paths) {
    const label = fromCsv.get(path) ?? labelFromPath(path, parts);
    if (label) labels.set(path, label);
    else unlabelled.push(path);
  }
  return { labels, unlabelled, problems };
}
