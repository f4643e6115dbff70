// `calendar`: connect a calendar by its secret iCalendar address, see how it goes, set when briefs
// come, disconnect it. The address is a secret: accepted only in a direct conversation, sealed with
// TEND_SECRET_KEY before it is stored, never echoed, logged or audited.

import { feedUrl } from "../../calendar/fetch.js";
import { ct } from "../../calendar/messages.js";
import { seal } from "../../calendar/secret.js";
import { type CalendarReport, calendarErrorText, type SyncOptions, syncCalendars } from "../../calendar/sync.js";
import { PROACTIVE_DEFAULTS } from "../../config/proactive.js";
import type { AppContext } from "../../context.js";
import type { Platform } from "../../delivery/types.js";
import type { Block, Reply } from "../../reply/model.js";
import { audit } from "../../store/repos/audit.js";
import { deleteFeed, feedOf, saveFeed, setLeadMinutes, upcomingMeetings } from "../../store/repos/calendar.js";
import type { CalendarAction } from "../parse.js";
import type { Conversation } from "../types.js";
import { type HandlerContext, simple } from "./common.js";
import { meetingVisitBrief } from "./visit-brief.js";

/** Errors that mean the address itself is wrong: it is not kept. */
const FATAL = new Set(["gone", "unauthorized", "unparsable", "too_large"]);

const UPCOMING_DAYS = 7;

function platformsOf(ctx: AppContext): Platform[] {
  return [...(ctx.config.slack ? (["slack"] as const) : []), ...(ctx.config.feishu ? (["feishu"] as const) : [])];
}

const when = (d: HandlerContext, at: Date) =>
  new Intl.DateTimeFormat(d.locale, { dateStyle: "medium", timeStyle: "short", timeZone: d.asker.timeZone }).format(at);

async function upcoming(d: HandlerContext): Promise<Block[]> {
  const now = d.asker.now;
  const list = await upcomingMeetings(
    d.db,
    d.asker.member.id,
    now,
    new Date(now.getTime() + UPCOMING_DAYS * 86_400_000),
  );
  const blocks: Block[] = [
    { type: "context", text: ct(d.locale, "calendar.upcoming", { days: UPCOMING_DAYS, count: list.length }) },
  ];
  if (list.length)
    blocks.push({
      type: "list",
      items: list.slice(0, 10).map((m) => ({
        text: ct(d.locale, "calendar.upcoming_item", {
          when: when(d, m.startsAt),
          account: m.accountName,
          title: m.title,
        }),
      })),
    });
  return blocks;
}

/**
 * Reads connected calendars, with each meeting brief carrying the full visit brief of its account
 * (the scheduler's poll, `tend sync calendar` and connecting a calendar all read this way).
 */
export function syncCalendarsWithBriefs(
  ctx: AppContext,
  opts: Omit<SyncOptions, "visitBrief">,
): Promise<CalendarReport> {
  return syncCalendars(ctx, { ...opts, visitBrief: (email, a) => meetingVisitBrief(ctx, email, a) });
}

export async function calendarCommand(
  ctx: AppContext,
  d: HandlerContext,
  action: CalendarAction,
  conversation: Conversation,
): Promise<Reply> {
  const config = d.proactiveConfig ? await d.proactiveConfig() : PROACTIVE_DEFAULTS;
  const me = d.asker.member;
  const now = d.asker.now;
  switch (action.kind) {
    case "connect": {
      if (conversation !== "direct") return simple(ct(d.locale, "calendar.not_direct"), "invalid", "danger");
      const key = ctx.config.secretKey;
      if (!key) return simple(ct(d.locale, "calendar.no_key"), "invalid", "warning");
      const url = feedUrl(action.url);
      if (!url) return simple(ct(d.locale, "calendar.bad_url"), "invalid", "warning");
      await saveFeed(d.db, me.id, seal(key, url, me.id), now);
      // Read it at once: a wrong address is answered now, not in ten minutes.
      const report = await syncCalendarsWithBriefs(ctx, { config, platforms: platformsOf(ctx), memberId: me.id });
      const error = report.feeds[0]?.error;
      if (error && FATAL.has(error)) {
        await deleteFeed(d.db, me.id, now);
        return simple(
          ct(d.locale, "calendar.refused", { reason: calendarErrorText(d.locale, error) }),
          "invalid",
          "warning",
        );
      }
      await audit(d.db, [{ memberId: me.id, surface: d.asker.surface, action: "calendar.connect", detail: {} }]);
      const head = ct(d.locale, "calendar.connected", {
        poll: config.calendarPollMinutes,
        lead: config.meetingBriefMinutes,
      });
      const blocks: Block[] = [{ type: "text", text: head }];
      if (error)
        blocks.push({
          type: "context",
          text: ct(d.locale, "calendar.connected_later", {
            reason: calendarErrorText(d.locale, error),
            poll: config.calendarPollMinutes,
          }),
        });
      else blocks.push(...(await upcoming(d)));
      return { summary: head, blocks, tone: error ? "warning" : "good", visibility: "ephemeral" };
    }
    case "off": {
      const r = await deleteFeed(d.db, me.id, now);
      if (!r.existed) return simple(ct(d.locale, "calendar.off_none"));
      await audit(d.db, [{ memberId: me.id, surface: d.asker.surface, action: "calendar.disconnect", detail: {} }]);
      return simple(ct(d.locale, "calendar.off", { count: r.briefs }), undefined, "good");
    }
    case "before": {
      if (!(await setLeadMinutes(d.db, me.id, action.minutes))) return simple(ct(d.locale, "calendar.lead_none"));
      return simple(ct(d.locale, "calendar.lead_saved", { lead: action.minutes }), undefined, "good");
    }
    case "status": {
      const feed = await feedOf(d.db, me.id);
      if (!feed) return simple(ct(d.locale, "calendar.status_none"));
      const lines = [
        ct(d.locale, "calendar.status", {
          since: when(d, feed.createdAt),
          lead: feed.leadMinutes ?? config.meetingBriefMinutes,
        }),
        feed.lastError
          ? ct(d.locale, "calendar.status_error", {
              when: when(d, feed.lastFetchAt ?? now),
              reason: calendarErrorText(d.locale, feed.lastError),
              failures: feed.failures,
              since: when(d, feed.failingSince ?? now),
            })
          : feed.lastSyncAt
            ? ct(d.locale, "calendar.status_read", { when: when(d, feed.lastSyncAt) })
            : ct(d.locale, "calendar.status_never", { poll: config.calendarPollMinutes }),
      ];
      return {
        summary: lines[0] as string,
        blocks: [...lines.map((text) => ({ type: "text" as const, text })), ...(await upcoming(d))],
        tone: feed.lastError ? "warning" : "neutral",
      };
    }
  }
}
