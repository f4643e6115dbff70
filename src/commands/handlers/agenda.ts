// The member's visits and meetings ahead, for `mine` and App Home: visits planned with `plan` and
// customer meetings from their calendar, together in time order (a planned visit the calendar also
// holds shows once, as the meeting).
import { ct } from "../../calendar/messages.js";
import { addDays, localDay } from "../../domain/dates.js";
import { formatDate } from "../../i18n/locale.js";
import type { Block } from "../../reply/model.js";
import { plannedVisits, upcomingMeetings } from "../../store/repos/calendar.js";
import type { HandlerContext } from "./common.js";

export const AGENDA_DAYS = 7;
const AGENDA_LINES = 10;

export async function agendaBlock(d: HandlerContext): Promise<{ block?: Block; accountIds: string[] }> {
  const { now, today, timeZone } = d.asker;
  const until = addDays(today, AGENDA_DAYS);
  const meetings = await upcomingMeetings(
    d.db,
    d.asker.member.id,
    now,
    new Date(now.getTime() + AGENDA_DAYS * 86_400_000),
  );
  const visits = await plannedVisits(d.db, d.asker.member.id, today, until);
  const held = new Set(meetings.map((m) => `${m.accountId}|${localDay(m.startsAt, timeZone)}`));
  const time = (at: Date) =>
    new Intl.DateTimeFormat(d.locale, {
      weekday: "short",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZone,
    }).format(at);
  const lines: { at: string; text: string; accountId: string }[] = [
    ...meetings.map((m) => ({
      at: m.startsAt.toISOString(),
      accountId: m.accountId,
      text: ct(d.locale, "calendar.agenda.meeting", {
        when: m.allDay
          ? ct(d.locale, "calendar.agenda.all_day", {
              day: formatDate(d.locale, new Date(`${localDay(m.startsAt, timeZone)}T00:00:00Z`)),
            })
          : time(m.startsAt),
        account: m.accountName,
        title: m.title,
      }),
    })),
    ...visits
      .filter((v) => !held.has(`${v.accountId}|${v.day}`))
      .map((v) => ({
        at: `${v.day}T12:00:00.000Z`,
        accountId: v.accountId,
        text: ct(d.locale, "calendar.agenda.visit", {
          when: formatDate(d.locale, new Date(`${v.day}T00:00:00Z`)),
          account: v.accountName,
        }),
      })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  if (lines.length === 0) return { accountIds: [] };
  const shown = lines.slice(0, AGENDA_LINES);
  return {
    block: { type: "list", title: ct(d.locale, "calendar.agenda.title"), items: shown.map((l) => ({ text: l.text })) },
    accountIds: shown.map((l) => l.accountId),
  };
}
