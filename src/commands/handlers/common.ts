// Shared plumbing for handlers: dependencies, account lookup (forgiving names, access-checked),
// and locale formatting helpers.

import type { ProactiveConfig } from "../../config/proactive.js";
import { daysBetween, dayToDate } from "../../domain/dates.js";
import type { Grade, Reason } from "../../domain/health/types.js";
import { nameKey, resolveAccount } from "../../domain/resolve.js";
import type { UnitEconomics } from "../../domain/unit-economics.js";
import { type MessageKey, type T, tFor } from "../../i18n/catalogue.js";
import { formatDate, formatMoney, type Locale } from "../../i18n/locale.js";
import { logButton, runButton, snoozeButton } from "../../reply/account-buttons.js";
import type { Block, Button, Reply } from "../../reply/model.js";
import { reasonText } from "../../reply/reasons.js";
import type { Db } from "../../store/db.js";
import { accountRef, accountsNamedExactly, type NamedRow, namedAccounts } from "../../store/repos/accounts.js";
import { audit } from "../../store/repos/audit.js";
import { type Asker, canRead, readableFilter } from "../access.js";
import type { ModelSettings } from "../ask/model.js";

/** What every handler receives. */
export interface HandlerContext {
  db: Db;
  asker: Asker;
  t: T;
  locale: Locale;
  /** Re-scores accounts a write touched, at once (absent: they wait for the nightly run). */
  rescore?: (accountIds: string[]) => Promise<void>;
  /** The proactive settings the morning nudge uses, so `mine` plans the day with the same rules. */
  proactiveConfig?: () => Promise<ProactiveConfig>;
  /** The optional language model (TEND_LLM_*): reads questions the reader cannot, summarises in briefs. */
  model?: ModelSettings;
  /** Gross margin and CAC per segment (TEND_UNIT_ECONOMICS) for LTV in `metrics` (absent: the defaults). */
  unitEconomics?: () => Promise<UnitEconomics>;
}

export function handlerContext(
  db: Db,
  asker: Asker,
  rescore?: HandlerContext["rescore"],
  proactiveConfig?: HandlerContext["proactiveConfig"],
): HandlerContext {
  return {
    db,
    asker,
    t: tFor(asker.locale),
    locale: asker.locale,
    ...(rescore ? { rescore } : {}),
    ...(proactiveConfig ? { proactiveConfig } : {}),
  };
}

export const money = (d: HandlerContext, amount: number, currency: string) => formatMoney(d.locale, amount, currency);
export const day = (d: HandlerContext, iso: string) => formatDate(d.locale, dayToDate(iso));
/** A grade as read; an account in the "new" state (not enough data yet) shows that instead of its placeholder grade. */
export const gradeLabel = (d: HandlerContext, grade: Grade | null, score?: number | null, state?: string | null) =>
  state === "new"
    ? `🆕 ${d.t("grade.new")}`
    : grade === null
      ? d.t("label.no_score")
      : score === null || score === undefined
        ? `${GRADE_DOT[grade]} ${d.t(`grade.${grade}`)}`
        : `${GRADE_DOT[grade]} ${d.t("grade.score", { grade: d.t(`grade.${grade}`), score })}`;
export const GRADE_DOT: Record<Grade, string> = { green: "🟢", yellow: "🟡", red: "🔴" };
export const toneOf = (grade: Grade | null) =>
  grade === "red"
    ? ("danger" as const)
    : grade === "yellow"
      ? ("warning" as const)
      : grade === "green"
        ? ("good" as const)
        : ("neutral" as const);
export const reason = (d: HandlerContext, r: Reason) => reasonText(r, d.locale);

export function renewalText(d: HandlerContext, renewalDate: string | null): string {
  if (!renewalDate) return d.t("label.no_renewal");
  const days = daysBetween(d.asker.today, renewalDate);
  return days >= 0
    ? d.t("label.days_left", { date: day(d, renewalDate), days })
    : `${day(d, renewalDate)} (${d.t("label.overdue")})`;
}

export function simple(summary: string, error?: Reply["error"], tone: Reply["tone"] = "neutral"): Reply {
  const reply: Reply = { summary, blocks: [{ type: "text", text: summary }], tone };
  if (error) reply.error = error;
  return reply;
}

export function refusal(d: HandlerContext, key: MessageKey, params?: Record<string, string | number>): Reply {
  return simple(d.t(key, params), "forbidden", "warning");
}

/**
 * Quick actions for an account card: brief and health, then (for people who may write) log a visit
 * and snooze 7 or 30 days, and share when `share` (a command text) is given.
 */
export function accountButtons(d: HandlerContext, account: { id: string; name: string }, share?: string): Button[] {
  const ref = `id:${account.id}`;
  const buttons = [runButton(d.t("button.brief"), `brief ${ref}`), runButton(d.t("button.health"), `health ${ref}`)];
  if (d.asker.role !== "viewer")
    buttons.push(
      logButton(d.t("button.log_visit"), account.id, "visit", "primary"),
      snoozeButton(d.t("button.snooze7"), account.id, 7),
      snoozeButton(d.t("button.snooze30"), account.id, 30),
    );
  if (share) buttons.push({ text: d.t("button.share"), actionId: "tend.share", value: share });
  return buttons;
}

export interface FoundAccount {
  id: string;
  name: string;
  teamId: string | null;
  ownerId: string | null;
}

/**
 * Finds the account a user typed, among the accounts they may read. `id:<id>` (from buttons) is
 * exact. An ambiguous name returns the candidates as choices; an unknown one the closest names.
 * Names outside the asker's reach are simply not found (nothing is revealed about them).
 */
export async function findAccount(
  d: HandlerContext,
  typed: string,
  commandFor: (ref: string) => string,
  opts: { confirmTypos?: boolean } = {},
): Promise<{ account: FoundAccount } | { reply: Reply }> {
  const idRef = /^id:(\S+)$/.exec(typed.trim());
  if (idRef) {
    const a = await accountRef(d.db, idRef[1] as string);
    if (!a) return { reply: simple(d.t("resolve.unknown", { name: typed }), "not_found", "warning") };
    if (!canRead(d.asker, a)) return { reply: refusal(d, "access.forbidden_account") };
    return { account: a };
  }
  const filter = readableFilter(d.asker);
  // Most names are typed as stored (buttons, copy-paste): one narrow query before loading every name.
  const exact = await accountsNamedExactly(d.db, filter, typed);
  const r =
    exact.length === 1
      ? { kind: "exact" as const, account: exact[0] as NamedRow }
      : resolveAccount(typed, await namedAccounts(d.db, filter));
  // A write must not land on an account the user only nearly typed ("northwind" for "Northline"):
  // ask first, with the one-click choice. Reads just answer (the reply names the account).
  if (r.kind === "exact" && opts.confirmTypos && onlyByTypo(typed, r.account)) {
    const prompt = d.t("resolve.confirm_typo", { account: r.account.name });
    const choices = [{ label: r.account.name, command: commandFor(`id:${r.account.id}`) }];
    return {
      reply: { summary: prompt, blocks: [{ type: "choices", prompt, choices }], tone: "neutral", error: "ambiguous" },
    };
  }
  if (r.kind === "exact") {
    const a = await accountRef(d.db, r.account.id);
    if (!a) return { reply: simple(d.t("resolve.unknown", { name: typed }), "not_found", "warning") };
    return { account: a };
  }
  const choices = (r.kind === "ambiguous" ? r.candidates : r.suggestions).slice(0, 10).map((c) => ({
    label: c.name,
    command: commandFor(`id:${c.id}`),
  }));
  if (r.kind === "ambiguous") {
    const prompt = d.t("resolve.ambiguous", { name: typed });
    return {
      reply: { summary: prompt, blocks: [{ type: "choices", prompt, choices }], tone: "neutral", error: "ambiguous" },
    };
  }
  // A name that exists outside the asker's reach: answered as not found (nothing is revealed), and
  // recorded as a refused probe for the audit log.
  const hidden = d.asker.role === "admin" ? [] : await accountsNamedExactly(d.db, { kind: "all" }, typed);
  const reply = notFound(d, typed, choices);
  return hidden.length
    ? { reply: { ...reply, audit: { reason: "out_of_reach", accountId: hidden[0]!.id } } }
    : { reply };
}

function notFound(d: HandlerContext, typed: string, choices: { label: string; command: string }[]): Reply {
  const head = d.t("resolve.unknown", { name: typed });
  const blocks: Block[] = [{ type: "text", text: head }];
  if (choices.length > 0) blocks.push({ type: "choices", prompt: d.t("resolve.suggest"), choices });
  else blocks.push({ type: "context", text: d.t("resolve.none") });
  return { summary: head, blocks, tone: "warning", error: "not_found" };
}

/** True when no name or alias of the account contains what was typed: it matched as a typo. */
function onlyByTypo(typed: string, account: NamedRow): boolean {
  if (account.externalId && account.externalId.toLowerCase() === typed.trim().toLowerCase()) return false;
  const q = nameKey(typed);
  return ![account.name, ...account.aliases].some((n) => nameKey(n).includes(q));
}

export async function auditRead(
  d: HandlerContext,
  action: string,
  accountIds: string[],
  detail?: Record<string, unknown>,
) {
  await audit(
    d.db,
    accountIds.map((accountId) => ({
      memberId: d.asker.member.id,
      surface: d.asker.surface,
      action,
      accountId,
      ...(detail ? { detail } : {}),
    })),
  );
}
