// Turns the benchmark's measurements into rows (metric, value, target, verdict) and prints them as a table.

export interface Row {
  section: string;
  metric: string;
  value: string;
  target?: string;
  /** undefined: no target (information only) */
  pass?: boolean;
}

export const ms = (value: number) => (Number.isFinite(value) ? `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms` : 'n/a');
export const seconds = (valueMs: number) => (Number.isFinite(valueMs) ? `${(valueMs / 1000).toFixed(2)} s` : 'n/a');
export const bytes = (value: number) =>
  value >= 1e6 ? `${(value / 1e6).toFixed(2)} MB` : value >= 1e3 ? `${(value / 1e3).toFixed(1)} kB` : `${value} B`;

/** `at most` a limit: passes when value <= limit. */
export function atMost(value: number, limit: number, shown: string): Pick<Row, 'target' | 'pass'> {
  return { target: `<= ${shown}`, pass: Number.isFinite(value) && value <= limit };
}

export function atLeast(value: number, limit: number, shown: string): Pick<Row, 'target' | 'pass'> {
  return { target: `>= ${shown}`, pass: Number.isFinite(value) && value >= limit };
}

export function formatTable(rows: Row[]): string {
  const verdict = (row: Row) => (row.pass === undefined ? '' : row.pass ? 'ok' : 'MISSED');
  const columns = ['metric', 'value', 'target', ''] as const;
  const cells = rows.map((r) => [r.metric, r.value, r.target ?? '', verdict(r)]);
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  const out: string[] = [];
  let section = '';
  for (const [index, row] of rows.entries()) {
    if (row.section !== section) {
      section = row.section;
      out.push('', `== ${section}`, line(columns));
    }
    out.push(line(cells[index]!));
  }
  return out.join('\n');
}
