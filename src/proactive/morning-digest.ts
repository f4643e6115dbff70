import type { ProactiveConfig } from "../config/proactive.js";
import { addDays, daysBetween, dayToDate } from "../domain/dates.js";
import { tPlural as t, tPlain } from "../i18n/catalogue.js";
import { formatDate, formatMoney, type Locale, sep } from "../i18n/locale.js";
import type { Block, Reply, Tone } from "../reply/model.js";
import { reasonText } from "../reply/reasons.js";
import { arrByCurrency, gradeText, scoreOn } from "./format.js";
import { movedDown } from "./rules/health.js";
import type { RuleFacts } from "./rules/types.js";

// The team's morning risk digest: what changed since yesterday and what is at stake.

export interface DigestContent {
  newRisk: { f: RuleFacts; why: "red" | "quadrant" }[];
  fell: { f: RuleFacts; from: number; to: number }[];
  renewals: { f: RuleFacts; days: number }[];
  /** Renewals past their date with no outcome recorded (days since the date). */
  lapsed: { f: RuleFacts; days: number; arr: number }[];
  /** The red accounts, whose ARR the digest sums per currency. */
  red: { arr: number; currency: string }[];
  /** Accounts with a score for the day (none: the nightly recompute has not run). */
  scored: number;
  accounts: number;
}

/**
 * What today's digest of a team would say (pure): what changed, plus what is at stake every morning
 * whether or not anything changed - non-green renewals within 30 days and lapsed renewals.
 */
export function digestContent(accounts: RuleFacts[], day: string, config: ProactiveConfig): DigestContent {
  const yesterday = addDays(day, -1);
  const weekAgo = addDays(day, -7);
  const newRisk: DigestContent["newRisk"] = [];
  const fell: DigestContent["fell"] = [];
  const renewals: DigestContent["renewals"] = [];
  const lapsed: DigestContent["lapsed"] = [];
  const red: DigestContent["red"] = [];
  for (const f of accounts) {
    const today = scoreOn(f, day);
    const prev = scoreOn(f, yesterday);
    const old = scoreOn(f, weekAgo);
    if (today?.grade === "red") red.push({ arr: f.arr, currency: f.currency });
    if (today && prev) {
      const quadrantDown = movedDown(f.scores, day);
      if (today.grade === "red" && prev.grade !== "red") newRisk.push({ f, why: "red" });
      else if (quadrantDown) newRisk.push({ f, why: "quadrant" });
    }
    if (today && old && old.score - today.score > config.digestDropPoints && !newRisk.some((x) => x.f === f))
      fell.push({ f, from: old.score, to: today.score });
    const r = f.renewals.find((x) => {
      const left = daysBetween(day, x.dueDate);
      return left >= 0 && left <= 30;
    });
    if (r && today?.grade !== "green") renewals.push({ f, days: daysBetween(day, r.dueDate) });
    const late = f.renewals.find((x) => x.dueDate < day);
    if (late) lapsed.push({ f, days: daysBetween(late.dueDate, day), arr: late.arr });
  }
  const byArr = <T extends { f: RuleFacts }>(xs: T[]) => xs.sort((a, b) => b.f.arr - a.f.arr);
  return {
    newRisk: byArr(newRisk),
    fell: byArr(fell),
    renewals: renewals.sort((a, b) => a.days - b.days),
    lapsed: lapsed.sort((a, b) => b.days - a.days || b.f.arr - a.f.arr),
    red,
    scored: accounts.filter((f) => scoreOn(f, day)).length,
    accounts: accounts.length,
  };
}

/** A team's morning digest, or undefined when nothing is new and the config says not to post. */
export function composeDigest(
  locale: Locale,
  team: string,
  day: string,
  c: DigestContent,
  config: ProactiveConfig,
): Reply | undefined {
  // What the digest carries: what changed, and what is at stake even on a day nothing changed.
  const count = c.newRisk.length + c.fell.length + c.renewals.length + c.lapsed.length;
  if (c.accounts > 0 && c.scored === 0) {
    // Not "all quiet": we simply do not know yet. Say so rather than reassure.
    const text = t(locale, "digest.no_scores", { team, day: formatDate(locale, dayToDate(day)) });
    return { summary: text, blocks: [{ type: "text", text }] };
  }
  if (count === 0 && c.red.length === 0) {
    if (config.digestWhenQuiet === "skip") return undefined;
    return {
      summary: t(locale, "digest.quiet", { team }),
      blocks: [{ type: "text", text: t(locale, "digest.quiet", { team }) }],
    };
  }
  const blocks: Block[] = [
    { type: "header", text: t(locale, "digest.header", { team, day: formatDate(locale, dayToDate(day)) }) },
  ];
  const MAX = 15; // a digest is a glance, not a report: the rest is counted, one command away
  const more = (n: number, command?: string): { text: string; tone?: Tone }[] =>
    n > MAX
      ? [{ text: t(locale, command ? "digest.more_cmd" : "digest.more", { count: n - MAX, command: command ?? "" }) }]
      : [];
  if (count === 0) blocks.push({ type: "text", text: t(locale, "digest.still_red", { count: c.red.length }) });
  if (c.lapsed.length)
    blocks.push({
      type: "list",
      title: t(locale, "digest.lapsed"),
      items: c.lapsed
        .slice(0, MAX)
        .map(({ f, days, arr }): { text: string; tone?: Tone } => ({
          text: t(locale, "digest.lapsed_item", { account: f.name, days, arr: formatMoney(locale, arr, f.currency) }),
          tone: "danger" as const,
        }))
        .concat(more(c.lapsed.length, tPlain(locale, "cmd.renewals_team_days", { days: 30, team }))),
    });
  if (c.newRisk.length)
    blocks.push({
      type: "list",
      title: t(locale, "digest.new_risk"),
      items: c.newRisk
        .slice(0, MAX)
        .map(({ f, why }): { text: string; tone?: Tone } => ({
          text: t(locale, "digest.risk_item", {
            account: f.name,
            grade: gradeText(locale, f.scores.at(-1)?.grade),
            score: f.scores.at(-1)?.score ?? "-",
            reason:
              t(locale, why === "red" ? "digest.reason_red" : "digest.reason_quadrant") +
              (f.topDrag ? `${sep(locale, "aside")}${reasonText(f.topDrag, locale)}` : ""),
          }),
          tone: "danger" as const,
        }))
        .concat(more(c.newRisk.length, tPlain(locale, "cmd.risk_team", { team }))),
    });
  if (c.fell.length)
    blocks.push({
      type: "list",
      title: t(locale, "digest.fell", { points: config.digestDropPoints }),
      items: c.fell
        .slice(0, MAX)
        .map(({ f, from, to }): { text: string; tone?: Tone } => ({
          text: t(locale, "digest.fell_item", { account: f.name, from, to }),
          tone: "warning" as const,
        }))
        .concat(more(c.fell.length)),
    });
  if (c.renewals.length)
    blocks.push({
      type: "list",
      title: t(locale, "digest.renewals"),
      items: c.renewals
        .slice(0, MAX)
        .map(({ f, days }): { text: string; tone?: Tone } => ({
          text: t(locale, "digest.renewal_item", {
            account: f.name,
            days,
            grade: gradeText(locale, f.scores.at(-1)?.grade),
            arr: formatMoney(locale, f.arr, f.currency),
          }),
          tone: f.scores.at(-1)?.grade === "red" ? ("danger" as const) : ("warning" as const),
        }))
        .concat(more(c.renewals.length, tPlain(locale, "cmd.renewals_team_days", { days: 30, team }))),
    });
  blocks.push({
    type: "fields",
    // Per currency: a team may hold accounts in several.
    fields: [{ label: t(locale, "digest.arr_at_risk"), value: c.red.length ? arrByCurrency(locale, c.red) : "-" }],
  });
  blocks.push({ type: "buttons", buttons: [{ text: t(locale, "action.risk"), actionId: "tend.run", value: "risk" }] });
  return {
    summary: t(locale, "digest.summary", { team, count: count || c.red.length }),
    blocks,
    tone: "warning",
    visibility: "channel",
  };
}
