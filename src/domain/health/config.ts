import { z } from "zod";
import { type HolidayConfig, HolidaysSchema } from "./holidays.js";
import { DIMENSIONS, type Dimension } from "./types.js";

// Health settings: weights, targets and thresholds. Defaults live in defaults.ts; a deployment
// overrides them with a JSON file (TEND_HEALTH_CONFIG), validated here. Overrides per tier and per
// industry are partial settings merged over the base, tier first, then industry.

const unit = z.number().min(0).max(1);
const weight = z.number().min(0);
const days = z.number().int().positive();
const points = z.number().min(0).max(100);

const dimensionWeights = z.object(
  Object.fromEntries(DIMENSIONS.map((d) => [d, weight])) as Record<Dimension, typeof weight>,
);

export const SettingsSchema = z.object({
  /** Relative weights of the six dimensions (normalised; dimensions with no data are left out). */
  weights: dimensionWeights,
  /** Grade bands: score >= green is green, >= yellow is yellow, below is red. */
  bands: z.object({ green: points, yellow: points }),
  activity: z.object({
    /** How often a healthy user of this segment uses the product: weekly use can be healthy. */
    frequency: z.enum(["daily", "weekly"]),
    activationTarget: unit,
    /** Active users (per day or per week, by frequency) over seats that scores 100. */
    utilisationTarget: unit,
    /** Daily: average DAU over the 28-day peak (DAU/MAU proxy). Weekly: share of the last 4 weeks with use. */
    stickinessTarget: unit,
    parts: z.object({ activation: weight, utilisation: weight, stickiness: weight }),
  }),
  depth: z.object({ coreFeatureTarget: unit }),
  /** Recent 4 weeks vs the 4 weeks before (the facts loader reads 56 days). */
  trend: z.object({
    /** Fewest days of usage in each window for a trend to be read. */
    minDays: days,
    /** Score of a flat trend; each percentage point of change moves it by pointsPerPct. */
    flatScore: points,
    pointsPerPct: z.number().min(0),
    /** A change of at least this share is named as a reason. */
    reasonPct: unit,
    /**
     * Collapse of a daily-use account: a baseline of at least `minBaseline` daily users, and every
     * day of the last 7 (at least `minDays` with data) at or below `maxShare` of it.
     */
    collapse: z.object({ minBaseline: z.number().min(0), maxShare: unit, minDays: z.number().int().min(1).max(7) }),
  }),
  relationship: z.object({
    /** Days between meaningful contacts expected for this segment. */
    cadenceDays: days,
    execWindowDays: days,
    /**
     * Kept so older config files still load: a champion or decision maker who left is now named until
     * a successor of the same role is recorded, however long ago they left.
     */
    leftWindowDays: days,
    /**
     * Outreach nobody answered: this many attempts since the last answered contact, the first at least
     * `days` ago, reads as refusing contact (a part of its own, scored 0, with this weight).
     */
    refusing: z.object({ attempts: z.number().int().min(1), days, weight }),
    /** A weight of 0 leaves a role out: tech-touch accounts are not expected to have a champion. */
    parts: z.object({ cadence: weight, executive: weight, champion: weight, decisionMaker: weight }),
  }),
  sentiment: z.object({
    /** Surveys older than this are not read. */
    surveyWindowDays: days,
    /** Praise and complaints within this many days. */
    voiceWindowDays: days,
    npsLowMax: z.number().int().min(0).max(10),
    npsHighMin: z.number().int().min(0).max(10),
    /** A decision maker's answer counts this many times a user's (and a detractor's drags the part that much harder). */
    decisionMakerFactor: z.number().min(1),
    parts: z.object({ nps: weight, csat: weight, voice: weight }),
  }),
  value: z.object({
    /** Feedback open longer than this counts against the account. */
    feedbackAgeDays: days,
    /** Points off per old feedback item, overdue promise and overdue milestone. */
    penalties: z.object({
      feedback: points,
      promise: points,
      milestone: points,
      urgentTicket: points,
      reopenedTicket: points,
    }),
    /** An urgent support ticket open longer than this (hours) counts against the account. */
    urgentTicketHours: z
      .number()
      .min(1)
      .max(24 * 90),
  }),
  risk: z.object({
    /** Points off per active medium-severity risk flag (high-severity flags cap the grade at red). */
    mediumPenalty: points,
  }),
  onboarding: z.object({
    /** Accounts within this many days after go-live are judged as onboarding. */
    windowDays: days,
    /** Activation expected by day N after go-live (interpolated between checkpoints, from 0 at go-live). */
    activationTargets: z.array(z.object({ day: days, target: unit })).min(1),
    /** Weights used during onboarding instead of `weights`. */
    weights: dimensionWeights,
    /** Overdue milestones weigh this many times more during onboarding. */
    milestoneFactor: z.number().min(1),
  }),
  /** Nine quadrants: a usage or relationship-and-value score below `low` is low, at or above `high` is high. */
  quadrants: z.object({ low: points, high: points }),
  reasons: z.object({ maxDrags: z.number().int().min(0), maxLifts: z.number().int().min(0) }),
});
export type Settings = z.infer<typeof SettingsSchema>;

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};
export type SettingsOverride = DeepPartial<Settings>;

/** zod for a partial override: every object level optional, arrays replaced whole. */
function deepPartial(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Record<string, z.ZodType>;
    return z.strictObject(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, deepPartial(v).optional()])));
  }
  return schema;
}
const OverrideSchema = deepPartial(SettingsSchema) as z.ZodType<SettingsOverride>;

export const TIERS = ["strategic", "key", "standard", "long_tail"] as const;
export type Tier = (typeof TIERS)[number];

export const HealthConfigSchema = z.strictObject({
  base: OverrideSchema.optional(),
  tiers: z.partialRecord(z.enum(TIERS), OverrideSchema).optional(),
  /** Keyed by the account's industry, compared ignoring case. */
  industries: z.record(z.string(), OverrideSchema).optional(),
  /** Holiday calendars (replacing a built-in one of the same name) and team locale to calendar. */
  holidays: HolidaysSchema.optional(),
});
export type HealthConfigInput = z.infer<typeof HealthConfigSchema>;

export interface HealthConfig {
  base: Settings;
  tiers: Partial<Record<Tier, SettingsOverride>>;
  industries: Record<string, SettingsOverride>;
  /** Public holidays per team locale, kept out of usage baselines and drop detection. */
  holidays?: HolidayConfig;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function mergeSettings<T>(base: T, over: unknown): T {
  if (!isObject(over) || !isObject(base)) return (over === undefined ? base : over) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) if (v !== undefined) out[k] = mergeSettings(out[k], v);
  return out as T;
}

/** Layers a validated file over the defaults (file base over defaults, file tiers over default tiers). */
export function resolveHealthConfig(defaults: HealthConfig, input: unknown = {}): HealthConfig {
  const result = HealthConfigSchema.safeParse(input);
  if (!result.success) throw new Error(describeIssues(result.error));
  const parsed = result.data;
  const merged = SettingsSchema.safeParse(mergeSettings(defaults.base, parsed.base ?? {}));
  if (!merged.success) throw new Error(describeIssues(merged.error));
  const base = merged.data;
  const tiers: HealthConfig["tiers"] = { ...defaults.tiers };
  for (const [t, o] of Object.entries(parsed.tiers ?? {})) tiers[t as Tier] = mergeSettings(tiers[t as Tier] ?? {}, o);
  const industries: HealthConfig["industries"] = {};
  for (const [k, o] of Object.entries({ ...defaults.industries, ...(parsed.industries ?? {}) }))
    industries[k.toLowerCase()] = mergeSettings(industries[k.toLowerCase()] ?? {}, o);
  const holidays =
    defaults.holidays || parsed.holidays
      ? {
          calendars: { ...defaults.holidays?.calendars, ...parsed.holidays?.calendars },
          locales: { ...defaults.holidays?.locales, ...parsed.holidays?.locales },
        }
      : undefined;
  const config: HealthConfig = { base, tiers, industries, ...(holidays ? { holidays } : {}) };
  // Every segment must resolve to valid settings (e.g. an override cannot break the bands).
  for (const t of TIERS) settingsFor(config, t, null);
  for (const i of Object.keys(industries)) for (const t of TIERS) settingsFor(config, t, i);
  return config;
}

/** The settings that apply to one segment: base, then the tier's override, then the industry's. */
export function settingsFor(config: HealthConfig, tier: Tier, industry: string | null): Settings {
  let s = mergeSettings(config.base, config.tiers[tier] ?? {});
  const ind = industry ? config.industries[industry.toLowerCase()] : undefined;
  if (ind) s = mergeSettings(s, ind);
  const parsed = SettingsSchema.safeParse(s);
  if (!parsed.success)
    throw new Error(
      `health settings for ${tier}${industry ? `/${industry}` : ""}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  if (parsed.data.bands.yellow > parsed.data.bands.green)
    throw new Error(`health settings for ${tier}: bands.yellow must not exceed bands.green`);
  return parsed.data;
}

/** Zod issues as readable lines (for the CLI and the config loader). */
export function describeIssues(err: unknown): string {
  if (err instanceof z.ZodError)
    return err.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n");
  return err instanceof Error ? err.message : String(err);
}
