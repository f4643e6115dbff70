import type { AccountField, CrmSettings, Field } from "./config.js";
import { fieldProperty } from "./config.js";

// CRM records as Tend rows, pure: properties in, values (or the reason they are refused) out. A
// record with any bad value is refused whole (quarantined), never written in part.

export type Props = Record<string, string | number | boolean | null | undefined>;

const TIERS = ["strategic", "key", "standard", "long_tail"] as const;
const STAGES = ["handoff", "onboarding", "adoption", "steady", "renewal", "churned"] as const;
const ROLES = ["decision_maker", "champion", "admin", "user", "finance", "executive"] as const;

export interface AccountValues {
  name: string;
  domain?: string | null;
  arr?: number | null;
  currency?: string | null;
  tier?: (typeof TIERS)[number] | null;
  industry?: string | null;
  region?: string | null;
  stage?: (typeof STAGES)[number] | null;
  goLiveDate?: string | null;
  renewalDate?: string | null;
  contractStart?: string | null;
  seats?: number | null;
  matchId?: string | null;
}

export type Mapped<T> = { ok: true; values: T } | { ok: false; reason: string };

const text = (v: Props[string]) => {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s === "" ? null : s;
};

/** "12,000.50", "12000" -> 12000.5; refuses words and negatives. */
export function parseAmount(v: Props[string]): number | null | Error {
  const s = text(v);
  if (s === null) return null;
  const n = Number(s.replace(/[,\s]/g, ""));
  if (!Number.isFinite(n) || n < 0) return new Error(`not an amount ("${s}")`);
  return Math.round(n * 100) / 100;
}

/** A calendar day from "2026-11-23", an ISO date-time or epoch milliseconds (HubSpot date properties). */
export function parseDay(v: Props[string]): string | null | Error {
  const s = text(v);
  if (s === null) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s))
    return Number.isNaN(Date.parse(`${s}T00:00:00Z`)) ? new Error(`not a date ("${s}")`) : s;
  const d = /^\d{10,14}$/.test(s) ? new Date(Number(s)) : new Date(s);
  if (Number.isNaN(d.getTime()) || !/\d{4}/.test(s)) return new Error(`not a date ("${s}")`);
  return d.toISOString().slice(0, 10);
}

function parseInt0(v: Props[string]): number | null | Error {
  const s = text(v);
  if (s === null) return null;
  const n = Number(s.replace(/[,\s]/g, ""));
  if (!Number.isInteger(n) || n < 0) return new Error(`not a whole number ("${s}")`);
  return n;
}

/** A choice through the field's value table, else Tend's own value ("Long tail" = long_tail). */
function parseChoice<T extends string>(field: Field, v: Props[string], allowed: readonly T[]): T | null | Error {
  const s = text(v);
  if (s === null) return null;
  const table = typeof field === "string" ? undefined : field.values;
  // Multi-select values ("CHAMPION;END_USER"): the first one that maps.
  for (const part of s.split(";")) {
    const p = part.trim();
    const viaTable = table ? (table[p] ?? table[p.toLowerCase()] ?? table[p.toUpperCase()]) : undefined;
    const own = (viaTable ?? p).toLowerCase().replace(/[\s-]+/g, "_");
    if ((allowed as readonly string[]).includes(own)) return own as T;
  }
  return new Error(`"${s}" is not one of ${allowed.join(", ")} (add it to the mapping's "values")`);
}

function domainOf(v: Props[string]): string | null {
  const s = text(v);
  if (s === null) return null;
  const host = s
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, "")
    .replace(/^www\./, "")
    .split(/[/?#:]/)[0];
  return host || null;
}

/** Maps a company / account record; `props` are the record's properties. */
export function mapAccount(props: Props, settings: CrmSettings): Mapped<AccountValues> {
  const a = settings.accounts;
  const get = (f: AccountField) => {
    const field = a[f];
    return field === undefined ? undefined : props[fieldProperty(field)];
  };
  const name = text(get("name"));
  if (!name) return { ok: false, reason: "name: empty" };
  const values: AccountValues = { name };
  const problems: string[] = [];
  const put = <K extends keyof AccountValues>(k: K, v: AccountValues[K] | Error | undefined) => {
    if (v instanceof Error) problems.push(`${k}: ${v.message}`);
    else if (v !== undefined) values[k] = v;
  };
  const has = (f: AccountField) => a[f] !== undefined;
  if (has("domain")) put("domain", domainOf(get("domain")));
  if (has("arr")) put("arr", parseAmount(get("arr")));
  if (has("currency")) {
    const c = text(get("currency"))?.toUpperCase() ?? null;
    put("currency", c !== null && !/^[A-Z]{3}$/.test(c) ? new Error(`not a currency code ("${c}")`) : c);
  }
  if (has("tier")) put("tier", parseChoice(a.tier as Field, get("tier"), TIERS));
  if (has("stage")) put("stage", parseChoice(a.stage as Field, get("stage"), STAGES));
  if (has("industry")) put("industry", text(get("industry")));
  if (has("region")) put("region", text(get("region")));
  if (has("goLiveDate")) put("goLiveDate", parseDay(get("goLiveDate")));
  if (has("renewalDate")) put("renewalDate", parseDay(get("renewalDate")));
  if (has("contractStart")) put("contractStart", parseDay(get("contractStart")));
  if (has("seats")) put("seats", parseInt0(get("seats")));
  if (has("matchId")) put("matchId", text(get("matchId")));
  return problems.length ? { ok: false, reason: problems.join("; ") } : { ok: true, values };
}

export interface ContactValues {
  name: string;
  email: string | null;
  title: string | null;
  role: (typeof ROLES)[number] | null;
}

export function mapContact(
  props: Props,
  settings: CrmSettings,
  names: { first: string; last: string; email: string },
): Mapped<ContactValues> {
  const email = text(props[names.email])?.toLowerCase() ?? null;
  if (email !== null && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
    return { ok: false, reason: `email: not an address ("${email}")` };
  const name = [text(props[names.first]), text(props[names.last])].filter(Boolean).join(" ") || email;
  if (!name) return { ok: false, reason: "name: empty (no first name, last name or email)" };
  const c = settings.contacts;
  const role = c.role ? parseChoice(c.role, props[fieldProperty(c.role)], ROLES) : null;
  if (role instanceof Error) return { ok: false, reason: `role: ${role.message}` };
  return { ok: true, values: { name, email, title: c.title ? text(props[fieldProperty(c.title)]) : null, role } };
}

export interface RenewalValues {
  dueDate: string;
  arr: number;
  status: "upcoming" | "renewed" | "churned";
  outcomeArr: number | null;
  closedAt: string | null;
}

/** A renewal deal / opportunity: due on its close date, for its amount; won renews, lost churns. */
export function mapRenewal(r: {
  closeDate: Props[string];
  amount: Props[string];
  won: boolean;
  lost: boolean;
  closedAt?: Props[string];
}): Mapped<RenewalValues> {
  const due = parseDay(r.closeDate);
  if (due === null) return { ok: false, reason: "close date: empty" };
  if (due instanceof Error) return { ok: false, reason: `close date: ${due.message}` };
  const amount = parseAmount(r.amount);
  if (amount instanceof Error) return { ok: false, reason: `amount: ${amount.message}` };
  const closed = r.won || r.lost;
  const closedAt = closed ? parseDay(r.closedAt ?? r.closeDate) : null;
  return {
    ok: true,
    values: {
      dueDate: due,
      arr: amount ?? 0,
      status: r.won ? "renewed" : r.lost ? "churned" : "upcoming",
      outcomeArr: r.won ? (amount ?? 0) : r.lost ? 0 : null,
      closedAt: closedAt instanceof Error ? due : closedAt,
    },
  };
}

/** The properties a mapping reads from an account record (dry run: which ones the CRM lacks). */
export function accountProperties(settings: CrmSettings): string[] {
  return [...new Set(Object.values(settings.accounts).map((f) => fieldProperty(f as Field)))];
}
