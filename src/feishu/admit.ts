import type { FeishuDeps } from "./deps.js";

// Every event and callback passes here before any work: other tenants are refused (nothing read or
// written), then repeated deliveries of one event id are dropped.

export interface EventMeta {
  event_id?: string;
  event_type?: string;
  tenant_key?: string;
}

export type Admission = "ok" | "other_tenant" | "repeat";

export async function admission(deps: FeishuDeps, event: EventMeta): Promise<Admission> {
  const tenants = deps.cfg.tenantKeys;
  if (tenants.length > 0 && !(event.tenant_key && tenants.includes(event.tenant_key))) {
    deps.ctx.log.warn(
      { tenant: event.tenant_key, type: event.event_type },
      "feishu: event from a tenant not in FEISHU_TENANT_KEYS refused",
    );
    return "other_tenant";
  }
  if (event.event_id && !(await deps.dedupe.claim(event.event_id))) {
    deps.ctx.log.info({ id: event.event_id, type: event.event_type }, "feishu: repeated delivery ignored");
    return "repeat";
  }
  return "ok";
}

export async function admit(deps: FeishuDeps, event: EventMeta): Promise<boolean> {
  return (await admission(deps, event)) === "ok";
}
