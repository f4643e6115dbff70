import { describe, expect, it } from "vitest";
import { forecastCharts } from "../../src/conversation/handlers/forecast.js";

describe("the forecast's pictures", () => {
  it("one chart per currency, open renewals by month and call (closed ones left out), alt text in numbers", () => {
    const charts = forecastCharts("en", [
      { month: "2026-12", currency: "USD", call: "commit", arr: 100_000 },
      { month: "2026-12", currency: "USD", call: "closed", arr: 50_000 },
      { month: "2027-01", currency: "USD", call: "at_risk", arr: 40_000 },
      { month: "2027-01", currency: "EUR", call: "likely", arr: 9_000 },
    ]);
    expect(charts.map((c) => c.name)).toEqual(["forecast-eur", "forecast-usd"]);
    const usd = charts[1]!;
    if (usd.kind !== "chart" || usd.chart.type !== "forecast") throw new Error("not a forecast chart");
    expect(usd.chart.months).toEqual(["2026-12", "2027-01"]);
    expect(usd.chart.byCall).toEqual({ commit: [100_000, 0], "at-risk": [0, 40_000] });
    expect(usd.alt).toBe("ARR due by month in USD: 2026-12 Commit 100000; 2027-01 At risk 40000.");
    expect(forecastCharts("en", [])).toEqual([]);
  });
});
