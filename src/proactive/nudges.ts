import { dayToDate } from "../domain/dates.js";
import { t as commandText, type MessageKey, tPlural as t } from "../i18n/catalogue.js";
import { formatDate, type Locale, sep } from "../i18n/locale.js";
import { callButtons, logButton, runButton, snoozeButton } from "../reply/account-buttons.js";
import type { Block, Button, Reply } from "../reply/model.js";
import { reasonText } from "../reply/reasons.js";
import { data } from "../text/user-data.js";
import type { Nudge, NudgeAction } from "./rules/types.js";
import { nudgeKey } from "./state.js";

// The morning nudges: each nudge's sentence and buttons, and one member's morning message.

/** The sentence of one nudge in the reader's language, with the account name in front. */
export function nudgeText(locale: Locale, n: Nudge): string {
  return `${data(n.accountName)}${sep(locale, "label")}${nudgeSentence(locale, n)}`;
}

/** The sentence of one nudge without the account name (several nudges under one account). */
export function nudgeSentence(locale: Locale, n: Nudge): string {
  const params = { ...n.params };
  if (n.rule === "renewal_reminder") {
    const gaps = String(n.params.gaps ?? "")
      .split(",")
      .filter(Boolean);
    params.gapText = gaps.map((g) => t(locale, `nudge.gap.${g}` as MessageKey)).join(sep(locale, "items"));
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
  if (n.rule === "visit_prep") params.kind = t(locale, `nudge.kind.${n.params.kind}` as MessageKey);
  if (n.rule === "nps_detractor" && !params.who) params.who = t(locale, "nps.someone");
  if (n.rule === "quadrant_down") params.change = quadrantChange(locale, n.params);
  return t(locale, n.messageKey as MessageKey, params);
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
  return parts.join(sep(locale, "phrases"));
}

function actionButton(locale: Locale, n: Nudge, a: NudgeAction): Button {
  switch (a.kind) {
    case "log":
      return logButton(
        t(locale, a.interaction === "call" ? "action.call" : "action.visit"),
        n.accountId,
        a.interaction,
      );
    case "brief":
      return runButton(t(locale, "action.brief"), `brief ${n.accountName}`);
    case "report":
      return runButton(t(locale, "action.report"), `report id:${n.accountId}`);
    case "snooze":
      return snoozeButton(t(locale, "action.snooze"), n.accountId, a.days);
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

/** Buttons for one account's nudges: their next actions, snooze 7 days, and one Done per nudge. */
export function nudgeGroupButtons(locale: Locale, nudges: Nudge[]): Button[] {
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
    if (nudges.length > 1) done.text = `${done.text}: ${t(locale, `rule.${n.rule}` as MessageKey)}`;
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
    blocks.push({ type: "buttons", buttons: nudgeGroupButtons(locale, group) });
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
      const label = t(locale, `rule.${n.rule}` as MessageKey);
      kinds.set(label, (kinds.get(label) ?? 0) + 1);
    }
    blocks.push({
      type: "context",
      text: t(locale, "nudges.overflow", {
        count: overflow.length,
        kinds: [...kinds]
          .sort((a, b) => b[1] - a[1])
          .map(([label, k]) => `${label} ${k}`)
          .join(sep(locale, "items")),
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
