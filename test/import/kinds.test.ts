import { describe, expect, it } from "vitest";
import { columnsOf, IMPORT_KINDS } from "../../src/import/kinds.js";
import { REFERENCES, SPECS, tableValues } from "../../src/import/specs.js";

// Row columns become table columns by name (snake_case to camelCase): a column added to a row
// schema without its table column, or renamed on one side only, would be dropped without a word.
describe("import kinds", () => {
  it.each(IMPORT_KINDS.filter((k) => k !== "usage"))("every %s column lands in a table column", (kind) => {
    const spec = SPECS[kind as keyof typeof SPECS];
    // calendar_url is sealed into CalendarFeed, not the Member row (test/import/calendar-url.test.ts).
    const columns = columnsOf(kind).filter((c) => !REFERENCES.has(c) && c !== "calendar_url");
    const row = Object.fromEntries(columns.map((c) => [c, "x"]));
    for (const c of Object.keys(tableValues(row))) expect(Object.keys(spec.columns)).toContain(c);
  });

  it("writes days as YYYY-MM-DD and moments as ISO text", () => {
    const d = new Date("2026-03-01T14:30:00Z");
    expect(tableValues({ raised_at: d, occurred_at: d }, ["occurredAt"])).toEqual({
      raisedAt: "2026-03-01",
      occurredAt: "2026-03-01T14:30:00.000Z",
    });
  });
});
