// Writes: log and plan interactions, snooze an account, mark a nudge done. Viewers are refused.
import { wallClockToInstant } from "../../calendar/parse.js";
import { addDays, dayToDate } from "../../domain/dates.js";
import type { MessageKey } from "../../i18n/catalogue.js";
import { markNudgeDone, parseNudgeKey } from "../../proactive/state.js";
import type { Reply } from "../../reply/model.js";
import { audit } from "../../store/repos/audit.js";
import { appendNotes, calendarLogged } from "../../store/repos/calendar.js";
import { recordInteraction } from "../../store/repos/interactions.js";
import { snoozeAccount } from "../../store/repos/nudge-state.js";
import { canWrite } from "../access.js";
import type { DaySpec, InteractionKindName } from "../parse.js";
import { day, type FoundAccount, type HandlerContext, simple } from "./common.js";

const DAY_MS = 86_400_000;

export function resolveDay(spec: DaySpec, today: string): string {
  return "day" in spec ? spec.day : addDays(today, spec.offset);
}

export function writeRefusal(d: HandlerContext, action: MessageKey): Reply | undefined {
  if (canWrite(d.asker)) return undefined;
  return simple(d.t("access.forbidden_write", { role: d.asker.role, action: d.t(action) }), "forbidden", "warning");
}

export interface LogInput {
  kind: InteractionKindName;
  day?: string;
  notes?: string;
  nextSteps?: string;
}

/** Kinds a calendar meeting is logged as: a hand log of one of them may be that same meeting. */
const MEETING_KINDS = new Set<InteractionKindName>(["visit", "call", "qbr", "exec_visit", "training"]);

/** The instant a local day begins in `tz`. */
function dayStart(dayIso: string, tz: string): Date {
  const [year, month, day] = dayIso.split("-").map(Number) as [number, number, number];
  return wallClockToInstant({ year, month, day, hour: 0, minute: 0, second: 0 }, tz);
}

/**
 * A hand `log` of a meeting the calendar already logged for that account that day (docs/calendar.md)
 * is not a second interaction: the answer says so and offers the calendar's entry for notes; notes
 * typed with the log are added to it rather than lost.
 */
async function alreadyFromCalendar(d: HandlerContext, a: FoundAccount, input: LogInput, dayIso: string) {
  if (!MEETING_KINDS.has(input.kind)) return undefined;
  const tz = d.asker.timeZone;
  const found = await calendarLogged(d.db, a.id, dayStart(dayIso, tz), dayStart(addDays(dayIso, 1), tz));
  if (!found) return undefined;
  const notes = [input.notes, input.nextSteps].filter(Boolean).join("\n");
  if (notes) {
    await appendNotes(d.db, found.interactionId, notes);
    await audit(d.db, [
      {
        memberId: d.asker.member.id,
        surface: d.asker.surface,
        action: "interaction.notes",
        accountId: a.id,
        detail: { interactionId: found.interactionId },
      },
    ]);
  }
  const params = { kind: d.t(`kind.${found.kind as InteractionKindName}`), name: a.name, date: day(d, dayIso) };
  const text = d.t(notes ? "log.calendar_notes_added" : "log.from_calendar", params);
  const reply: Reply = {
    summary: text,
    blocks: [
      { type: "text", text },
      {
        type: "buttons",
        buttons: [
          {
            text: d.t("log.add_notes"),
            actionId: "tend.log_form",
            value: JSON.stringify({ accountId: a.id, kind: found.kind, interactionId: found.interactionId }),
            style: "primary",
          },
        ],
      },
    ],
    tone: "neutral",
  };
  return reply;
}

/** Records an interaction that happened (today unless a day is given; never in the future). */
export async function logInteraction(d: HandlerContext, a: FoundAccount, input: LogInput): Promise<Reply> {
  const today = d.asker.today;
  const dayIso = input.day ?? today;
  if (dayIso > today) return simple(d.t("form.err_date"), "invalid", "warning");
  const same = await alreadyFromCalendar(d, a, input, dayIso);
  if (same) return same;
  // Today's entries carry the real instant; back-dated ones noon UTC of that day (calendar-stable).
  const occurredAt = dayIso === today ? d.asker.now : new Date(dayToDate(dayIso).getTime() + DAY_MS / 2);
  const row = await recordInteraction(d.db, {
    accountId: a.id,
    kind: input.kind,
    occurredAt,
    memberId: d.asker.member.id,
    notes: input.notes ?? null,
    nextSteps: input.nextSteps ?? null,
  });
  await audit(d.db, [
    {
      memberId: d.asker.member.id,
      surface: d.asker.surface,
      action: "interaction.log",
      accountId: a.id,
      detail: { interactionId: row.id, kind: input.kind, day: dayIso },
    },
  ]);
  // The card must not say "no contact for 41 days" until tonight's run.
  await d.rescore?.([a.id]);
  return simple(
    d.t("log.saved", { kind: d.t(`kind.${input.kind}`), name: a.name, date: day(d, dayIso) }),
    undefined,
    "good",
  );
}

export async function planVisit(d: HandlerContext, a: FoundAccount, dayIso: string): Promise<Reply> {
  if (dayIso < d.asker.today) return simple(d.t("plan.past", { date: day(d, dayIso) }), "invalid", "warning");
  const row = await recordInteraction(d.db, {
    accountId: a.id,
    kind: "visit",
    scheduled: true,
    occurredAt: new Date(dayToDate(dayIso).getTime() + DAY_MS / 2),
    memberId: d.asker.member.id,
  });
  await audit(d.db, [
    {
      memberId: d.asker.member.id,
      surface: d.asker.surface,
      action: "interaction.plan",
      accountId: a.id,
      detail: { interactionId: row.id, day: dayIso },
    },
  ]);
  await d.rescore?.([a.id]);
  return simple(d.t("plan.saved", { name: a.name, date: day(d, dayIso) }), undefined, "good");
}

export async function snooze(d: HandlerContext, a: FoundAccount, days: number): Promise<Reply> {
  const until = new Date(d.asker.now.getTime() + days * DAY_MS);
  await snoozeAccount(d.db, d.asker.member.id, a.id, until);
  await audit(d.db, [
    {
      memberId: d.asker.member.id,
      surface: d.asker.surface,
      action: "account.snooze",
      accountId: a.id,
      detail: { days },
    },
  ]);
  return simple(
    d.t("snooze.saved", { name: a.name, days, date: day(d, addDays(d.asker.today, days)) }),
    undefined,
    "good",
  );
}

/**
 * Marks a nudge done for the clicker: it stays quiet until its fingerprint (what triggered it)
 * changes. The key is the proactive engine's `accountId|rule|fingerprint` (src/proactive/state.ts).
 */
export async function nudgeDone(
  d: HandlerContext,
  key: string,
  canReadAccount: (id: string) => Promise<boolean>,
): Promise<boolean> {
  const parsed = parseNudgeKey(key);
  if (!parsed || !(await canReadAccount(parsed.accountId))) return false;
  const memberId = d.asker.member.id;
  const accountId = parsed.accountId;
  const rule = parsed.rule;
  await markNudgeDone(d.db, memberId, key, d.asker.now);
  await audit(d.db, [{ memberId, surface: d.asker.surface, action: "nudge.done", accountId, detail: { rule } }]);
  return true;
}
