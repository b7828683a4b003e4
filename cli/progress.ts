// Progress of a batch on stderr: "123/4567 files, 12.3 img/s, ETA 5m", at most once a second on a terminal
// (rewriting one line) and once every ten seconds otherwise (one line each, for logs).

export interface ProgressState {
  /** files finished, skipped ones of a resumed run included */
  done: number;
  total: number;
  /** files and images (rows) finished by this run, and the seconds it has taken */
  filesThisRun: number;
  imagesThisRun: number;
  seconds: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.round(s / 60)}m`;
  const hours = Math.floor(s / 3600);
  return `${hours}h ${String(Math.round((s - hours * 3600) / 60)).padStart(2, '0')}m`;
}

export function progressLine(state: ProgressState): string {
  const { done, total, filesThisRun, imagesThisRun, seconds } = state;
  const rate = seconds > 0 ? imagesThisRun / seconds : 0;
  const filesPerSecond = seconds > 0 ? filesThisRun / seconds : 0;
  const eta = done >= total ? 'done' : filesPerSecond > 0 ? `ETA ${formatDuration((total - done) / filesPerSecond)}` : 'ETA ?';
  return `${done}/${total} files, ${rate.toFixed(1)} img/s, ${eta}`;
}

export class Progress {
  private filesThisRun = 0;
  private imagesThisRun = 0;
  private lastShown = -Infinity;
  private readonly started: number;

  constructor(
    private readonly total: number,
    private done: number,
    private readonly write: (text: string) => void,
    private readonly terminal: boolean,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
  }

  private get intervalMs(): number {
    return this.terminal ? 1000 : 10_000;
  }

  line(): string {
    return progressLine({
      done: this.done,
      total: this.total,
      filesThisRun: this.filesThisRun,
      imagesThisRun: this.imagesThisRun,
      seconds: (this.now() - this.started) / 1000,
    });
  }

  /** One more file finished, with `images` rows. */
  fileDone(images: number): void {
    this.done++;
    this.filesThisRun++;
    this.imagesThisRun += images;
    const now = this.now();
    if (now - this.lastShown < this.intervalMs) return;
    this.lastShown = now;
    this.write(this.terminal ? `\r${this.line()}\x1b[K` : `${this.line()}\n`);
  }

  finish(): void {
    this.write(this.terminal ? `\r${this.line()}\x1b[K\n` : `${this.line()}\n`);
  }
}
