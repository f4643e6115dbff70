// The risk register in the store: open flags, renewal facts for detection, a scoring run's sync,
// and people raising and resolving risks. Set-based: one statement per kind of change.
import { randomUUID } from "node:crypto";
import type { HealthFacts } from "../../domain/health/facts.js";
import type { RenewalFacts } from "../../domain/risk/detect-risks.js";
import type { RiskCause, RiskSeverity, RiskSource } from "../../domain/risk/register.js";
import type { OpenFlag, RiskSyncPlan } from "../../domain/risk/sync.js";
import type { Db } from "../db.js";

type Queryable = Pick<Db["pool"], "query">;

/** Open flags (as of `day`) of some accounts, or of every account. */
export async function openFlagsOf(db: Queryable, day: string, ids?: string[]): Promise<Map<string, OpenFlag[]>> {
  const { rows } = await db.query<OpenFlag & { accountId: string }>(
    `SELECT id, "accountId", kind::text AS cause, severity::text AS severity, source::text AS source,
            ("confirmedAt" IS NOT NULL) AS confirmed
       FROM "RiskFlag"
      WHERE "raisedAt" <= $1::date AND ("resolvedAt" IS NULL OR "resolvedAt" > $1::date)
        ${ids ? `AND "accountId" = ANY($2::text[])` : ""}`,
    ids ? [day, ids] : [day],
  );
  const by = new Map<string, OpenFlag[]>();
  for (const { accountId, ...f } of rows) by.set(accountId, [...(by.get(accountId) ?? []), f]);
  return by;
}

/** Causes a person resolved within `days` before `day`, by account (detection holds them back). */
export async function personResolvedOf(
  db: Queryable,
  day: string,
  days: number,
  ids?: string[],
): Promise<Map<string, Set<string>>> {
  const { rows } = await db.query<{ accountId: string; cause: string }>(
    `SELECT DISTINCT "accountId", kind::text AS cause FROM "RiskFlag"
      WHERE "closedBy" = 'person' AND "resolvedAt" > $1::date - $2::int AND "resolvedAt" <= $1::date
        ${ids ? `AND "accountId" = ANY($3::text[])` : ""}`,
    ids ? [day, days, ids] : [day, days],
  );
  const by = new Map<string, Set<string>>();
  for (const r of rows) by.set(r.accountId, (by.get(r.accountId) ?? new Set()).add(r.cause));
  return by;
}

/** Open flags in the scorer's shape (high and medium cost points or cap; low ones do not). */
export async function openRiskFacts(
  db: Queryable,
  day: string,
  ids?: string[],
): Promise<Map<string, HealthFacts["risks"]>> {
  const { rows } = await db.query<{ accountId: string; kind: string; severity: RiskSeverity; raisedAt: string }>(
    `SELECT "accountId", kind::text AS kind, severity::text AS severity, to_char("raisedAt", 'YYYY-MM-DD') AS "raisedAt"
       FROM "RiskFlag"
      WHERE "raisedAt" <= $1::date AND ("resolvedAt" IS NULL OR "resolvedAt" > $1::date)
        ${ids ? `AND "accountId" = ANY($2::text[])` : ""}
      ORDER BY "raisedAt", kind`,
    ids ? [day, ids] : [day],
  );
  const by = new Map<string, HealthFacts["risks"]>();
  for (const { accountId, ...r } of rows) by.set(accountId, [...(by.get(accountId) ?? []), r]);
  return by;
}

/**
 * Each account's next open renewal (upcoming or in progress, lapsed ones included) with the
 * readiness inputs detection reads, for renewals due up to `horizonDays` ahead.
 */
export async function renewalFactsOf(
  db: Queryable,
  day: string,
  horizonDays: number,
  ids?: string[],
): Promise<Map<string, RenewalFacts>> {
  const { rows } = await db.query<RenewalFacts & { accountId: string }>(
    `SELECT r."accountId", to_char(r."dueDate", 'YYYY-MM-DD') AS "dueDate", r."termsClear", r."valueReportSent",
            (SELECT count(*)::int FROM "CustomerPromise" p WHERE p."accountId" = r."accountId" AND p.status = 'open') AS "openPromises",
            EXISTS (SELECT 1 FROM "Contact" c WHERE c."accountId" = r."accountId" AND c.active AND c.role = 'decision_maker'
                      AND c.attitude <> 'opponent' AND c."lastContact" >= $1::date - 90) AS "decisionMakerEngaged",
            (SELECT s.score FROM "SurveyResponse" s WHERE s."accountId" = r."accountId" AND s.kind = 'nps'
                AND s."respondedAt" <= $1::date ORDER BY s."respondedAt" DESC LIMIT 1) AS "latestNps"
       FROM (SELECT DISTINCT ON ("accountId") * FROM "Renewal"
              WHERE status IN ('upcoming', 'in_progress') AND "dueDate" <= $1::date + $2::int
                ${ids ? `AND "accountId" = ANY($3::text[])` : ""}
              ORDER BY "accountId", "dueDate") r`,
    ids ? [day, horizonDays, ids] : [day, horizonDays],
  );
  return new Map(rows.map(({ accountId, ...r }) => [accountId, r]));
}

/** Applies a scoring run's plans in one transaction. */
export async function applyRiskSync(db: Db, day: string, plans: Map<string, RiskSyncPlan>): Promise<void> {
  const opened: unknown[] = [];
  const refreshed: unknown[] = [];
  const closed: string[] = [];
  for (const [accountId, plan] of plans) {
    for (const r of plan.open)
      opened.push({
        i: randomUUID(),
        a: accountId,
        k: r.cause,
        s: r.severity,
        e: r.evidence.key,
        p: r.evidence.params,
      });
    for (const { id, risk } of plan.refresh)
      refreshed.push({ i: id, s: risk.severity, e: risk.evidence.key, p: risk.evidence.params });
    closed.push(...plan.close);
  }
  if (opened.length + refreshed.length + closed.length === 0) return;
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN");
    if (opened.length)
      await client.query(
        `INSERT INTO "RiskFlag" (id, "accountId", kind, severity, source, "evidenceKey", "evidenceParams", "raisedAt")
         SELECT t.i, t.a, t.k::"RiskKind", t.s::"Severity", 'detected', t.e, t.p, $1::date
           FROM jsonb_to_recordset($2::jsonb) AS t(i text, a text, k text, s text, e text, p jsonb)`,
        [day, JSON.stringify(opened)],
      );
    if (refreshed.length)
      await client.query(
        `UPDATE "RiskFlag" f SET severity = t.s::"Severity", "evidenceKey" = t.e, "evidenceParams" = t.p, "updatedAt" = now()
           FROM jsonb_to_recordset($1::jsonb) AS t(i text, s text, e text, p jsonb)
          WHERE f.id = t.i AND (f.severity::text <> t.s OR f."evidenceKey" IS DISTINCT FROM t.e
                                OR f."evidenceParams" IS DISTINCT FROM t.p)`,
        [JSON.stringify(refreshed)],
      );
    if (closed.length)
      await client.query(
        `UPDATE "RiskFlag" SET "resolvedAt" = $1::date, "closedBy" = 'detected', "updatedAt" = now()
          WHERE id = ANY($2::text[]) AND "resolvedAt" IS NULL`,
        [day, closed],
      );
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export interface RegisterRow {
  id: string;
  cause: RiskCause;
  severity: RiskSeverity;
  source: RiskSource;
  note: string | null;
  evidenceKey: string | null;
  evidenceParams: Record<string, string | number> | null;
  nextStep: string | null;
  raisedAt: string;
  confirmed: boolean;
}

/** An account's open risks, worst first. */
export async function openRisksOf(db: Db, accountId: string): Promise<RegisterRow[]> {
  const { rows } = await db.pool.query<RegisterRow>(
    `SELECT id, kind::text AS cause, severity::text AS severity, source::text AS source, note, "evidenceKey",
            "evidenceParams", "nextStep", to_char("raisedAt", 'YYYY-MM-DD') AS "raisedAt",
            ("confirmedAt" IS NOT NULL) AS confirmed
       FROM "RiskFlag" WHERE "accountId" = $1 AND "resolvedAt" IS NULL
      ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, "raisedAt", kind`,
    [accountId],
  );
  return rows;
}

export type RaiseOutcome = "raised" | "confirmed" | "already_open";

/**
 * A person raises a cause: a new person-sourced risk, or - when detection already opened that
 * cause - their confirmation of it (it then stays open until a person resolves it).
 */
export async function raiseRisk(
  db: Db,
  input: { accountId: string; cause: RiskCause; severity: RiskSeverity; note?: string; memberId: string; day: string },
): Promise<RaiseOutcome> {
  const { rows } = await db.pool.query<{ id: string; source: RiskSource; confirmed: boolean }>(
    `SELECT id, source::text AS source, ("confirmedAt" IS NOT NULL) AS confirmed FROM "RiskFlag"
      WHERE "accountId" = $1 AND kind = $2::"RiskKind" AND "resolvedAt" IS NULL ORDER BY "raisedAt" LIMIT 1`,
    [input.accountId, input.cause],
  );
  const open = rows[0];
  if (open) {
    if (open.source === "person" || open.confirmed) return "already_open";
    await db.pool.query(
      `UPDATE "RiskFlag" SET "confirmedAt" = $2::date, "raisedById" = $3, note = COALESCE($4, note), "updatedAt" = now()
        WHERE id = $1`,
      [open.id, input.day, input.memberId, input.note ?? null],
    );
    return "confirmed";
  }
  await db.pool.query(
    `INSERT INTO "RiskFlag" (id, "accountId", kind, severity, source, note, "raisedAt", "raisedById")
     VALUES ($1, $2, $3::"RiskKind", $4::"Severity", 'person', $5, $6::date, $7)`,
    [randomUUID(), input.accountId, input.cause, input.severity, input.note ?? null, input.day, input.memberId],
  );
  return "raised";
}

/** A person resolves every open risk of a cause; returns how many were open. */
export async function resolveRisk(
  db: Db,
  input: { accountId: string; cause: RiskCause; note?: string; memberId: string; day: string },
): Promise<number> {
  const { rowCount } = await db.pool.query(
    `UPDATE "RiskFlag" SET "resolvedAt" = $3::date, "closedBy" = 'person', "closedById" = $4, "closeNote" = $5,
            "updatedAt" = now()
      WHERE "accountId" = $1 AND kind = $2::"RiskKind" AND "resolvedAt" IS NULL`,
    [input.accountId, input.cause, input.day, input.memberId, input.note ?? null],
  );
  return rowCount ?? 0;
}
