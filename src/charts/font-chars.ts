import { CHART_EXTRA_CHARS, CHART_LABELS } from "./labels.js";

// The characters the bundled chart font must cover: printable ASCII, the chart labels in every
// locale and CHART_EXTRA_CHARS. `npx tsx src/charts/font-chars.ts` prints them for the subset
// script (assets/fonts/make-chart-font.sh).

export function chartFontChars(): string[] {
  const set = new Set<string>();
  for (let c = 0x20; c < 0x7f; c++) set.add(String.fromCharCode(c));
  for (const c of CHART_EXTRA_CHARS) set.add(c);
  for (const labels of Object.values(CHART_LABELS))
    for (const text of Object.values(labels)) for (const c of text) set.add(c);
  return [...set].sort();
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(chartFontChars().join(""));
