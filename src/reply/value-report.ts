// The value report as a reader gets it: Markdown, a printable HTML page, and the chat answer that
// carries both. Every value from the store is data (marked by the catalogue) and escaped here.
import { dayToDate } from "../domain/dates.js";
import { sectionEmpty, type ValueReport } from "../domain/value-report.js";
import { type T, tFor } from "../i18n/catalogue.js";
import { formatDate, formatNumber, formatPercent, type Locale } from "../i18n/locale.js";
import { plain, renderRich } from "../text/user-data.js";

export interface ReportSection {
  id: "results" | "help" | "improvements" | "plan";
  heading: string;
  /** Bullets (Tend's text with data marked); empty: `empty` is said instead. */
  items: string[];
  empty?: string;
}

export interface ReportDoc {
  locale: Locale;
  title: string;
  period: string;
  prepared: string;
  sections: ReportSection[];
}

export function reportDoc(r: ValueReport, locale: Locale, ownerName: string | null): ReportDoc {
  const t = tFor(locale);
  const date = (iso: string) => formatDate(locale, dayToDate(iso));
  const pct = (v: number | null) => (v === null ? "-" : formatPercent(locale, v));
  const n = (v: number) => formatNumber(locale, v);
  const sections: ReportSection[] = [
    { id: "results", heading: t("report.results"), items: results(r, t, date, pct, n, locale) },
    { id: "help", heading: t("report.help"), items: help(r, t, date) },
    {
      id: "improvements",
      heading: t("report.improvements"),
      items: [
        ...r.improvements.delivered.map((x) => t("report.delivered", { title: x.title, date: date(x.day) })),
        ...r.improvements.promisesKept.map((x) => t("report.kept", { title: x.title, date: date(x.day) })),
        ...r.improvements.inProgress.map((x) => t("report.in_progress", { title: x.title })),
      ],
    },
    {
      id: "plan",
      heading: t("report.plan"),
      items: [
        ...r.plan.milestones.map((x) => t("report.plan.milestone", { title: x.title, date: date(x.due) })),
        ...r.plan.promisesOpen.map((x) => t("report.plan.promise", { title: x.title, date: date(x.due) })),
        ...r.plan.opportunities.map((x) => t(`report.plan.${x.kind}`, { title: x.title })),
        ...(r.plan.renewalDue ? [t("report.plan.renewal", { date: date(r.plan.renewalDue) })] : []),
      ],
    },
  ];
  for (const s of sections) if (sectionEmpty[s.id](r)) s.empty = t("report.no_data");
  // Goals are not in the store: the plan says so, in every report.
  const plan = sections[3] as ReportSection;
  plan.items.push(t("report.plan.goals"));
  return {
    locale,
    title: t("report.title", { account: r.accountName }),
    period: t("report.period", { from: date(r.since), to: date(r.today) }),
    prepared: ownerName
      ? t("report.prepared", { owner: ownerName, date: date(r.today) })
      : t("report.prepared_no_owner", { date: date(r.today) }),
    sections,
  };
}

function results(
  r: ValueReport,
  t: T,
  date: (iso: string) => string,
  pct: (v: number | null) => string,
  n: (v: number) => string,
  locale: Locale,
): string[] {
  const out: string[] = [];
  const u = r.results.usage;
  if (u) {
    const change =
      u.activeChange === null || Math.abs(u.activeChange) < 0.005
        ? t("report.usage.no_change")
        : `${u.activeChange > 0 ? "+" : ""}${formatPercent(locale, u.activeChange)}`;
    out.push(
      t(u.basis === "go_live" ? "report.usage.go_live" : "report.usage.year_ago", {
        before: n(u.then.activeUsers),
        now: n(u.now.activeUsers),
        date: date(u.then.from),
        change,
      }),
    );
    if (u.activationNow !== null)
      out.push(t("report.activation", { before: pct(u.activationThen), now: pct(u.activationNow) }));
    if (u.coreNow !== null) out.push(t("report.core", { before: pct(u.coreThen), now: pct(u.coreNow) }));
  } else if (r.results.usageNow) {
    const now = r.results.usageNow;
    out.push(t("report.usage.only_now", { now: n(now.activeUsers) }));
    if (now.seats > 0) out.push(t("report.activation_now", { now: pct(now.activatedUsers / now.seats) }));
  }
  for (const m of r.results.milestones) out.push(t("report.milestone_done", { title: m.title, date: date(m.day) }));
  return out;
}

function help(r: ValueReport, t: T, date: (iso: string) => string): string[] {
  const out = r.help.counts.map((c) => t(`report.help.${c.kind}`, { count: c.count, date: date(c.last) }));
  if (r.help.requests.raised > 0) out.push(t("report.help.requests", r.help.requests));
  return out;
}

// ---- Markdown ----

/** A value someone typed, shown literally in Markdown, on one line. */
export function markdownLiteral(v: string): string {
  // Values never start a line here (each follows a label or a bullet), so only what acts inside a
  // line is escaped: emphasis, code, links, tables, HTML and entities.
  return v.replace(/\s*\n\s*/g, " ").replace(/[\\`*_[\]<>&|~]/g, "\\$&");
}

const md = (s: string) =>
  renderRich(
    s,
    (tend) => tend,
    (v) => markdownLiteral(v),
  );

export function reportMarkdown(doc: ReportDoc): string {
  const out = [`# ${md(doc.title)}`, "", `_${md(doc.period)}_`, ""];
  for (const s of doc.sections) {
    out.push(`## ${md(s.heading)}`, "");
    if (s.empty) out.push(md(s.empty), "");
    const items = s.empty && s.id !== "plan" ? [] : s.items;
    for (const i of items) out.push(`- ${md(i)}`);
    if (items.length > 0) out.push("");
  }
  out.push(`_${md(doc.prepared)}_`, "");
  return out.join("\n");
}

// ---- HTML ----

export function escapeHtml(v: string): string {
  return v.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

const html = (s: string) =>
  renderRich(
    s,
    (tend) => escapeHtml(tend).replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>"),
    (v) => escapeHtml(v),
  );

const PRINT_CSS = `
  :root { color-scheme: light; }
  body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; color: #1f2328;
         max-width: 46rem; margin: 2.5rem auto; padding: 0 1.5rem; line-height: 1.55; }
  h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
  .period { color: #57606a; margin: 0 0 2rem; }
  h2 { font-size: 1.15rem; border-bottom: 2px solid #2e9d5b; padding-bottom: .2rem; margin-top: 2rem; }
  ul { padding-left: 1.25rem; } li { margin: .3rem 0; }
  .empty { color: #57606a; font-style: italic; }
  footer { margin-top: 2.5rem; color: #57606a; font-size: .9rem; }
  @page { size: A4; margin: 18mm; }
  @media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } li, section { break-inside: avoid; } }
`;

export function reportHtml(doc: ReportDoc): string {
  const sections = doc.sections
    .map((s) => {
      const items = s.empty && s.id !== "plan" ? [] : s.items;
      return [
        `<section id="${s.id}">`,
        `<h2>${html(s.heading)}</h2>`,
        s.empty ? `<p class="empty">${html(s.empty)}</p>` : "",
        items.length ? `<ul>\n${items.map((i) => `<li>${html(i)}</li>`).join("\n")}\n</ul>` : "",
        "</section>",
      ]
        .filter(Boolean)
        .join("\n");
    })
    .join("\n");
  return `<!doctype html>
<html lang="${doc.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(plain(doc.title))}</title>
<style>${PRINT_CSS}</style>
</head>
<body>
<header><h1>${html(doc.title)}</h1><p class="period">${html(doc.period)}</p></header>
${sections}
<footer>${html(doc.prepared)}</footer>
</body>
</html>
`;
}
