// Resuming an interrupted run: which input files an existing output file already has rows for, and where
// its last complete row ends. Rows are written one input file at a time, so an interruption leaves at most
// one partial line at the end; that line is dropped, and when it cut a multi-frame file (rows "path#1",
// "path#2", ...) that file's earlier rows are dropped too, so that no file is half-reported.

export interface ResumePoint {
  /** files (as the CLI names them in the `file` column) that have all their rows */
  done: Set<string>;
  /** how many bytes of the output to keep; the rest is cut off before appending */
  keepBytes: number;
  /** complete rows kept */
  rows: number;
  /** CSV only: whether the kept part starts with the header */
  hasHeader: boolean;
  /** the partial line that was dropped, if any (its start, for the message) */
  dropped?: string;
}

const NEWLINE = 0x0a;
const FRAME_SUFFIX = /#\d+$/;

/** The first field of a CSV row (RFC 4180 quoting, as src/pipeline/csv.ts writes it). */
export function firstCsvField(line: string): string {
  if (!line.startsWith('"')) {
    const comma = line.indexOf(',');
    return comma < 0 ? line : line.slice(0, comma);
  }
  let value = '';
  for (let i = 1; i < line.length; i++) {
    if (line[i] === '"') {
      if (line[i + 1] === '"') {
        value += '"';
        i++;
      } else return value;
    } else value += line[i];
  }
  throw new Error('unterminated quoted field');
}

function rowFile(line: string, csv: boolean, number: number): string {
  try {
    if (csv) return firstCsvField(line);
    const row = JSON.parse(line) as { file?: unknown };
    if (typeof row.file === 'string') return row.file;
  } catch {
    // fall through
  }
  throw new Error(
    `line ${number} of the output is not a ${csv ? 'CSV' : 'JSON'} row written by this tool; resume with the same --csv setting as the interrupted run`,
  );
}

/** The file a row belongs to: a multi-frame DICOM file's rows are "path#1", "path#2", ... */
function baseOf(file: string): string {
  return file.replace(FRAME_SUFFIX, '');
}

export function resumePoint(output: Uint8Array, csv: boolean): ResumePoint {
  const lastNewline = output.lastIndexOf(NEWLINE);
  const complete = lastNewline + 1;
  const partial = complete < output.length;
  const text = new TextDecoder().decode(output.subarray(0, complete));
  const lines = text.length ? text.slice(0, -1).split('\n') : [];
  const hasHeader = csv && lines.length > 0 && lines[0].startsWith('file,');
  const rows = lines.slice(hasHeader ? 1 : 0).map((line, i) => ({ line, file: rowFile(line, csv, i + (hasHeader ? 2 : 1)) }));
  let keepRows = rows.length;
  if (partial && keepRows > 0 && FRAME_SUFFIX.test(rows[keepRows - 1].file)) {
    // the cut may be inside a multi-frame file: redo all of it
    const base = baseOf(rows[keepRows - 1].file);
    while (keepRows > 0 && FRAME_SUFFIX.test(rows[keepRows - 1].file) && baseOf(rows[keepRows - 1].file) === base) keepRows--;
  }
  const kept = rows.slice(0, keepRows);
  const keptText = [...(hasHeader ? [lines[0]] : []), ...kept.map((r) => r.line)].map((line) => `${line}\n`).join('');
  const done = new Set<string>();
  for (const { file } of kept) done.add(FRAME_SUFFIX.test(file) ? baseOf(file) : file);
  return {
    done,
    keepBytes: new TextEncoder().encode(keptText).length,
    rows: kept.length,
    hasHeader,
    dropped: partial ? new TextDecoder().decode(output.subarray(complete, complete + 80)) : undefined,
  };
}
