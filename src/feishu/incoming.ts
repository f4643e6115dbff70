import { withinBudget } from "../chat/budget.js";
import { auditRefusal } from "../store/repos/audit.js";
import type { FeishuServices } from "./services.js";

// Every event and callback passes here before any work: other tenants are refused (nothing read or
// written), then repeated deliveries of one event id are dropped - and none is lost on the way.
// Feishu pushes an event again when we did not answer in time (at 15 s, 5 min, 1 h and 6 h), and
// with several long-connection clients a retry may reach another replica: the claim of
// `feishu:<header.event_id>` (src/chat/dedupe.ts) decides who does the work.

/** The prefix of Feishu's delivery ids in the store. */
export const FEISHU_DELIVERY_PREFIX = "feishu:";

export interface EventMeta {
  event_id?: string | undefined;
  event_type?: string | undefined;
  tenant_key?: string | undefined;
}

/** True (and logged) when FEISHU_TENANT_KEYS is set and the event comes from another tenant. */
export function otherTenant(services: FeishuServices, event: EventMeta): boolean {
  const tenants = services.cfg.tenantKeys;
  if (tenants.length === 0 || (event.tenant_key && tenants.includes(event.tenant_key))) return false;
  services.ctx.log.warn(
    { tenant: event.tenant_key, type: event.event_type },
    "feishu: event from a tenant not in FEISHU_TENANT_KEYS refused",
  );
  // Audited in the background: the refusal itself must not wait on the store.
  auditRefusal(services.ctx.db, {
    memberId: null,
    surface: "feishu",
    asked: String(event.event_type ?? "event"),
    reason: "other_tenant",
    who: { feishuTenantKey: event.tenant_key ?? undefined },
  }).catch((err) => services.ctx.log.error({ err }, "audit: a refusal could not be recorded"));
  return true;
}

/** Claims the event id: true for the first delivery (do the work), false for a repeat. */
export async function firstDelivery(services: FeishuServices, event: EventMeta): Promise<boolean> {
  if (!event.event_id || (await services.dedupe.claim(event.event_id))) return true;
  services.ctx.log.info({ id: event.event_id, type: event.event_type }, "feishu: repeated delivery ignored");
  return false;
}

/**
 * Claims the event id before Feishu gets its answer, bounded by `budgetMs` so the answer stays
 * inside Feishu's 3 s. False: a repeat (answer, do nothing). A claim the store fails within the
 * budget is thrown, so Feishu sees an error and delivers the event again later: nothing is dropped.
 * Otherwise the follow-up awaits the returned function (true = do the work); a claim still running
 * at the budget's end is finished there, and if it then fails the work goes ahead anyway - Feishu
 * will not deliver again after our 200, and a double is far rarer than a loss (answers carry a uuid).
 */
export async function claimBeforeAnswer(
  services: FeishuServices,
  event: EventMeta,
  budgetMs: number,
): Promise<false | (() => Promise<boolean>)> {
  const claim = firstDelivery(services, event);
  const early = await withinBudget(claim, budgetMs);
  if (early.done) return early.value ? async () => true : false;
  return () =>
    claim.catch((err) => {
      services.ctx.log.warn(
        { err, id: event.event_id },
        "feishu: dedupe claim failed after the answer; handling anyway",
      );
      return true;
    });
}
