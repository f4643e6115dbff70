import { callButtons } from "../commands/call-buttons.js";
import { t as commandText } from "../commands/messages.js";
import { reasonText } from "../commands/reasons.js";
import { addDays, daysBetween, dayToDate } from "../domain/dates.js";
import { rankCandidates } from "../domain/expansion.js";
import type { Forecast } from "../domain/forecast.js";
import { type MetricsRenewal, teamMetrics } from "../domain/health/metrics.js";
import type { Grade } from "../domain/health/types.js";
import { rankingValue } from "../domain/renewal.js";
import { formatDate, formatMoney, formatPercent, type Locale } from "../i18n/locale.js";
import type { Block, Button, Reply, Tone } from "../reply/model.js";
import { data } from "../reply/text.js";
import type { ProactiveConfig } from "./config.js";
import { type ProactiveMessageKey, t } from "./messages.js";
import { movedDown } from "./rules/health.js";
import type { Nudge, NudgeAction, RuleFacts } from "./rules/types.js";
import { nudgeKey } from "./state.js";

// Turns nudges, digests and summaries into platform-neutral Replies (src/reply/model.ts).

function gradeText(locale: Locale, g: Grade | undefined) {
  return t(locale, g ? (`grade.${g}` as ProactiveMessageKey) : "grade.none");
}

/** The sentence of one nudge in the reader's language, with the account name in front. */
export function nudgeText(locale: Locale, n: Nudge): string {
  return `${data(n.accountName)}${locale === "zh-CN" ? "：" : ": "}${nudgeSentence(locale, n)}`;
}

/** The sentence of one nudge without the account name (several nudges under one account). */
export function nudgeSentence(locale: Locale, n: Nudge): string {
  const params = { ...n.params };
  if (n.rule === "renewal_reminder") {
    const gaps = String(n.params.gaps ?? "")
      .split(",")
      .filter(Boolean);
    params.gapText = gaps
      .map((g) => t(locale, `gap.${g}` as ProactiveMessageKey))
      .join(locale === "zh-CN" ? "、" : ", ");
    params.due = formatDate(locale, dayToDate(String(n.params.due)));
  }
  if (n.rule === "usage_drop")
    // The health engine's own sentence, word for word as the account card and brief show it.
    params.drop = reasonText(
      {
        kind: "drag",
        dimension: "trend",
        key: "trend.active_users_down",
        params: { pct: n.params.pct ?? 0 },
        impact: 0,
      },
      locale,
    );
  if (n.rule === "renewal_passed" || n.rule === "call_stale")
    params.due = formatDate(locale, dayToDate(String(n.params.due)));
  if (n.rule === "call_stale") params.call = commandText(locale, `call.${n.params.call as "commit"}`);
  if (n.rule === "visit_prep") params.kind = t(locale, `kind.${n.params.kind}` as ProactiveMessageKey);
  if (n.rule === "nps_detractor" && !params.who) params.who = t(locale, "nps.someone");
  if (n.rule === "quadrant_down") params.change = quadrantChange(locale, n.params);
  return t(locale, n.messageKey as ProactiveMessageKey, params);
}

/** "usage high → mid", naming only the axes that moved, in words rather than level numbers. */
function quadrantChange(locale: Locale, p: Nudge["params"]): string {
  // The level words the health answer uses ("usage mid × relationship and value high").
  const level = (v: unknown) => commandText(locale, `level.${Math.max(0, Math.min(2, Number(v))) as 0 | 1 | 2}`);
  const parts: string[] = [];
  for (const axis of ["usage", "value"] as const) {
    const from = p[`${axis}From`];
    const to = p[`${axis}To`];
    if (from !== undefined && from !== to)
      parts.push(t(locale, `quadrant.${axis}`, { from: level(from), to: level(to) }));
  }
  return parts.join(locale === "zh-CN" ? "，" : "; ");
}

function actionButton(locale: Locale, n: Nudge, a: NudgeAction): Button {
  switch (a.kind) {
    case "log":
      return {
        text: t(locale, a.interaction === "call" ? "action.call" : "action.visit"),
        actionId: "tend.log_form",
        value: JSON.stringify({ accountId: n.accountId, kind: a.interaction }),
      };
    case "brief":
      return { text: t(locale, "action.brief"), actionId: "tend.run", value: `brief ${n.accountName}` };
    case "snooze":
      return {
        text: t(locale, "action.snooze"),
        actionId: "tend.snooze",
        value: JSON.stringify({ accountId: n.accountId, days: a.days }),
      };
    case "done":
      return {
        text: t(locale, "action.done"),
        actionId: "tend.nudge_done",
        value: JSON.stringify({ nudgeKey: nudgeKey(n) }),
        style: "primary",
      };
  }
}

/** Buttons of a nudge: its own next actions, then snooze 7 days and done. */
export function nudgeButtons(locale: Locale, n: Nudge): Button[] {
  const actions: NudgeAction[] = [...n.actions.slice(0, 2), { kind: "snooze", days: 7 }, { kind: "done" }];
  return actions.map((a) => actionButton(locale, n, a));
}

/** Buttons for an account's nudges: their next actions, snooze 7 days, and one Done per nudge. */
export function accountButtons(locale: Locale, nudges: Nudge[]): Button[] {
  const first = nudges[0] as Nudge;
  const seen = new Set<string>();
  const actions: NudgeAction[] = [];
  for (const a of nudges.flatMap((n) => n.actions)) {
    const id = a.kind === "log" ? `log:${a.interaction}` : a.kind;
    if (seen.has(id) || actions.length >= 3) continue;
    seen.add(id);
    actions.push(a);
  }
  const buttons = [...actions, { kind: "snooze", days: 7 } as const].map((a) => actionButton(locale, first, a));
  for (const n of nudges) {
    const done = actionButton(locale, n, { kind: "done" });
    if (nudges.length > 1) done.text = `${done.text}: ${t(locale, `rule.${n.rule}` as ProactiveMessageKey)}`;
    buttons.push(done);
  }
  return buttons;
}

/**
 * One member's morning message: the capped nudges grouped by account (most urgent first), each
 * saying why, with buttons; the overflow summarised in one line.
 */
export function composeNudges(locale: Locale, memberName: string, shown: Nudge[], overflow: Nudge[]): Reply {
  const total = shown.length + overflow.length;
  const blocks: Block[] = [{ type: "header", text: t(locale, "nudges.header", { name: memberName, count: total }) }];
  const byAccount = new Map<string, Nudge[]>();
  for (const n of shown) byAccount.set(n.accountId, [...(byAccount.get(n.accountId) ?? []), n]);
  for (const group of byAccount.values()) {
    const name = (group[0] as Nudge).accountName;
    const text =
      group.length === 1
        ? nudgeText(locale, group[0] as Nudge)
        : `**${data(name)}**\n${group.map((n) => `- ${nudgeSentence(locale, n)}`).join("\n")}`;
    blocks.push({ type: "text", text });
    blocks.push({ type: "buttons", buttons: accountButtons(locale, group) });
    // A renewal reminder or a stale call: the four calls one press away (each runs `call`).
    if (group.some((n) => n.rule === "renewal_reminder" || n.rule === "call_stale"))
      blocks.push({
        type: "buttons",
        buttons: callButtons((k) => commandText(locale, k), (group[0] as Nudge).accountId),
      });
  }
  if (overflow.length) {
    // What is left out, by kind and how many, so nothing hides behind "more".
    const kinds = new Map<string, number>();
    for (const n of overflow) {
      const label = t(locale, `rule.${n.rule}` as ProactiveMessageKey);
      kinds.set(label, (kinds.get(label) ?? 0) + 1);
    }
    blocks.push({
      type: "context",
      text: t(locale, "nudges.overflow", {
        count: overflow.length,
        kinds: [...kinds]
          .sort((a, b) => b[1] - a[1])
          .map(([label, k]) => `${label} ${k}`)
          .join(locale === "zh-CN" ? "、" : ", "),
      }),
    });
  }
  const accounts = new Set([...shown, ...overflow].map((n) => n.accountId)).size;
  return {
    summary: t(locale, "nudges.summary", { count: accounts }),
    blocks,
    tone: shown.some((n) => n.priority === 1) ? "warning" : "neutral",
  };
}

/** The visit-prep message: key facts and the button that opens the full brief (core's `brief`). */
export function composeBrief(
  locale: Locale,
  n: Nudge,
  f: RuleFacts | undefined,
  when: "today" | "tomorrow",
  full?: Reply,
): Reply {
  const latest = f?.scores.at(-1);
  const renewal = f?.renewals[0];
  const fields = [
    {
      label: t(locale, "brief.fields.grade"),
      value: latest ? `${gradeText(locale, latest.grade)} (${latest.score})` : gradeText(locale, undefined),
    },
    { label: t(locale, "brief.fields.arr"), value: formatMoney(locale, f?.arr ?? n.arr, f?.currency ?? "USD") },
    { label: t(locale, "brief.fields.contact"), value: String(n.params.contact ?? "-") },
  ];
  if (renewal)
    fields.push({ label: t(locale, "brief.fields.renewal"), value: formatDate(locale, dayToDate(renewal.dueDate)) });
  return {
    summary: t(locale, "brief.summary", {
      account: n.accountName,
      when: t(locale, when === "today" ? "brief.when_today" : "brief.when_tomorrow"),
    }),
    blocks: full
      ? [
          { type: "header", text: t(locale, "brief.header", { account: n.accountName }) },
          { type: "context", text: nudgeText(locale, n) },
          // The core's brief, minus its own header (ours says why it arrives now).
          ...full.blocks.filter((b) => b.type !== "header").slice(0, 45),
        ]
      : [
          { type: "header", text: t(locale, "brief.header", { account: n.accountName }) },
          { type: "text", text: nudgeText(locale, n) },
          { type: "fields", fields },
          { type: "context", text: t(locale, "brief.open") },
          { type: "buttons", buttons: nudgeButtons(locale, n).filter((b) => b.actionId !== "tend.snooze") },
        ],
    tone: latest?.grade === "red" ? "danger" : "neutral",
  };
}

const scoreOn = (f: RuleFacts, day: string) => f.scores.find((s) => s.day === day);

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
  const zh = locale === "zh-CN";
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
        .concat(more(c.lapsed.length, zh ? `续约 30 团队 ${team}` : `renewals 30 team ${team}`)),
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
              (f.topDrag ? `${locale === "zh-CN" ? "——" : " - "}${reasonText(f.topDrag, locale)}` : ""),
          }),
          tone: "danger" as const,
        }))
        .concat(more(c.newRisk.length, zh ? `风险 团队 ${team}` : `risk team ${team}`)),
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
        .concat(more(c.renewals.length, zh ? `续约 30 团队 ${team}` : `renewals 30 team ${team}`)),
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

/** How many renewals the weekly summary lists one by one; the rest are counted in one line. */
export const WEEKLY_RENEWALS = 20;

/** ARR summed per currency (never across), largest first: "$1,200,000; CN¥800,000". */
export function arrByCurrency(locale: Locale, xs: { arr: number; currency: string }[]): string {
  const sums = new Map<string, number>();
  for (const x of xs) sums.set(x.currency, (sums.get(x.currency) ?? 0) + x.arr);
  return [...sums]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([c, v]) => formatMoney(locale, v, c))
    .join(locale === "zh-CN" ? "；" : "; ");
}

export interface WeeklyInput {
  team: string;
  day: string;
  accounts: RuleFacts[];
  /** Renewals closed in the 90 days up to `day`. */
  closed: MetricsRenewal[];
  /** This quarter's renewal forecast for the team (absent: not shown). */
  forecast?: { end: string; forecast: Forecast };
}

/** How many disagreements and expansion candidates the weekly summary names. */
export const WEEKLY_TOP = 5;

/** The forecast and expansion part of the weekly summary: totals, disagreements, stale calls, top candidates. */
function weeklyRenewalBlocks(locale: Locale, w: WeeklyInput): Block[] {
  const blocks: Block[] = [];
  const pct = (v: number | null) => (v === null ? "-" : formatPercent(locale, v, 1));
  const callWord = (c: string) => commandText(locale, `call.${c as "commit"}`);
  if (w.forecast) {
    const f = w.forecast.forecast;
    const currencies = Object.keys(f.totals).sort();
    blocks.push({
      type: "list",
      title: t(locale, "weekly.forecast", { end: formatDate(locale, dayToDate(w.forecast.end)) }),
      items: currencies.length
        ? currencies.map((c) => {
            const x = f.totals[c]!;
            const m = (v: number) => formatMoney(locale, v, c);
            return {
              text: `${currencies.length > 1 ? `${c}: ` : ""}${t(locale, "weekly.forecast_line", {
                commit: m(x.byCall.commit),
                likely: m(x.byCall.likely),
                at_risk: m(x.byCall.at_risk),
                lost: m(x.byCall.lost),
                grr: pct(x.grr),
                nrr: pct(x.nrr),
              })}`,
            };
          })
        : [{ text: t(locale, "weekly.forecast_none") }],
    });
    const split = f.lines.filter((l) => l.disagreement !== null);
    if (split.length)
      blocks.push({
        type: "list",
        title: t(locale, "weekly.disagreements"),
        items: split.slice(0, WEEKLY_TOP).map((l) => ({
          text: t(locale, "weekly.disagreement_item", {
            account: l.name,
            arr: formatMoney(locale, l.arr, l.currency),
            csm: callWord(l.csm?.call ?? l.model),
            model: callWord(l.model),
          }),
          tone: l.disagreement === "optimistic" ? ("danger" as const) : ("warning" as const),
        })),
      });
    const stale = f.lines.filter((l) => l.stale).length;
    if (stale) blocks.push({ type: "context", text: t(locale, "weekly.stale_calls", { count: stale }) });
  }
  const rows = w.accounts.flatMap((a) =>
    a.expansion ? [{ ...a.expansion, name: a.name, arr: a.arr, currency: a.currency }] : [],
  );
  const top = rankCandidates(rows, rankingValue).slice(0, WEEKLY_TOP);
  if (top.length)
    blocks.push({
      type: "list",
      title: t(locale, "weekly.expansion"),
      items: top.map((c) => ({
        text: t(locale, "weekly.expansion_item", {
          account: c.row.name,
          why: c.signals
            .map((x) => commandText(locale, `expansion.sig_${x.kind}`, x.params))
            .join(locale === "zh-CN" ? "；" : "; "),
        }),
        tone: "good" as const,
      })),
    });
  return blocks;
}

/** The manager's weekly summary: grades and their change, renewals in 90 days, GRR/NRR, top movers. */
export function composeWeekly(locale: Locale, w: WeeklyInput): Reply {
  const weekAgo = addDays(w.day, -7);
  const count = (day: string) => {
    const c = { green: 0, yellow: 0, red: 0 };
    for (const f of w.accounts) {
      const s = scoreOn(f, day);
      if (s) c[s.grade]++;
    }
    return c;
  };
  const now = count(w.day);
  const before = count(weekAgo);
  const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
  const renewals = w.accounts
    .flatMap((f) => f.renewals.map((r) => ({ f, r, days: daysBetween(w.day, r.dueDate) })))
    .filter((x) => x.days >= 0 && x.days <= 90)
    .sort((a, b) => a.days - b.days);
  const movers = w.accounts
    .map((f) => ({ f, a: scoreOn(f, weekAgo)?.score, b: scoreOn(f, w.day)?.score }))
    .filter((x): x is { f: RuleFacts; a: number; b: number } => x.a !== undefined && x.b !== undefined && x.a !== x.b)
    .sort((x, y) => Math.abs(y.b - y.a) - Math.abs(x.b - x.a))
    .slice(0, 5);
  // The same GRR/NRR as `metrics` (src/domain/health/metrics.ts): per currency, never summed across.
  const ret = teamMetrics(w.closed, [], { from: addDays(w.day, -90), to: w.day }).retention;
  const retLine = Object.keys(ret)
    .sort()
    .flatMap((c, _, all) => {
      const r = ret[c]!;
      if (r.grr === null || r.nrr === null) return [];
      const line = t(locale, "weekly.retention_line", {
        grr: formatPercent(locale, r.grr, 1),
        nrr: formatPercent(locale, r.nrr, 1),
        count: w.closed.filter((x) => x.currency === c).length,
      });
      return [all.length > 1 ? `${c}: ${line}` : line];
    })
    .join(locale === "zh-CN" ? "；" : "; ");
  const blocks: Block[] = [
    { type: "header", text: t(locale, "weekly.header", { team: w.team, day: formatDate(locale, dayToDate(w.day)) }) },
    {
      type: "fields",
      fields: [
        {
          label: t(locale, "weekly.grades"),
          value: t(locale, "weekly.grade_line", {
            ...now,
            dg: signed(now.green - before.green),
            dy: signed(now.yellow - before.yellow),
            dr: signed(now.red - before.red),
          }),
        },
        {
          label: t(locale, "weekly.retention"),
          value: retLine || t(locale, "weekly.retention_none"),
        },
      ],
    },
    {
      type: "list",
      title: t(locale, "weekly.renewals"),
      items: renewals.length
        ? [
            ...renewals.slice(0, WEEKLY_RENEWALS).map(({ f, r, days }) => ({
              text: t(locale, "weekly.renewal_item", {
                account: f.name,
                due: formatDate(locale, dayToDate(r.dueDate)),
                days,
                arr: formatMoney(locale, r.arr, f.currency),
                grade: gradeText(locale, f.scores.at(-1)?.grade),
                status:
                  r.status === "upcoming" || r.status === "in_progress"
                    ? commandText(locale, `status.${r.status}`)
                    : r.status,
              }),
              tone: f.scores.at(-1)?.grade === "red" ? ("danger" as const) : undefined,
            })),
            // Nothing disappears silently: the rest counted, and the whole window's ARR per currency.
            ...(renewals.length > WEEKLY_RENEWALS
              ? [
                  {
                    text: t(locale, "weekly.renewals_more", {
                      count: renewals.length - WEEKLY_RENEWALS,
                      total: renewals.length,
                      arr: arrByCurrency(
                        locale,
                        renewals.map(({ f, r }) => ({ arr: r.arr, currency: f.currency })),
                      ),
                      command: locale === "zh-CN" ? `续约 团队 ${w.team}` : `renewals team ${w.team}`,
                    }),
                  },
                ]
              : []),
          ]
        : [{ text: t(locale, "weekly.none") }],
    },
    {
      type: "list",
      title: t(locale, "weekly.movers"),
      items: movers.length
        ? movers.map(({ f, a, b }) => ({
            text: t(locale, "weekly.mover_item", { account: f.name, from: a, to: b, delta: signed(b - a) }),
            tone: b < a ? ("warning" as const) : ("good" as const),
          }))
        : [{ text: t(locale, "weekly.none") }],
    },
  ];
  blocks.push(...weeklyRenewalBlocks(locale, w));
  return { summary: t(locale, "weekly.summary", { team: w.team, ...now }), blocks };
}
