// Unit economics beside the renewal metrics: LTV = ARR × gross margin × expected lifetime, and
// LTV/CAC per segment (the account tier), flagged below 3; a renewal rate under 70% flagged with the
// lifetime it implies. Gross margin and CAC per segment come from TEND_UNIT_ECONOMICS (a JSON file,
// partial over these defaults); CAC is money, so it is given per currency and never converted.
import { z } from "zod";

export const SEGMENTS = ["strategic", "key", "standard", "long_tail"] as const;
export type Segment = (typeof SEGMENTS)[number];

/** LTV/CAC under this is flagged (the practice: above 3 is healthy). */
export const LTV_CAC_MIN = 3;
/** A yearly renewal rate under this is flagged with the lifetime it implies. */
export const RENEWAL_RATE_MIN = 0.7;

const segment = z
  .object({
    grossMargin: z.number().gt(0).max(1),
    /** Cost to acquire one customer of the segment, per currency code ("USD": 40000). */
    cac: z.record(z.string().regex(/^[A-Z]{3}$/, "a three-letter currency code"), z.number().positive()),
  })
  .strict();

export const UnitEconomicsSchema = z
  .object({
    strategic: segment,
    key: segment,
    standard: segment,
    long_tail: segment,
  })
  .strict();

export type UnitEconomics = z.infer<typeof UnitEconomicsSchema>;

/**
 * Documented defaults (docs/renewals.md): a typical SaaS gross margin, and CAC placeholders to
 * replace with your own (finance knows them). A CAC in a currency not listed is "not configured".
 */
export const UNIT_ECONOMICS_DEFAULTS: UnitEconomics = {
  strategic: { grossMargin: 0.75, cac: { USD: 60_000, EUR: 55_000, CNY: 420_000 } },
  key: { grossMargin: 0.75, cac: { USD: 25_000, EUR: 23_000, CNY: 175_000 } },
  standard: { grossMargin: 0.78, cac: { USD: 8_000, EUR: 7_500, CNY: 56_000 } },
  long_tail: { grossMargin: 0.8, cac: { USD: 1_500, EUR: 1_400, CNY: 10_000 } },
};

/** Defaults with a partial override merged per segment; throws a ZodError on a bad override. */
export function resolveUnitEconomics(override: unknown): UnitEconomics {
  const partial = z
    .object({
      strategic: segment.partial().optional(),
      key: segment.partial().optional(),
      standard: segment.partial().optional(),
      long_tail: segment.partial().optional(),
    })
    .strict()
    .parse(override);
  const out = { ...UNIT_ECONOMICS_DEFAULTS };
  for (const s of SEGMENTS) {
    const p = partial[s];
    if (p) out[s] = { grossMargin: p.grossMargin ?? out[s].grossMargin, cac: p.cac ?? out[s].cac };
  }
  return UnitEconomicsSchema.parse(out);
}

export interface SegmentAccount {
  tier: Segment;
  arr: number;
  currency: string;
}

export interface SegmentValue {
  segment: Segment;
  currency: string;
  accounts: number;
  avgArr: number;
  grossMargin: number;
  lifetimeYears: number;
  ltv: number;
  cac: number | null;
  ltvToCac: number | null;
  /** LTV/CAC under LTV_CAC_MIN. */
  low: boolean;
}

/**
 * LTV per segment and currency from the live accounts' average ARR and the scope's expected
 * lifetime (finite: with no churn there is no lifetime to multiply, and the caller says so).
 */
export function segmentValues(
  accounts: readonly SegmentAccount[],
  lifetimeYears: number,
  economics: UnitEconomics,
): SegmentValue[] {
  const groups = new Map<string, { segment: Segment; currency: string; n: number; arr: number }>();
  for (const a of accounts) {
    const k = `${a.tier}|${a.currency}`;
    const g = groups.get(k) ?? { segment: a.tier, currency: a.currency, n: 0, arr: 0 };
    g.n++;
    g.arr += a.arr;
    groups.set(k, g);
  }
  return [...groups.values()]
    .filter((g) => g.n > 0)
    .sort((a, b) => SEGMENTS.indexOf(a.segment) - SEGMENTS.indexOf(b.segment) || a.currency.localeCompare(b.currency))
    .map((g) => {
      const e = economics[g.segment];
      const avgArr = g.arr / g.n;
      const ltv = avgArr * e.grossMargin * lifetimeYears;
      const cac = e.cac[g.currency.toUpperCase()] ?? null;
      const ltvToCac = cac ? ltv / cac : null;
      return {
        segment: g.segment,
        currency: g.currency,
        accounts: g.n,
        avgArr,
        grossMargin: e.grossMargin,
        lifetimeYears,
        ltv,
        cac,
        ltvToCac,
        low: ltvToCac !== null && ltvToCac < LTV_CAC_MIN,
      };
    });
}

/** The trailing twelve months ending `today` (inclusive): from the day after the same date a year before. */
export function trailingTwelveMonths(today: string): { from: string; to: string } {
  const y = Number(today.slice(0, 4)) - 1;
  const md = today.slice(5);
  // 29 February a year back is 28 February (then the day after: 1 March).
  const yearAgo = md === "02-29" ? `${y}-02-28` : `${y}-${md}`;
  const d = new Date(`${yearAgo}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return { from: d.toISOString().slice(0, 10), to: today };
}
