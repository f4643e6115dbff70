// Requests signed exactly as Slack signs them, for tests and load tests: the same bytes go on the
// wire as were signed (v0 HMAC-SHA256 over `v0:<timestamp>:<raw body>`).
import { createHmac } from "node:crypto";

export const TEST_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

export function signature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/** Slack's headers for a body: content type, timestamp (seconds) and signature. */
export function signedHeaders(
  body: string,
  opts: { secret?: string; now: Date; contentType?: string; retryNum?: number },
): Record<string, string> {
  const ts = Math.floor(opts.now.getTime() / 1000);
  const h: Record<string, string> = {
    "content-type": opts.contentType ?? "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": String(ts),
    "x-slack-signature": signature(opts.secret ?? TEST_SIGNING_SECRET, ts, body),
  };
  if (opts.retryNum !== undefined) {
    h["x-slack-retry-num"] = String(opts.retryNum);
    h["x-slack-retry-reason"] = "http_timeout";
  }
  return h;
}

export interface SlashCommand {
  text: string;
  userId: string;
  teamId?: string;
  channelId?: string;
  triggerId?: string;
  responseUrl: string;
  command?: string;
}

let seq = 0;
/** A fresh trigger id in Slack's shape. */
export const triggerId = () => `${Date.now()}.${++seq}.${Math.random().toString(16).slice(2, 10)}`;

/** A slash command body, form-encoded in the field order Slack uses. */
export function slashCommandBody(c: SlashCommand): string {
  return new URLSearchParams({
    token: "legacy-verification-token",
    team_id: c.teamId ?? "T_TEND",
    team_domain: "tend-test",
    channel_id: c.channelId ?? "C_GENERAL",
    channel_name: "general",
    user_id: c.userId,
    user_name: c.userId.toLowerCase(),
    command: c.command ?? "/tend",
    text: c.text,
    api_app_id: "A_TEND",
    is_enterprise_install: "false",
    response_url: c.responseUrl,
    trigger_id: c.triggerId ?? triggerId(),
  }).toString();
}

/** An interactivity payload (block_actions, view_submission) as Slack posts it. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** An Events API envelope (JSON body). */
export function eventBody(event: Record<string, unknown>, opts: { eventId?: string; teamId?: string } = {}): string {
  const teamId = opts.teamId ?? "T_TEND";
  return JSON.stringify({
    token: "legacy-verification-token",
    team_id: teamId,
    api_app_id: "A_TEND",
    event,
    type: "event_callback",
    event_id: opts.eventId ?? `Ev${++seq}`,
    event_time: 1_700_000_000,
    authorizations: [{ team_id: teamId, user_id: "U_BOT", is_bot: true, is_enterprise_install: false }],
  });
}

/** POSTs a signed body to a Slack endpoint; `tamper` changes the bytes after signing. */
export async function postSigned(
  url: string,
  body: string,
  opts: { secret?: string; now: Date; contentType?: string; retryNum?: number; tamper?: (b: string) => string },
): Promise<Response> {
  const headers = signedHeaders(body, opts);
  return fetch(url, { method: "POST", headers, body: opts.tamper ? opts.tamper(body) : body });
}
