import { z } from "zod";

// Proactive-engine settings: defaults here, overridable per deployment with a JSON file
// (`tend run ... --config proactive.json`), validated with zod.

const tierDays = z.object({
  strategic: z.number().int().positive().nullable(),
  key: z.number().int().positive().nullable(),
  standard: z.number().int().positive().nullable(),
  long_tail: z.number().int().positive().nullable(),
});
const tierList = z.object({
  strategic: z.array(z.number().int().positive()),
  key: z.array(z.number().int().positive()),
  standard: z.array(z.number().int().positive()),
  long_tail: z.array(z.number().int().positive()),
});

export const ProactiveConfigSchema = z.object({
  /** Days without a meaningful contact before a nudge, per tier (null = never). */
  cadenceDays: tierDays,
  /** Usage drop: recent week vs the 4 weeks before it, every day of the week below the baseline by this much. */
  usageDropPct: z.number().min(1).max(100),
  /** Health drop: this many points or more within 7 days. */
  healthDropPoints: z.number().int().positive(),
  /** Stakeholder (champion / decision maker) left within this many days. */
  stakeholderWindowDays: z.number().int().positive(),
  /** Onboarding: activation rate expected by day 30 / 60 / 90 after go-live. */
  onboardingActivation: z.object({ d30: z.number(), d60: z.number(), d90: z.number() }),
  feedbackOpenDays: z.number().int().positive(),
  /** NPS at or below this is a detractor; responses within detractorWindowDays count. */
  npsDetractorMax: z.number().int().min(0).max(10),
  detractorWindowDays: z.number().int().positive(),
  /** Renewal reminders: days before the due date, per tier. */
  renewalReminderDays: tierList,
  /** When the visit-prep brief is delivered: the morning of the visit or the evening before. */
  briefTiming: z.enum(["morning", "evening"]),
  /** Local hours: nudges and digests in the morning, briefs the evening before when so configured. */
  morningHour: z.number().int().min(0).max(23),
  eveningHour: z.number().int().min(0).max(23),
  /** Default quiet hours (local) for members who set none. */
  quietStart: z.number().int().min(0).max(23),
  quietEnd: z.number().int().min(0).max(23),
  /** At most this many accounts' nudges per member per day; the rest are summarised in one line. */
  dailyCap: z.number().int().positive(),
  /** A nudge that was sent stays silent this many days unless what triggered it changes. */
  coolDownDays: z.record(z.string(), z.number().int().nonnegative()),
  /** Digest: score drop over 7 days that counts as a fall. */
  digestDropPoints: z.number().int().positive(),
  /** Digest with nothing new: one "all quiet" line, or no post at all. */
  digestWhenQuiet: z.enum(["line", "skip"]),
  /** Weekly manager summary: local weekday (0 Sunday .. 6 Saturday). */
  weeklyDay: z.number().int().min(0).max(6),
  /** Calendar meetings: the brief comes this many minutes before (members may set their own). */
  meetingBriefMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60),
  /** Connected calendars are read this often (minutes; a divisor of 60). */
  calendarPollMinutes: z
    .number()
    .int()
    .min(1)
    .max(60)
    .refine((n) => 60 % n === 0, { message: "must divide 60 (5, 10, 15, 20, 30...)" }),
  /** A calendar that failed this many reads in a row is reported to its owner (once). */
  calendarFailuresToReport: z.number().int().min(1),
  /**
   * Key accounts: the tiers whose urgent support tickets open past their time (the health settings'
   * value.urgentTicketHours) are told to the owner at once, once per ticket. Empty: never.
   */
  urgentTicketTiers: z.array(z.enum(["strategic", "key", "standard", "long_tail"])),
});

export type ProactiveConfig = z.infer<typeof ProactiveConfigSchema>;

export const PROACTIVE_DEFAULTS: ProactiveConfig = {
  cadenceDays: { strategic: 14, key: 30, standard: 90, long_tail: null },
  usageDropPct: 25,
  healthDropPoints: 15,
  stakeholderWindowDays: 30,
  onboardingActivation: { d30: 0.3, d60: 0.6, d90: 0.8 },
  feedbackOpenDays: 30,
  npsDetractorMax: 6,
  detractorWindowDays: 14,
  renewalReminderDays: {
    strategic: [120, 90, 60, 30, 7],
    key: [90, 60, 30, 7],
    standard: [60, 30, 7],
    long_tail: [30, 7],
  },
  briefTiming: "morning",
  morningHour: 8,
  eveningHour: 17,
  quietStart: 20,
  quietEnd: 7,
  dailyCap: 6,
  coolDownDays: {
    contact_overdue: 7,
    usage_drop: 7,
    health_drop: 7,
    quadrant_down: 7,
    grade_red: 7,
    stakeholder_left: 14,
    onboarding_behind: 7,
    feedback_open: 14,
    promise_overdue: 7,
    nps_detractor: 30,
    visit_prep: 1,
    renewal_reminder: 30,
    renewal_passed: 7,
    // The same strong signals are said once a quarter; a new one at most weekly (state.ts).
    expansion_signal: 90,
    call_stale: 30,
  },
  digestDropPoints: 10,
  digestWhenQuiet: "line",
  weeklyDay: 1,
  meetingBriefMinutes: 30,
  calendarPollMinutes: 10,
  calendarFailuresToReport: 3,
  urgentTicketTiers: ["strategic", "key"],
};

/** Defaults with a (partial, validated) override merged in. */
export function resolveProactiveConfig(override: unknown = {}): ProactiveConfig {
  const partial = ProactiveConfigSchema.partial().parse(override);
  return ProactiveConfigSchema.parse({
    ...PROACTIVE_DEFAULTS,
    ...partial,
    coolDownDays: { ...PROACTIVE_DEFAULTS.coolDownDays, ...(partial.coolDownDays ?? {}) },
  });
}

/** Reads and validates a JSON override file; defaults when no file is given. */
export async function loadProactiveConfig(file: string | undefined): Promise<ProactiveConfig> {
  if (!file) return PROACTIVE_DEFAULTS;
  const { readFile } = await import("node:fs/promises");
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new Error(`proactive config ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = ProactiveConfigSchema.partial().safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `proactive config ${file}:\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`,
    );
  return resolveProactiveConfig(parsed.data);
}
