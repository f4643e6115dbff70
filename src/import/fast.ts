import { parseDay } from "./fields.js";
import type { RowOf } from "./kinds.js";

// The bulk path's validator for usage rows, the largest import (a million rows a file). It accepts
// only the plain form a pipeline writes (digits, YYYY-MM-DD, short ids) and returns exactly what the
// zod schema would; anything else returns undefined and goes through zod, which decides and explains.
// test/import/fast.test.ts checks the two agree.

const DIGITS = /^\d{1,9}$/;

function count(v: unknown, max: number): number | undefined {
  if (typeof v === "string") {
    if (!DIGITS.test(v)) return undefined;
    const n = Number(v);
    return n <= max ? n : undefined;
  }
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max) return v;
  return undefined;
}

function ref(v: unknown, max: number): string | undefined | false {
  if (v === undefined) return undefined;
  return typeof v === "string" && v.length > 0 && v.length <= max && v.trim() === v && !v.includes("\0") ? v : false;
}

export function fastUsage(v: Record<string, unknown>): RowOf<"usage"> | undefined {
  const ext = ref(v.account_external_id, 100);
  const name = ref(v.account_name, 200);
  if (ext === false || name === false || (ext === undefined && name === undefined)) return undefined;
  if (typeof v.day !== "string") return undefined;
  const day = parseDay(v.day);
  if (!day) return undefined;
  const activeUsers = count(v.active_users, 100_000_000);
  const activatedUsers = count(v.activated_users, 100_000_000);
  const seats = count(v.seats, 100_000_000);
  if (activeUsers === undefined || activatedUsers === undefined || seats === undefined) return undefined;
  const row: RowOf<"usage"> = { day, active_users: activeUsers, activated_users: activatedUsers, seats };
  if (ext !== undefined) row.account_external_id = ext;
  if (name !== undefined) row.account_name = name;
  for (const [k, max] of [
    ["logins", 100_000_000],
    ["core_features_used", 10_000],
    ["core_features_total", 10_000],
  ] as const) {
    if (v[k] === undefined) continue;
    const n = count(v[k], max);
    if (n === undefined) return undefined;
    row[k] = n;
  }
  if (row.core_features_total !== undefined && (row.core_features_used ?? 0) > row.core_features_total)
    return undefined;
  return row;
}
