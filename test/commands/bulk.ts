// Bulk-generated accounts for limits tests and the commands bench: set-based SQL, no per-row loops.
import type { Db } from "../../src/store/db.js";

/**
 * Adds `n` accounts (owners cycled over `ownerIds`, all in `teamId`) with 30 days of health scores,
 * usage for the last 56 days, a renewal spread over the next 365 days, two contacts, a promise
 * and, for every 7th account, an open risk.
 */
export async function bulkAccounts(
  db: Db,
  opts: { n: number; today: string; teamId: string; ownerIds: string[]; prefix?: string },
) {
  const { n, today, teamId, ownerIds } = opts;
  const prefix = opts.prefix ?? "Bulk";
  // Ids derive from the prefix (letters only) so several batches can coexist.
  const idp = prefix.toLowerCase().replace(/[^a-z]/g, "");
  await db.pool.query(
    `INSERT INTO "Account" (id, name, aliases, tier, industry, "ownerId", "teamId", arr, currency, "renewalDate", stage, "updatedAt")
     SELECT '${idp}' || g, $1 || ' Account ' || g, ARRAY[$1 || g], (ARRAY['strategic','key','standard','long_tail'])[1 + g % 4]::"Tier",
            (ARRAY['retail','finance','manufacturing','health'])[1 + g % 4], ($2::text[])[1 + g % cardinality($2::text[])], $3,
            1000 * (5 + (g * 37) % 500), 'USD', $4::date + (g % 365), 'steady', now()
       FROM generate_series(1, $5::int) g`,
    [prefix, ownerIds, teamId, today, n],
  );
  await db.pool.query(
    `INSERT INTO "HealthScore" ("accountId", day, score, grade, "usageLevel", "valueLevel", components, reasons)
     SELECT '${idp}' || g, $1::date - d, s, CASE WHEN s >= 76 THEN 'green' WHEN s >= 51 THEN 'yellow' ELSE 'red' END::"Grade",
            LEAST(2, s / 34), LEAST(2, (s + d) / 40),
            '[{"dimension":"activity","score":50,"weight":0.3,"effectiveWeight":0.3,"inputs":{"active_users":40}}]'::jsonb,
            '[{"kind":"drag","dimension":"trend","key":"trend.active_users_down","params":{"pct":21},"impact":8},
              {"kind":"lift","dimension":"depth","key":"depth.core_features","params":{"used":5,"total":8},"impact":3}]'::jsonb
       FROM generate_series(1, $2::int) g, generate_series(0, 29) d, LATERAL (SELECT 20 + (g * 13 + d) % 80 AS s) x`,
    [today, n],
  );
  await db.pool.query(
    `INSERT INTO "UsageSnapshot" ("accountId", day, "activeUsers", "activatedUsers", seats, logins, "coreFeaturesUsed", "coreFeaturesTotal")
     SELECT '${idp}' || g, $1::date - d, 20 + (g + d) % 30, 40, 60, 100, g % 8, 8
       FROM generate_series(1, $2::int) g, generate_series(0, 55) d`,
    [today, n],
  );
  await db.pool.query(
    `INSERT INTO "Renewal" (id, "accountId", "dueDate", arr, status, "termsClear", "updatedAt")
     SELECT '${idp}r' || g, '${idp}' || g, $1::date + (g % 365), 1000 * (5 + (g * 37) % 500), 'upcoming', g % 3 = 0, now()
       FROM generate_series(1, $2::int) g`,
    [today, n],
  );
  await db.pool.query(
    `INSERT INTO "Contact" (id, "accountId", name, role, attitude, "lastContact", "updatedAt")
     SELECT '${idp}c' || g || r, '${idp}' || g, 'Contact ' || g || '-' || r, (ARRAY['decision_maker','champion'])[r]::"ContactRole",
            'supporter', $1::date - (g % 120), now()
       FROM generate_series(1, $2::int) g, generate_series(1, 2) r`,
    [today, n],
  );
  await db.pool.query(
    `INSERT INTO "CustomerPromise" (id, "accountId", title, "madeAt", "dueDate", "updatedAt")
     SELECT '${idp}p' || g, '${idp}' || g, 'Promise ' || g, $1::date - 30, $1::date + (g % 20) - 5, now()
       FROM generate_series(1, $2::int) g`,
    [today, n],
  );
  await db.pool.query(
    `INSERT INTO "RiskFlag" (id, "accountId", kind, severity, "raisedAt")
     SELECT '${idp}f' || g, '${idp}' || g, 'roi_gap', (ARRAY['high','medium'])[1 + g % 2]::"Severity", $1::date - 10
       FROM generate_series(7, $2::int, 7) g`,
    [today, n],
  );
  await db.pool.query(`ANALYZE`);
}
