// Crafted facts for the health scorer: one healthy key account on DAY; tests change one thing.
import { addDays } from "../../src/domain/dates.js";
import type { HealthFacts } from "../../src/domain/health/facts.js";

export const DAY = "2026-11-23";
export const ago = (n: number) => addDays(DAY, -n);

export function facts(over: Partial<HealthFacts> = {}): HealthFacts {
  return {
    accountId: "a1",
    day: DAY,
    tier: "key",
    industry: null,
    goLiveDate: ago(400),
    seats: 100,
    usage: {
      recentDays: 28,
      baseDays: 28,
      recentAvg: 60,
      baseAvg: 60,
      recentPeak: 80,
      weeklyPeaks: [80, 78, 79, 80],
      activatedUsers: 90,
      seats: 100,
      coreUsed: 6,
      coreTotal: 8,
    },
    lastContact: ago(5),
    lastExecContact: ago(30),
    contactCount: 4,
    stakeholders: [
      { name: "Li Wei", role: "champion", attitude: "supporter", active: true, leftAt: null },
      { name: "Dana Fox", role: "decision_maker", attitude: "neutral", active: true, leftAt: null },
    ],
    nps: { score: 9, day: ago(20) },
    csat: null,
    praise: [],
    complaints: [],
    feedback: { total: 2, openRaised: [] },
    promises: { total: 1, openDue: [] },
    milestones: { total: 2, openDue: [] },
    risks: [],
    ...over,
  };
}

export function usage(over: Partial<NonNullable<HealthFacts["usage"]>>): HealthFacts["usage"] {
  return { ...facts().usage!, ...over };
}
