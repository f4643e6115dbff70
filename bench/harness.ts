import { SLACK_TIMING } from "../src/slack/services.js";
// Shared bench plumbing: every figure is printed with its ratio to a baseline measured in the same run.

export interface BenchRow {
  bench: string;
  store?: string;
  figure: string;
  value: number;
  unit: string;
  baseline?: { label: string; value: number };
  /** "higher" when bigger is better (throughput), "lower" for times. */
  better: "higher" | "lower";
  target?: string;
}

/** A latency figure measured against Slack's 3 s acknowledgement deadline (the platform's own limit). */
export function deadlineRow(bench: string, store: string, figure: string, value: number, target?: string): BenchRow {
  return {
    bench,
    store,
    figure,
    value,
    unit: "ms",
    baseline: { label: "Slack 3 s deadline", value: SLACK_TIMING.ackDeadlineMs },
    better: "lower",
    ...(target ? { target } : {}),
  };
}

export async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  const result = await fn();
  return { ms: performance.now() - t0, result };
}

export function ratio(row: BenchRow): string {
  if (!row.baseline || row.baseline.value === 0) return "";
  const r = row.value / row.baseline.value;
  return `${r.toFixed(2)}x ${row.baseline.label}`;
}

export function printTable(rows: BenchRow[]) {
  const head = ["bench", "store", "figure", "value", "vs baseline", "target"];
  const body = rows.map((r) => [
    r.bench,
    r.store ?? "",
    r.figure,
    `${r.value.toLocaleString("en", { maximumFractionDigits: 1 })} ${r.unit}`,
    ratio(r),
    r.target ?? "",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const b of body) console.log(line(b));
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, idx)]!;
}
