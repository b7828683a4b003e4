// Where the CLI's rows go: stdout, or a file (--out) that is replaced, or resumed (--resume): cut back to its
// last complete row (see resume.ts), then appended to. Each input file's rows are written in one call, so an
// interruption cuts at most the last line.
import { closeSync, existsSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { resumePoint } from './resume';

export interface Output {
  /** rows of one input file, each ending in a newline */
  write(text: string): void;
  close(): void;
  /** files the output already has rows for (resume only) */
  done: Set<string>;
  /** what resuming found, in words, for stderr */
  note?: string;
}

function fileWriter(fd: number): (text: string) => void {
  return (text) => {
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
  };
}

export function openOutput(options: { out: string | null; resume: boolean; csv: boolean; header: string }): Output {
  const { out, resume, csv, header } = options;
  if (!out) {
    if (csv) process.stdout.write(`${header}\n`);
    return { write: (text) => process.stdout.write(text), close: () => {}, done: new Set() };
  }
  if (resume && existsSync(out)) {
    const point = resumePoint(new Uint8Array(readFileSync(out)), csv);
    truncateSync(out, point.keepBytes);
    const fd = openSync(out, 'a');
    const write = fileWriter(fd);
    if (csv && !point.hasHeader && point.rows === 0) write(`${header}\n`);
    const cut = point.dropped !== undefined ? '; its cut-off last line is redone' : '';
    return {
      write,
      close: () => closeSync(fd),
      done: point.done,
      note: `resuming ${out}: ${point.done.size} file${point.done.size === 1 ? '' : 's'} already done (${point.rows} rows)${cut}`,
    };
  }
  const fd = openSync(out, 'w');
  const write = fileWriter(fd);
  if (csv) write(`${header}\n`);
  return { write, close: () => closeSync(fd), done: new Set() };
}
