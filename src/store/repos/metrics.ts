import {
  type MetricsAccount,
  type MetricsPeriod,
  type MetricsRenewal,
  type MetricsScope,
  type TeamMetrics,
  teamMetrics,
} from "../../domain/health/metrics.js";
import type { Grade } from "../../domain/health/types.js";
import type { Db } from "../db.js";

// Team metrics from the store: two set-based reads (the period's closed renewals with their
// account's team and owner; the live accounts with their latest grade as of the period's end), then
// the pure computation in src/domain/health/metrics.ts.

/** A condition on `"Account" a`, its parameters numbered from $3 ($1, $2 are the period). */
export interface AccountWhere {
  sql: string;
  params: unknown[];
}

/** Renewals closed (renewed, downsized, churned) in the period, on accounts matching `where`. */
export async function loadClosedRenewals(
  db: Db,
  period: MetricsPeriod,
  where: AccountWhere = { sql: "TRUE", params: [] },
): Promise<MetricsRenewal[]> {
  const { rows } = await db.pool.query<MetricsRenewal>(
    `SELECT r."accountId", a."teamId", a."ownerId", to_char(r."dueDate", 'YYYY-MM-DD') AS "dueDate",
            to_char(r."closedAt", 'YYYY-MM-DD') AS "closedAt", r.status::text AS status,
            r.arr::float8 AS arr, r."outcomeArr"::float8 AS "outcomeArr", a.currency
       FROM "Renewal" r JOIN "Account" a ON a.id = r."accountId"
      WHERE r.status IN ('renewed', 'downsized', 'churned')
        AND COALESCE(r."closedAt", r."dueDate") BETWEEN $1::date AND $2::date AND (${where.sql})`,
    [period.from, period.to, ...where.params],
  );
  return rows;
}

/** What teamMetrics needs: the period's closed renewals and the accounts with their latest grade. */
export async function loadMetricsInputs(
  db: Db,
  period: MetricsPeriod,
  where: AccountWhere = { sql: "TRUE", params: [] },
): Promise<{ renewals: MetricsRenewal[]; accounts: MetricsAccount[] }> {
  const [renewals, accounts] = await Promise.all([
    loadClosedRenewals(db, period, where),
    db.pool.query<Omit<MetricsAccount, "grade"> & { grade: Grade | null }>(
      `SELECT a.id, a."teamId", a."ownerId", a.arr::float8 AS arr, a.currency, a.stage = 'churned' AS churned,
              h.grade::text AS grade
         FROM "Account" a
         LEFT JOIN LATERAL (SELECT grade FROM "HealthScore" s
                             WHERE s."accountId" = a.id AND s.day <= $2::date
                             ORDER BY s.day DESC LIMIT 1) h ON TRUE
        WHERE $1::date IS NOT NULL AND (${where.sql})`,
      [period.from, period.to, ...where.params],
    ),
  ]);
  return { renewals, accounts: accounts.rows };
}

export async function loadTeamMetrics(db: Db, period: MetricsPeriod, scope: MetricsScope = {}): Promise<TeamMetrics> {
  const where = {
    sql: `($3::text IS NULL OR a."teamId" = $3) AND ($4::text IS NULL OR a."ownerId" = $4)`,
    params: [scope.teamId ?? null, scope.ownerId ?? null],
  };
  const { renewals, accounts } = await loadMetricsInputs(db, period, where);
  return teamMetrics(renewals, accounts, period, scope);
}
