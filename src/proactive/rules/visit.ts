import { addDays } from "../../domain/dates.js";
import { BRIEF, nudge } from "./nudge.js";
import type { Rule } from "./types.js";

/** A planned visit today (morning delivery) or tomorrow (evening-before delivery): prep brief. */
export const visitPrep: Rule = (f, { day, config }) => {
  const target = config.briefTiming === "morning" ? day : addDays(day, 1);
  return f.plannedVisits
    .filter((v) => v.day === target)
    .flatMap((v) =>
      nudge(
        f,
        "visit_prep",
        config.briefTiming === "morning" ? "nudge.visit_today" : "nudge.visit_tomorrow",
        { kind: v.kind, contact: v.contactName ?? "-" },
        `visit:${v.id}`,
        1,
        [BRIEF],
      ),
    )
    .slice(0, 1);
};
