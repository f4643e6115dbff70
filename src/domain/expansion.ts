// Expansion signals: where a healthy account is ready to buy more (upsell, cross-sell, services).
// Pure: the store loads one ExpansionInput per account (src/store/repos/expansion.ts). Thresholds
// are the practice's, not fitted to a book: seats at 90% of those bought, usage up a tenth in four
// weeks, users up 15% (and at least 5) in 90 days, contacts from a department new to the account
// in 90 days, any request for a higher plan's feature.
import type { Grade } from "./health/types.js";

export const SIGNALS = ["seat_limit", "higher_plan", "rising_usage", "new_users", "new_departments"] as const;
export type SignalKind = (typeof SIGNALS)[number];

/** Signals that alone make an account worth a nudge to its owner. */
export const STRONG_SIGNALS: readonly SignalKind[] = ["seat_limit", "higher_plan"];

export const SEAT_USE_MIN = 0.9;
export const RISING_USAGE_MIN = 0.1;
export const NEW_USERS_GROWTH_MIN = 0.15;
export const NEW_USERS_MIN = 5;

export interface ExpansionInput {
  grade: Grade | null;
  highRisk: boolean;
  /** Seats bought (the account's, else the latest usage row's). */
  seats: number | null;
  /** Users holding a seat now (latest usage row's activated users). */
  seatsInUse: number | null;
  /** Activated users about 90 days ago (the oldest usage row in days 80-100 back), if any. */
  usersBefore: number | null;
  /** Health engine's 4-week usage change (0.12 = up 12%), null when not known. */
  usageChange: number | null;
  /** Open requests for features of a higher plan. */
  higherPlanRequests: number;
  /** Open upsell / cross-sell / services opportunities. */
  openOpportunities: number;
  /** Titles of the contacts Tend has held for more than 90 days (active or not): the known departments. */
  contactTitlesBefore?: (string | null)[];
  /** Titles of the active contacts Tend first recorded in the last 90 days. */
  contactTitlesNew?: (string | null)[];
}

export interface Signal {
  kind: SignalKind;
  /** Numbers for the sentence (percentages as whole numbers). */
  params: Record<string, number>;
  /** new_departments: which ones, in DEPARTMENTS order (words for them are the catalogue's). */
  departments?: Department[];
}

export const DEPARTMENTS = [
  "executive",
  "finance",
  "hr",
  "legal",
  "it",
  "engineering",
  "product",
  "marketing",
  "sales",
  "support",
  "operations",
] as const;
export type Department = (typeof DEPARTMENTS)[number];

// The words of a job title that name its department, English and Chinese. Checked in this order:
// "Product Marketing Manager" is product, "Sales Operations" sales. A title matching none (a bare
// "Manager") names no department.
const DEPARTMENT_WORDS: Record<Department, RegExp> = {
  executive: /\b(ceo|coo|founder|co-founder|president|managing director|general manager)\b|总经理|总裁|创始人|董事长/i,
  finance:
    /\b(cfo|finance|financial|accounting|accountant|controller|treasury|procurement|purchasing)\b|财务|会计|采购/i,
  hr: /\b(hr|human resources|people|talent|recruit\w*)\b|人力|人事|招聘/i,
  legal: /\b(legal|counsel|compliance)\b|法务|合规/i,
  it: /\b(it|cio|information technology|sysadmin|system administrator)\b|信息/i,
  engineering: /\b(cto|engineer\w*|developer|r&d|devops)\b|技术|研发|开发|工程/i,
  product: /\b(product|cpo)\b|产品/i,
  marketing: /\b(marketing|cmo|brand|growth)\b|市场|营销|品牌/i,
  sales: /\b(sales|account executive|business development|cro)\b|销售|商务/i,
  support: /\b(support|service desk|customer service|customer success)\b|客服|客户成功|售后/i,
  operations: /\b(operations|ops|logistics|supply chain|warehouse)\b|运营|物流|供应链|仓储/i,
};

/** The department a job title names, if any. */
export function departmentOf(title: string | null | undefined): Department | null {
  if (!title) return null;
  return DEPARTMENTS.find((d) => DEPARTMENT_WORDS[d].test(title)) ?? null;
}

/**
 * Departments the new contacts bring that no earlier contact held. Without earlier contacts there
 * is nothing to compare with (a first import makes every contact "new"): none.
 */
export function newDepartments(before: readonly (string | null)[], added: readonly (string | null)[]): Department[] {
  if (before.length === 0) return [];
  const known = new Set(before.map(departmentOf));
  const fresh = new Set(added.map(departmentOf).filter((d): d is Department => d !== null && !known.has(d)));
  return DEPARTMENTS.filter((d) => fresh.has(d));
}

export function expansionSignals(x: ExpansionInput): Signal[] {
  // An unhappy customer is no expansion candidate: fix the relationship first.
  if (x.grade === "red" || x.highRisk) return [];
  const out: Signal[] = [];
  if (x.seats && x.seats > 0 && x.seatsInUse !== null && x.seatsInUse / x.seats >= SEAT_USE_MIN)
    out.push({
      kind: "seat_limit",
      params: { used: x.seatsInUse, seats: x.seats, pct: Math.round((x.seatsInUse / x.seats) * 100) },
    });
  if (x.higherPlanRequests > 0) out.push({ kind: "higher_plan", params: { count: x.higherPlanRequests } });
  if (x.grade === "green" && x.usageChange !== null && x.usageChange >= RISING_USAGE_MIN)
    out.push({ kind: "rising_usage", params: { pct: Math.round(x.usageChange * 100) } });
  if (
    x.usersBefore !== null &&
    x.usersBefore > 0 &&
    x.seatsInUse !== null &&
    x.seatsInUse - x.usersBefore >= NEW_USERS_MIN &&
    (x.seatsInUse - x.usersBefore) / x.usersBefore >= NEW_USERS_GROWTH_MIN
  )
    out.push({
      kind: "new_users",
      params: {
        added: x.seatsInUse - x.usersBefore,
        pct: Math.round(((x.seatsInUse - x.usersBefore) / x.usersBefore) * 100),
      },
    });
  const departments = newDepartments(x.contactTitlesBefore ?? [], x.contactTitlesNew ?? []);
  if (departments.length) out.push({ kind: "new_departments", params: { count: departments.length }, departments });
  return out;
}

const WEIGHT: Record<SignalKind, number> = {
  seat_limit: 3,
  higher_plan: 3,
  rising_usage: 2,
  new_users: 2,
  new_departments: 2,
};

/** Ranking strength: strong signals count most; green health adds one. */
export function signalStrength(signals: readonly Signal[], grade: Grade | null): number {
  if (signals.length === 0) return 0;
  return signals.reduce((s, x) => s + WEIGHT[x.kind], 0) + (grade === "green" ? 1 : 0);
}

/**
 * Worth a nudge to the owner: a strong signal on an account with no open opportunity yet (once
 * one is open, the owner is already on it).
 */
export function nudgeWorthy(x: ExpansionInput, signals: readonly Signal[]): SignalKind[] {
  if (x.openOpportunities > 0) return [];
  return signals.map((s) => s.kind).filter((k) => STRONG_SIGNALS.includes(k));
}

export interface Candidate<R extends ExpansionInput & { arr: number; currency: string; name: string }> {
  row: R;
  signals: Signal[];
  strength: number;
}

/**
 * Accounts with at least one signal, strongest first, then by ARR (`rank` turns an amount into a
 * comparable value across currencies), then by name.
 */
export function rankCandidates<R extends ExpansionInput & { arr: number; currency: string; name: string }>(
  rows: readonly R[],
  rank: (amount: number, currency: string) => number,
): Candidate<R>[] {
  return rows
    .map((row) => {
      const signals = expansionSignals(row);
      return { row, signals, strength: signalStrength(signals, row.grade) };
    })
    .filter((c) => c.signals.length > 0)
    .sort(
      (a, b) =>
        b.strength - a.strength ||
        rank(b.row.arr, b.row.currency) - rank(a.row.arr, a.row.currency) ||
        a.row.name.localeCompare(b.row.name),
    );
}
