// Progress of long work (imports, the demo, a recompute range) for people at a terminal: one line
// rewritten in place at most a few times a second. Off a terminal (a log, a pipe, CI) nothing is drawn
// while the work runs, and one quiet line says what was done, so logs stay clean.

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  /** `done` of `total` units (total unknown: 0); `detail` is the rest of the line. */
  update(done: number, total: number, detail?: string): void;
  /** Clears the live line before other output (redrawn at the next update). */
  clear(): void;
  /** Clears the live line; off a terminal prints `summary` as the one line. */
  finish(summary?: string): void;
}

const QUIET: Progress = { update() {}, clear() {}, finish() {} };
const REDRAW_MS = 150;

const fmt = (n: number) => Math.round(n).toLocaleString("en");

function duration(sec: number): string {
  if (sec < 60) return `${Math.ceil(sec)} s`;
  const m = Math.floor(sec / 60);
  return `${m} min ${Math.round(sec - m * 60)} s`;
}

/** `unit` names what is counted ("rows", "days"); no stream: no progress at all (tests, library use). */
export function progress(stream: ProgressStream | undefined, label: string, unit: string): Progress {
  if (!stream) return QUIET;
  const started = performance.now();
  // The first update always draws: performance.now() counts from the thread's start, which can be
  // less than REDRAW_MS ago (a worker thread, a fast command).
  let drawn = Number.NEGATIVE_INFINITY;
  let last = { done: 0, total: 0 };
  const line = (done: number, total: number, detail?: string) => {
    const sec = (performance.now() - started) / 1000;
    const rate = sec > 0 ? done / sec : 0;
    const left = total > done && rate > 0 ? ` · ~${duration((total - done) / rate)} left` : "";
    const of = total > 0 ? ` of ~${fmt(total)}` : "";
    return `${label}: ${fmt(done)}${of} ${unit}${detail ? ` (${detail})` : ""} · ${fmt(rate)} ${unit}/s${left}`;
  };
  if (!stream.isTTY)
    return {
      update(done, total) {
        last = { done, total };
      },
      clear() {},
      finish(summary) {
        const sec = (performance.now() - started) / 1000;
        stream.write(`${summary ?? `${label}: ${fmt(last.done)} ${unit}`} in ${sec.toFixed(1)} s\n`);
      },
    };
  let shown = false;
  return {
    update(done, total, detail) {
      const now = performance.now();
      if (now - drawn < REDRAW_MS) return;
      drawn = now;
      const text = line(done, total, detail).slice(0, (stream.columns ?? 100) - 1);
      stream.write(`\r\u001b[2K${text}`);
      shown = true;
    },
    clear() {
      if (shown) stream.write("\r\u001b[2K");
      shown = false;
      drawn = Number.NEGATIVE_INFINITY;
    },
    finish() {
      if (shown) stream.write("\r\u001b[2K");
      shown = false;
    },
  };
}
