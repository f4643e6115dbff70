import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastUsage } from "../../src/import/fast.js";
import { usageRow } from "../../src/import/kinds.js";

// The bulk path's usage validator may only ever say what zod says: for any row it accepts, zod
// accepts it too with the same result; rows it passes on are zod's to judge.

const cell = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 500 }).map(String), weight: 30 },
  fc.constant(undefined),
  fc.integer({ min: -5, max: 200_000_000 }),
  fc.integer({ min: 0, max: 12_000 }).map(String),
  fc.stringMatching(/^[+-]?\d{1,10}$/),
  fc.constantFrom("1.5", "", " 7", "abc", "1e3", "0x10"),
  fc.double(),
);
const dayCell = fc.oneof(
  fc
    .date({ min: new Date("1999-01-01"), max: new Date("2100-12-31"), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom("2026-02-30", "2026-13-01", "26-01-01", "2026-1-1", " 2026-01-01", "2026-01-01T00:00:00Z"),
  fc.integer(),
);
const refCell = fc.oneof(
  { arbitrary: fc.constantFrom("CRM-1", "华东物流集团"), weight: 4 },
  fc.constant(undefined),
  fc.string({ maxLength: 120 }),
  fc.integer(),
);

describe("fast usage validator", () => {
  it("agrees with the zod schema on every row it accepts", () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.record({
          account_external_id: refCell,
          account_name: refCell,
          day: dayCell,
          active_users: cell,
          activated_users: cell,
          seats: cell,
          logins: cell,
          core_features_used: cell,
          core_features_total: cell,
        }),
        (raw) => {
          const v = Object.fromEntries(Object.entries(raw).filter(([, x]) => x !== undefined));
          const fast = fastUsage(v);
          if (fast === undefined) return;
          accepted++;
          const z = usageRow.safeParse(v);
          expect(z.success).toBe(true);
          expect(fast).toEqual(z.data);
        },
      ),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(100); // the generator reaches the fast path often enough to mean something
  });

  it("takes the plain rows a pipeline writes", () => {
    const row = {
      account_external_id: "CRM-1",
      day: "2026-11-23",
      active_users: "12",
      activated_users: "30",
      seats: "40",
      core_features_used: "3",
      core_features_total: "8",
    };
    expect(fastUsage(row)).toEqual(usageRow.parse(row));
    expect(fastUsage({ ...row, core_features_used: "9" })).toBeUndefined(); // more than the total: zod explains
  });
});
