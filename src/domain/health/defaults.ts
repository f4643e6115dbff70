import { type HealthConfig, type Settings, settingsFor, TIERS } from "./config.js";
import { HOLIDAY_DEFAULTS } from "./holidays.js";

// The default health model (docs/health.md explains each number). Deployments override any part
// with TEND_HEALTH_CONFIG (a JSON file of the same shape, partial), per tier and per industry.

const base: Settings = {
  weights: { activity: 0.25, depth: 0.1, trend: 0.15, relationship: 0.2, sentiment: 0.15, value: 0.15 },
  bands: { green: 76, yellow: 51 },
  activity: {
    frequency: "daily",
    activationTarget: 0.8,
    utilisationTarget: 0.5,
    stickinessTarget: 0.5,
    parts: { activation: 0.35, utilisation: 0.4, stickiness: 0.25 },
  },
  depth: { coreFeatureTarget: 0.7 },
  trend: {
    minDays: 14,
    flatScore: 70,
    pointsPerPct: 1.5,
    reasonPct: 0.1,
    collapse: { minBaseline: 5, maxShare: 0.15, minDays: 5 },
  },
  relationship: {
    cadenceDays: 30,
    execWindowDays: 90,
    leftWindowDays: 90,
    refusing: { attempts: 3, days: 21, weight: 0.4 },
    parts: { cadence: 0.4, executive: 0.2, champion: 0.2, decisionMaker: 0.2 },
  },
  sentiment: {
    surveyWindowDays: 365,
    voiceWindowDays: 90,
    npsLowMax: 6,
    npsHighMin: 9,
    decisionMakerFactor: 3,
    parts: { nps: 0.5, csat: 0.25, voice: 0.25 },
  },
  value: {
    feedbackAgeDays: 30,
    penalties: { feedback: 20, promise: 25, milestone: 20, urgentTicket: 25, reopenedTicket: 10 },
    urgentTicketHours: 24,
  },
  risk: { mediumPenalty: 5 },
  onboarding: {
    windowDays: 90,
    activationTargets: [
      { day: 30, target: 0.3 },
      { day: 60, target: 0.6 },
      { day: 90, target: 0.8 },
    ],
    weights: { activity: 0.4, depth: 0.1, trend: 0, relationship: 0.2, sentiment: 0.05, value: 0.25 },
    milestoneFactor: 2,
  },
  quadrants: { low: 45, high: 70 },
  reasons: { maxDrags: 3, maxLifts: 2 },
};

export const HEALTH_DEFAULTS: HealthConfig = {
  base,
  tiers: {
    // Strategic and key accounts get proactive, deep service: tighter cadence, executive contact counts more.
    strategic: {
      relationship: { cadenceDays: 14, parts: { cadence: 0.35, executive: 0.25, champion: 0.2, decisionMaker: 0.2 } },
    },
    key: { relationship: { cadenceDays: 30 } },
    standard: { relationship: { cadenceDays: 60 } },
    // Small accounts are served automatically: contact is rare and no one expects an executive visit;
    // weekly use is healthy for them.
    long_tail: {
      activity: { frequency: "weekly", utilisationTarget: 0.4, stickinessTarget: 0.75 },
      relationship: {
        cadenceDays: 120,
        // Tech-touch: one contact is normal, so having no champion costs nothing.
        parts: { cadence: 0.6, executive: 0, champion: 0, decisionMaker: 0.4 },
      },
      weights: { activity: 0.3, depth: 0.15, trend: 0.2, relationship: 0.1, sentiment: 0.1, value: 0.15 },
    },
  },
  industries: {},
  holidays: HOLIDAY_DEFAULTS,
};

// Fail at import time, not in the nightly job, if someone breaks the defaults.
for (const t of TIERS) settingsFor(HEALTH_DEFAULTS, t, null);
