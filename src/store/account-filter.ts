import type { AccountFilter } from "../domain/identity.js";

/** SQL WHERE fragment over table alias `a` for a filter; params are appended from `start`. */
export function filterSql(filter: AccountFilter, start = 1): { sql: string; params: string[] } {
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
