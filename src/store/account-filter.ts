import type { AccountFilter } from "../domain/identity.js";

/** SQL WHERE fragment over table alias `a` for a filter; params are appended from `start`. */
export function filterSql(filter: AccountFilter, start = 1): { sql: string; params: string[] } {
  // Accounts archived by a CRM sync (deleted or merged away there) keep their history, out of every list.
  const f = reachSql(filter, start);
  return { sql: `a."archivedAt" IS NULL AND ${f.sql}`, params: f.params };
}

function reachSql(filter: AccountFilter, start: number): { sql: string; params: string[] } {
  switch (filter.kind) {
    case "all":
      return { sql: "TRUE", params: [] };
    case "owner":
      return { sql: `a."ownerId" = $${start}`, params: [filter.ownerId] };
    case "team":
      return filter.alsoOwnerId
        ? {
            sql: `(a."teamId" = $${start} OR a."ownerId" = $${start + 1})`,
            params: [filter.teamId, filter.alsoOwnerId],
          }
        : { sql: `a."teamId" = $${start}`, params: [filter.teamId] };
  }
}
