import type { webApi } from "@slack/bolt";
import type { AppContext } from "../context.js";
import { isSlackUserLinked, linkSlackUser, membersWithoutSlackId } from "../store/repos/members.js";
import { classifySlackError } from "./errors.js";

// Proactive messages go to a member's Slack user id, which is otherwise learnt the first time they
// use /tend. At start-up we look the rest up by email (users.lookupByEmail, scope users:read.email)
// so nudges reach people from day one. Background work: it waits out rate limits instead of failing.

export interface LinkResult {
  linked: number;
  notInSlack: number;
  skipped: number;
}

export async function linkSlackMembers(
  ctx: AppContext,
  client: webApi.WebClient,
  signal: AbortSignal,
  sleep: (ms: number, signal: AbortSignal) => Promise<void> = abortableSleep,
): Promise<LinkResult> {
  const allowed = ctx.config.slack?.teamIds ?? [];
  const result: LinkResult = { linked: 0, notInSlack: 0, skipped: 0 };
  const members = await membersWithoutSlackId(ctx.db);
  for (const m of members) {
    for (;;) {
      if (signal.aborted) return result;
      try {
        const res = await client.users.lookupByEmail({ email: m.email });
        const user = res.user;
        const team = user?.team_id;
        if (!user?.id || user.deleted || user.is_bot || (allowed.length > 0 && team && !allowed.includes(team))) {
          result.skipped++;
          break;
        }
        // Never re-point an id another member already holds (unique); first come keeps it.
        if (await isSlackUserLinked(ctx.db, user.id)) {
          result.skipped++;
          break;
        }
        result.linked += await linkSlackUser(ctx.db, m.id, user.id);
        break;
      } catch (err) {
        const f = classifySlackError(err);
        if (f.error === "users_not_found") {
          result.notInSlack++;
          break;
        }
        if (f.kind === "rate_limited") {
          await sleep(f.retryAfterMs, signal);
          continue;
        }
        ctx.log.warn({ err, error: f.error }, "slack: linking members by email stopped");
        return result;
      }
    }
  }
  if (result.linked || result.notInSlack)
    ctx.log.info(result, "slack: members linked to their Slack accounts by email");
  return result;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
