// Slack delivers again when it thinks we missed something (X-Slack-Retry-Num, Socket Mode
// retry_attempt). Each delivery carries a stable id: event_id for events, trigger_id for commands,
// buttons and modal submissions; src/chat/dedupe.ts claims it once for every replica.

/** The prefix of Slack's delivery ids in the store. */
export const SLACK_DELIVERY_PREFIX = "slack:";

/** The delivery id of a Bolt body, or undefined when it has none (then it is never deduped). */
export function deliveryId(body: Record<string, unknown>): string | undefined {
  if (typeof body.event_id === "string") return `event:${body.event_id}`;
  if (typeof body.trigger_id === "string") return `trigger:${body.trigger_id}`;
  return undefined;
}

/** Context key where the dedupe middleware leaves the claim of a delivery that has an ack. */
export const CLAIM = "tendClaim";

/**
 * Whether this delivery is the first (do the work). Listeners await this *inside* their ack budget:
 * under load the claim may queue behind other store work, and Slack's 3 s must not wait for it.
 */
export function firstDelivery(context: Record<string, unknown>): Promise<boolean> {
  const claim = context[CLAIM];
  return claim instanceof Promise ? (claim as Promise<boolean>) : Promise.resolve(true);
}
