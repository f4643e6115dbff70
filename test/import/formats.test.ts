import { describe, expect, it } from "vitest";
import { detectDelimiter } from "../../src/import/csv.js";
import { withDateOrder } from "../../src/import/fields.js";
import { accountRow, memberRow, renewalRow, usageRow } from "../../src/import/kinds.js";
import { csvSource } from "../../src/import/source.js";

// What real spreadsheets write, read as meant and never guessed (issue 15).

const dayOf = (v: string | number, order?: "DMY" | "MDY") => {
  const r = withDateOrder(order, () =>
    usageRow.safeParse({ account_external_id: "A", day: v, active_users: 1, activated_users: 1, seats: 1 }),
  );
  return r.success ? r.data.day.toISOString().slice(0, 10) : r.error.issues.map((i) => i.message).join("; ");
};

describe("dates", () => {
  it("reads year-first days with -, / or . and ISO date-times as the day they name", () => {
    expect(dayOf("2026-11-25")).toBe("2026-11-25");
    expect(dayOf("2026/11/25")).toBe("2026-11-25"); // Chinese Excel's default
    expect(dayOf("2026/1/5")).toBe("2026-01-05");
    expect(dayOf("2026.11.25")).toBe("2026-11-25");
    expect(dayOf("2026-11-25T23:30:00Z")).toBe("2026-11-25");
  });

  it("reads Excel serial numbers, as numbers (JSON) or digits (CSV)", () => {
    expect(dayOf(46351)).toBe("2026-11-25");
    expect(dayOf("46351")).toBe("2026-11-25");
    expect(dayOf(7)).toMatch(/not an Excel date/);
  });

  it("refuses a day-first or month-first date without --date-format, naming the option", () => {
    expect(dayOf("03/04/2026")).toMatch(/--date-format DMY or --date-format MDY/);
    expect(dayOf("11/25/2026")).toMatch(/reads only as MDY/);
  });

  it("reads them in the order given, and says when a date does not exist in that order", () => {
    expect(dayOf("03/04/2026", "DMY")).toBe("2026-04-03");
    expect(dayOf("03/04/2026", "MDY")).toBe("2026-03-04");
    expect(dayOf("11/25/2026", "MDY")).toBe("2026-11-25");
    expect(dayOf("25.11.2026", "DMY")).toBe("2026-11-25");
    expect(dayOf("11/25/2026", "DMY")).toMatch(/not a day read day-first \(--date-format DMY\)/);
  });

  it("refuses days that do not exist and text that is not a day", () => {
    expect(dayOf("2026/02/30")).toMatch(/does not exist|not a day/);
    expect(dayOf("next week")).toMatch(/is not a day as YYYY-MM-DD/);
  });
});

describe("currencies", () => {
  const cur = (v: string) => {
    const r = accountRow.safeParse({ name: "A", currency: v });
    return r.success ? r.data.currency : r.error.issues[0]?.message;
  };
  it("accepts ISO 4217 codes in any case and common aliases as their code", () => {
    expect(cur("usd")).toBe("USD");
    expect(cur("CNY")).toBe("CNY");
    expect(cur("RMB")).toBe("CNY");
    expect(cur("人民币")).toBe("CNY");
    expect(cur("US$")).toBe("USD");
    expect(cur("€")).toBe("EUR");
  });
  it("refuses a code that is not ISO 4217, and a sign that stands for several currencies", () => {
    expect(cur("ABC")).toMatch(/not an ISO 4217 currency code/);
    expect(cur("¥")).toMatch(/CNY .* or JPY/);
    expect(cur("$")).toMatch(/write the 3-letter code/);
  });
});

describe("choices", () => {
  it("accept the value in any case and the product's own display words in English and Chinese", () => {
    const stage = (v: string) => {
      const r = accountRow.safeParse({ name: "A", stage: v });
      return r.success ? r.data.stage : "refused";
    };
    expect(stage("Steady Use")).toBe("steady");
    expect(stage("稳定使用")).toBe("steady");
    expect(stage("ONBOARDING")).toBe("onboarding");
    expect(stage("上线实施")).toBe("onboarding");
    expect(stage("sleeping")).toBe("refused");
    const tier = accountRow.safeParse({ name: "A", tier: "Long Tail" });
    expect(tier.success && tier.data.tier).toBe("long_tail");
    const status = renewalRow.safeParse({
      account_external_id: "A",
      due_date: "2026-01-01",
      arr: 1,
      status: "降额续约",
    });
    expect(status.success && status.data.status).toBe("downsized");
    const role = memberRow.safeParse({ email: "a@b.co", name: "A", role: "Manager" });
    expect(role.success && role.data.role).toBe("manager");
  });
});

describe("delimiters", () => {
  it("detects comma, semicolon and tab from the header line", () => {
    expect(detectDelimiter("a,b,c")).toBe(",");
    expect(detectDelimiter("a;b;c")).toBe(";");
    expect(detectDelimiter("a\tb\tc")).toBe("\t");
    expect(detectDelimiter('"a;b",c')).toBe(",");
  });

  it("reads a semicolon-separated file (European Excel)", async () => {
    const src = await csvSource(["account_external_id;day;active_users\r\nA-1;2026-11-25;3\r\n"]);
    expect(src.delimiter).toBe(";");
    expect(src.header).toEqual(["account_external_id", "day", "active_users"]);
    const rows = [];
    for await (const b of src.items) rows.push(...b);
    expect(rows).toEqual([{ line: 2, values: { account_external_id: "A-1", day: "2026-11-25", active_users: "3" } }]);
  });
});
