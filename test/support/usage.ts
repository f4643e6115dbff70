import { addDays } from "../../src/domain/dates.js";
import type { Db } from "../../src/store/db.js";
import { upsertUsage } from "../../src/store/repos/usage.js";

export interface UsageFigures {
  activeUsers: number;
  activatedUsers: number;
  seats: number;
  coreFeaturesUsed: number;
  coreFeaturesTotal: number;
}

/** Steady accounts: the same usage every day for `days` days up to and including `day`. */
export async function steadyUsage(
  db: Db,
  accountIds: readonly string[],
  day: string,
  figures: UsageFigures,
  days = 56,
): Promise<void> {
  const rows = accountIds.flatMap((accountId) =>
    Array.from({ length: days }, (_, i) => ({ accountId, day: addDays(day, -i), logins: 0, ...figures })),
  );
  await upsertUsage(db, rows);
}
