import { type HealthConfig, settingsFor, type Tier } from "../domain/health/config.js";
import { tPlural as t } from "../i18n/catalogue.js";
import type { Locale } from "../i18n/locale.js";
import type { Reply } from "../reply/model.js";
import type { OpenUrgentTicket } from "../store/repos/support.js";

// The overdue urgent ticket: a key account's urgent support ticket open longer than the time its
// health settings allow (value.urgentTicketHours, per tier or industry) is told to the account's
// owner at once, not at the next morning batch, and once per ticket (the outbox key names the
// ticket: see planTicketAlerts in jobs.ts).

export interface TicketAlert {
  ticket: OpenUrgentTicket;
  /** Whole hours open so far. */
  hours: number;
  /** The hours the account's settings allow an urgent ticket. */
  limit: number;
}

/** The tickets past their time at `now`, longest open first (pure). */
export function overdueTickets(tickets: readonly OpenUrgentTicket[], now: Date, health: HealthConfig): TicketAlert[] {
  const out: TicketAlert[] = [];
  for (const ticket of tickets) {
    const limit = settingsFor(health, ticket.tier as Tier, ticket.industry).value.urgentTicketHours;
    const open = (now.getTime() - ticket.openedAt.getTime()) / 3_600_000;
    if (open > limit) out.push({ ticket, hours: Math.floor(open), limit });
  }
  return out.sort((a, b) => b.hours - a.hours);
}

/** What names one ticket in the outbox key: the desk and its id. */
export const ticketSubject = (tk: Pick<OpenUrgentTicket, "source" | "externalId">) => `${tk.source}:${tk.externalId}`;

/** The message to the owner: which account, which ticket (its subject is the customer's words: data). */
export function ticketAlertReply(locale: Locale, a: TicketAlert): Reply {
  const params = {
    account: a.ticket.accountName,
    ref: a.ticket.externalId,
    subject: a.ticket.subject,
    hours: a.hours,
    limit: a.limit,
  };
  return {
    summary: t(locale, "ticket_alert.summary", params),
    blocks: [
      { type: "text", text: t(locale, "ticket_alert.text", params) },
      {
        type: "buttons",
        buttons: [{ text: t(locale, "action.brief"), actionId: "tend.run", value: `brief ${a.ticket.accountName}` }],
      },
    ],
    tone: "warning",
  };
}
