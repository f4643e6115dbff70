import { daysBetween } from "../../domain/dates.js";
import { type ReadinessGap, readinessGaps } from "../../domain/renewal.js";
import { BRIEF, CALL, nudge, REPORT, VISIT } from "./nudge.js";
import type { Rule, RuleFacts } from "./types.js";

const OPEN = new Set(["upcoming", "in_progress"]);

/** The renewal self-check (core's readinessGaps in src/domain/renewal.ts) over the rule facts. */
export function readiness(f: RuleFacts, r: RuleFacts["renewals"][number], day: string): ReadinessGap[] {
  const dm = f.decisionMaker;
  const latestNps = f.detractors.length ? (f.detractors.at(-1)?.score ?? null) : null;
  return readinessGaps({
    termsClear: r.termsClear,
    grade: f.scores.at(-1)?.grade ?? null,
    latestNps,
    decisionMakerEngaged:
      dm !== null && dm.attitude !== "opponent" && dm.lastContact !== null && daysBetween(dm.lastContact, day) <= 90,
    openPromises: f.openPromises,
    valueReportSent: r.valueReportSent,
  });
}

/**
 * Renewal reminders at the tier's checkpoints (e.g. 120/90/60/30/7 days), with the readiness gaps.
 * A renewal with nothing to do (no gaps) is not a to-do: it stays quiet until the final checkpoint,
 * and then comes at the lowest priority, so it only fills a slot no actionable item wants.
 */
export const renewalReminder: Rule = (f, { day, config }) => {
  const points = [...config.renewalReminderDays[f.tier]].sort((a, b) => a - b);
  for (const r of f.renewals) {
    if (!OPEN.has(r.status)) continue;
    const left = daysBetween(day, r.dueDate);
    if (left < 0) continue;
    const point = points.find((p) => left <= p);
    if (point === undefined) continue;
    const gaps = readiness(f, r, day);
    if (gaps.length === 0) {
      if (point !== points[0]) continue;
      return nudge(
        f,
        "renewal_reminder",
        "nudge.renewal_ready",
        { days: left, due: r.dueDate, gaps: "", gapCount: 0 },
        `${r.id}:${point}:ready`,
        3,
        [CALL, BRIEF],
      );
    }
    return nudge(
      f,
      "renewal_reminder",
      "nudge.renewal_reminder",
      { days: left, due: r.dueDate, gaps: gaps.join(","), gapCount: gaps.length },
      `${r.id}:${point}`,
      left <= 30 ? 1 : 2,
      // At the 120- and 90-day checks the value report is the next step while it is not sent.
      gaps.includes("value_report") && (point === 120 || point === 90) ? [REPORT, VISIT, BRIEF] : [VISIT, BRIEF],
    );
  }
  return [];
};

/** The renewal date passed and no outcome (renewed / downsized / churned) was recorded. */
export const renewalPassed: Rule = (f, { day }) => {
  const r = f.renewals.find((x) => OPEN.has(x.status) && daysBetween(x.dueDate, day) > 0);
  if (!r) return [];
  return nudge(
    f,
    "renewal_passed",
    "nudge.renewal_passed",
    { days: daysBetween(r.dueDate, day), due: r.dueDate },
    r.id,
    1,
    [CALL],
  );
};
