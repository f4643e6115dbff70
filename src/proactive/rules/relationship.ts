import { daysBetween } from "../../domain/dates.js";
import { BRIEF, CALL, nudge, VISIT } from "./nudge.js";
import type { Rule } from "./types.js";

/** No meaningful contact for longer than the tier's cadence (long-tail: never nudged by default). */
export const contactOverdue: Rule = (f, { day, config }) => {
  const cadence = config.cadenceDays[f.tier];
  if (cadence == null || f.stage === "churned") return [];
  if (f.lastContact === null)
    return nudge(f, "contact_overdue", "nudge.contact_never", { cadence }, "never", 2, [CALL, VISIT]);
  const since = daysBetween(f.lastContact, day);
  if (since <= cadence) return [];
  return nudge(
    f,
    "contact_overdue",
    "nudge.contact_overdue",
    { days: since, cadence },
    `last:${f.lastContact}`,
    since > 2 * cadence ? 1 : 2,
    [CALL, VISIT],
  );
};

/** A champion or decision maker left recently: the relationship needs rebuilding until the successor is met. */
export const stakeholderLeft: Rule = (f, { day, config }) =>
  f.stakeholdersLeft
    .filter((s) => {
      if (s.successorMet) return false;
      const ago = daysBetween(s.leftAt, day);
      return ago >= 0 && ago <= config.stakeholderWindowDays;
    })
    .flatMap((s) =>
      nudge(
        f,
        "stakeholder_left",
        s.role === "decision_maker" ? "nudge.decision_maker_left" : "nudge.champion_left",
        { name: s.name, days: daysBetween(s.leftAt, day) },
        `${s.role}:${s.name}:${s.leftAt}`,
        s.role === "decision_maker" ? 1 : 2,
        [VISIT, BRIEF],
      ),
    )
    .slice(0, 1);
