// Chart attachments with the words beside them: each picture has a title and an alt text that says
// what it shows in numbers, for screen readers and surfaces without pictures. Alt texts (the
// catalogue's alt.*) hold only Tend's numbers and words: plain text, no data markers.
import { chartLabel } from "../charts/labels.js";
import type { ForecastSpec, GradeCounts } from "../charts/spec.js";
import { tPlain } from "../i18n/catalogue.js";
import type { Locale } from "../i18n/locale.js";
import type { Attachment } from "./model.js";

const firstOf = (xs: (number | null)[]) => xs.find((x) => x !== null) ?? null;
const lastOf = (xs: (number | null)[]) => [...xs].reverse().find((x) => x !== null) ?? null;

export function accountTrendAttachment(
  locale: Locale,
  rows: { days: string[]; score: (number | null)[]; activeUsers: (number | null)[]; seats: number | null },
): Attachment | undefined {
  const [s1, s2, u1, u2] = [
    firstOf(rows.score),
    lastOf(rows.score),
    firstOf(rows.activeUsers),
    lastOf(rows.activeUsers),
  ];
  if (s1 === null && u1 === null) return undefined;
  const days = rows.days.length;
  const alt =
    s1 === null
      ? tPlain(locale, "alt.trend_no_score", { days, u1: u1 as number, u2: u2 as number })
      : u1 === null
        ? tPlain(locale, "alt.trend_no_usage", { days, first: s1, last: s2 as number })
        : tPlain(locale, "alt.trend", { days, first: s1, last: s2 as number, u1, u2: u2 as number });
  return {
    kind: "chart",
    name: "health-usage-90-days",
    title: chartLabel(locale, "trend.title"),
    alt,
    chart: { type: "account-trend", locale, ...rows },
  };
}

export function healthDistributionAttachment(
  locale: Locale,
  m: { before: GradeCounts; now: GradeCounts; up: number; down: number },
): Attachment | undefined {
  const total = Object.values(m.now).reduce((a, b) => a + b, 0) + Object.values(m.before).reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const grades = (g: GradeCounts) => tPlain(locale, "alt.grades", { ...g });
  return {
    kind: "chart",
    name: "team-health",
    title: chartLabel(locale, "dist.title"),
    alt: tPlain(locale, "alt.dist", { b: grades(m.before), n: grades(m.now), up: m.up, down: m.down }),
    chart: { type: "health-distribution", locale, before: m.before, now: m.now, moves: { up: m.up, down: m.down } },
  };
}

export function forecastAttachment(spec: ForecastSpec): Attachment | undefined {
  if (spec.months.length === 0) return undefined;
  const months = spec.months
    .map((m, i) => {
      const parts = Object.entries(spec.byCall)
        .filter(([, v]) => (v?.[i] ?? 0) > 0)
        .map(([call, v]) => `${chartLabel(spec.locale, `call.${call}` as "call.commit")} ${Math.round(v?.[i] ?? 0)}`);
      return `${m} ${parts.join(", ") || "0"}`;
    })
    .join("; ");
  return {
    kind: "chart",
    name: `forecast-${spec.source}`,
    title: chartLabel(spec.locale, spec.source === "csm" ? "forecast.title.csm" : "forecast.title.model"),
    alt: tPlain(spec.locale, "alt.forecast", { currency: spec.currency, months }),
    chart: spec,
  };
}
