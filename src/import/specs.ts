import { CAUSE_SEVERITY, isRiskCause } from "../domain/risk/register.js";
import type { ImportKind } from "./kinds.js";

// How each kind's validated row becomes a row of its table, and how a row is recognised when it is
// imported again (its identity). Values are in the shape json_populate_recordset reads: dates as
// YYYY-MM-DD, moments as ISO text, enums as their names. An absent value is `undefined`: a new row
// takes the column's default, a stored row keeps what it has.

export type DbValues = Record<string, unknown>;

/** The stored rows an import refers to, by the keys files use. */
export interface Refs {
  accountsByExt: Map<string, string>;
  accountsByName: Map<string, string[]>;
  members: Map<string, string>;
  teams: Map<string, string>;
}

export type Converted = { values: DbValues } | { column: string; reason: string };

export interface KindSpec {
  table: string;
  /** Has an updatedAt column without a database default (Prisma sets it). */
  updatedAt: boolean;
  /** Every column the import writes, with the value a new row gets when the file leaves it out. */
  columns: Record<string, unknown>;
  /** External ids are unique in the table and identify a row first. */
  externalIds: boolean;
  /** The natural key is unique in the table, so it identifies a row even when external ids differ. */
  naturalUnique: boolean;
  /** The natural key as one text value, in SQL over the table's columns and in JS over DbValues. */
  naturalSql: string;
  natural(v: DbValues): string;
  /** Which stored rows to load for matching: those of the accounts in the file, or all. */
  scope: "account" | "all";
  toDb(row: never, refs: Refs): Converted;
}

export const day = (d: Date | undefined) => d?.toISOString().slice(0, 10);
export const moment = (d: Date | undefined) => d?.toISOString();
const SEP = "\u001f";
const key = (...parts: unknown[]) => parts.map((p) => (p === undefined || p === null ? "" : String(p))).join(SEP);
/** SQL twin of `key`: text parts joined by the same separator; NULL reads as "". */
const keySql = (...parts: string[]) => parts.map((p) => `coalesce((${p})::text, '')`).join(` || E'\\x1f' || `);
const daySql = (c: string) => `to_char("${c}", 'YYYY-MM-DD')`;

/** The account a child row names: external id first, then the exact name. */
export function resolveAccount(
  row: { account_external_id?: string; account_name?: string },
  refs: Refs,
): { id: string } | { column: string; reason: string } {
  if (row.account_external_id !== undefined) {
    const id = refs.accountsByExt.get(row.account_external_id);
    if (id) return { id };
    if (row.account_name === undefined)
      return { column: "account_external_id", reason: `no account has external id "${row.account_external_id}"` };
  }
  if (row.account_name === undefined)
    return { column: "account_external_id", reason: "account_external_id or account_name is required" };
  const ids = refs.accountsByName.get(row.account_name) ?? [];
  if (ids.length === 1) return { id: ids[0]! };
  if (ids.length === 0)
    return {
      column: "account_name",
      reason:
        row.account_external_id === undefined
          ? `no account is named "${row.account_name}" (names must match exactly)`
          : `no account has external id "${row.account_external_id}" or is named "${row.account_name}"`,
    };
  return {
    column: "account_name",
    reason: `${ids.length} accounts are named "${row.account_name}": give account_external_id instead`,
  };
}

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * A validated row as table values: snake_case columns become the table's camelCase ones, days
 * become YYYY-MM-DD and the `moments` ISO text. References (account, owner, team) are left out:
 * the spec resolves them.
 */
export function tableValues(row: object, moments: readonly string[] = []): DbValues {
  const out: DbValues = {};
  for (const [k, v] of Object.entries(row)) {
    if (REFERENCES.has(k)) continue;
    const c = camel(k);
    out[c] = v instanceof Date ? (moments.includes(c) ? moment(v) : day(v)) : v;
  }
  return out;
}

/** Columns that name another row rather than hold a value. */
export const REFERENCES = new Set(["account_external_id", "account_name", "owner_email", "member_email", "team"]);

type Lookup = { column: string; reason: string } | { set: DbValues };

/** Owner, member and team columns as ids; the first one that names nobody is the problem. */
function lookups(r: { owner_email?: string; member_email?: string; team?: string }, refs: Refs): Lookup {
  const set: DbValues = {};
  const found = (column: string, key: string | undefined, map: Map<string, string>, what: string, field: string) => {
    if (key === undefined) return undefined;
    const id = map.get(key);
    if (!id) return { column, reason: `${what} (import ${column === "team" ? "teams" : "members"} first)` };
    set[field] = id;
    return undefined;
  };
  return (
    found("owner_email", r.owner_email, refs.members, `no member has the email ${r.owner_email}`, "ownerId") ??
    found("member_email", r.member_email, refs.members, `no member has the email ${r.member_email}`, "memberId") ??
    // Team names are matched ignoring case: "sales east" in one export is "Sales East" in another.
    found("team", r.team?.toLowerCase(), refs.teams, `no team is named "${r.team}"`, "teamId") ?? { set }
  );
}

type Base = Omit<KindSpec, "toDb" | "scope" | "externalIds" | "naturalUnique"> &
  Partial<Pick<KindSpec, "externalIds" | "naturalUnique">> & { moments?: string[] };

/** A kind that stands alone (teams, members, accounts): matched among all stored rows. */
function top(base: Base): KindSpec {
  return {
    externalIds: false,
    naturalUnique: true,
    scope: "all",
    ...base,
    toDb(row: { owner_email?: string; team?: string }, refs: Refs) {
      const l = lookups(row, refs);
      if (!("set" in l)) return l;
      return { values: { ...tableValues(row, base.moments), ...l.set } };
    },
  };
}

/** A kind whose rows belong to an account, named by account_external_id or account_name. */
function child(base: Base): KindSpec {
  return {
    externalIds: true,
    naturalUnique: false,
    scope: "account",
    ...base,
    columns: { accountId: null, externalId: null, ...base.columns },
    toDb(row: { account_external_id?: string; account_name?: string; member_email?: string }, refs: Refs) {
      const acc = resolveAccount(row, refs);
      if (!("id" in acc)) return acc;
      const l = lookups(row, refs);
      if (!("set" in l)) return l;
      return { values: { accountId: acc.id, ...tableValues(row, base.moments), ...l.set } };
    },
  };
}

export const SPECS: Record<Exclude<ImportKind, "usage">, KindSpec> = {
  teams: top({
    table: "Team",
    updatedAt: true,
    columns: { name: null, locale: "en", timezone: "UTC", slackChannel: null, feishuChatId: null },
    // One team per name whatever its case: re-importing "sales east" updates "Sales East".
    naturalSql: keySql(`lower("name")`),
    natural: (v) => key(String(v.name).toLowerCase()),
  }),
  members: top({
    table: "Member",
    updatedAt: true,
    columns: {
      email: null,
      name: null,
      role: "csm",
      teamId: null,
      slackUserId: null,
      feishuOpenId: null,
      locale: null,
      timezone: null,
      quietStart: null,
      quietEnd: null,
      active: true,
    },
    naturalSql: keySql(`lower("email")`),
    natural: (v) => key(v.email),
  }),
  accounts: top({
    table: "Account",
    updatedAt: true,
    columns: {
      externalId: null,
      name: null,
      aliases: [],
      tier: "standard",
      industry: null,
      region: null,
      ownerId: null,
      teamId: null,
      arr: 0,
      currency: "USD",
      contractStart: null,
      renewalDate: null,
      stage: "steady",
      goLiveDate: null,
      seats: null,
    },
    // Names need not be unique: the external id comes first, the name is the fallback.
    externalIds: true,
    naturalUnique: false,
    naturalSql: keySql(`"name"`),
    natural: (v) => key(v.name),
  }),
  contacts: child({
    table: "Contact",
    updatedAt: true,
    columns: {
      name: null,
      email: null,
      title: null,
      role: "user",
      influence: 3,
      attitude: "neutral",
      active: true,
      leftAt: null,
      lastContact: null,
    },
    // External ids of contacts are not unique in the store; an account has one contact of a name.
    externalIds: false,
    naturalUnique: true,
    naturalSql: keySql(`"accountId"`, `"name"`),
    natural: (v) => key(v.accountId, v.name),
  }),
  interactions: child({
    table: "Interaction",
    updatedAt: false,
    columns: {
      kind: null,
      occurredAt: null,
      scheduled: false,
      answered: null,
      memberId: null,
      contactName: null,
      notes: null,
      nextSteps: null,
    },
    moments: ["occurredAt"],
    naturalSql: keySql(`"accountId"`, `"kind"`, `to_char("occurredAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`),
    natural: (v) => key(v.accountId, v.kind, v.occurredAt),
  }),
  feedback: child({
    table: "Feedback",
    updatedAt: true,
    columns: {
      title: null,
      detail: null,
      status: "open",
      severity: "medium",
      higherPlan: false,
      raisedAt: null,
      resolvedAt: null,
    },
    naturalSql: keySql(`"accountId"`, `"title"`, daySql("raisedAt")),
    natural: (v) => key(v.accountId, v.title, v.raisedAt),
  }),
  promises: child({
    table: "CustomerPromise",
    updatedAt: true,
    columns: { title: null, madeAt: null, dueDate: null, status: "open", keptAt: null },
    naturalSql: keySql(`"accountId"`, `"title"`, daySql("madeAt")),
    natural: (v) => key(v.accountId, v.title, v.madeAt),
  }),
  surveys: child({
    table: "SurveyResponse",
    updatedAt: false,
    columns: { kind: null, score: null, respondent: null, comment: null, respondedAt: null },
    naturalSql: keySql(`"accountId"`, `"kind"`, daySql("respondedAt"), `"respondent"`),
    natural: (v) => key(v.accountId, v.kind, v.respondedAt, v.respondent),
  }),
  milestones: child({
    table: "Milestone",
    updatedAt: true,
    columns: { title: null, dueDate: null, status: "planned", doneAt: null },
    naturalSql: keySql(`"accountId"`, `"title"`),
    natural: (v) => key(v.accountId, v.title),
  }),
  renewals: child({
    table: "Renewal",
    updatedAt: true,
    columns: {
      dueDate: null,
      arr: null,
      status: "upcoming",
      outcomeArr: null,
      closedAt: null,
      termsClear: null,
      valueReportSent: false,
      notes: null,
    },
    // One renewal per account and due date in the store.
    naturalUnique: true,
    naturalSql: keySql(`"accountId"`, daySql("dueDate")),
    natural: (v) => key(v.accountId, v.dueDate),
  }),
  risks: withRiskDefaults(
    child({
      table: "RiskFlag",
      updatedAt: true,
      columns: {
        kind: null,
        severity: null,
        source: "person",
        note: null,
        nextStep: null,
        raisedAt: null,
        resolvedAt: null,
        closedBy: null,
        closeNote: null,
      },
      naturalSql: keySql(`"accountId"`, `"kind"`, daySql("raisedAt")),
      natural: (v) => key(v.accountId, v.kind, v.raisedAt),
    }),
  ),
  opportunities: child({
    table: "Opportunity",
    updatedAt: true,
    columns: {
      kind: null,
      title: null,
      amount: 0,
      currency: null,
      status: "open",
      stage: null,
      expectedClose: null,
    },
    naturalSql: keySql(`"accountId"`, `"title"`),
    natural: (v) => key(v.accountId, v.title),
  }),
  calls: child({
    table: "RenewalCall",
    updatedAt: false,
    columns: { dueDate: null, call: null, calledAt: null, memberId: null, note: null, source: "import" },
    moments: ["calledAt"],
    naturalSql: keySql(`"accountId"`, daySql("dueDate"), `to_char("calledAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`),
    natural: (v) => key(v.accountId, v.dueDate, v.calledAt),
  }),
};

/** An imported risk is a person's: its severity defaults to its cause's, a closed one was closed by a person. */
function withRiskDefaults(spec: KindSpec): KindSpec {
  return {
    ...spec,
    toDb(row: never, refs: Refs) {
      const out = spec.toDb(row, refs);
      if (!("values" in out)) return out;
      const v = out.values;
      if (v.severity === undefined && typeof v.kind === "string" && isRiskCause(v.kind))
        v.severity = CAUSE_SEVERITY[v.kind];
      if (v.resolvedAt !== undefined) v.closedBy = "person";
      return out;
    },
  };
}
