import { daysBetween } from "../../domain/dates.js";
import { BRIEF, CALL, nudge, VISIT } from "./nudge.js";
import type { Rule } from "./types.js";

/** Within 90 days of go-live: activation or milestones behind the day-30/60/90 expectations. */
export const onboardingBehind: Rule = (f, { day, config }) => {
  if (!f.goLiveDate) return [];
  const since = daysBetween(f.goLiveDate, day);
  if (since < 0 || since > 90) return [];
  const checkpoint = since >= 90 ? 90 : since >= 60 ? 60 : since >= 30 ? 30 : 0;
  const expected = checkpoint === 0 ? 0 : config.onboardingActivation[`d${checkpoint}` as "d30" | "d60" | "d90"];
  const activation = f.usage.activation;
  const behindActivation = checkpoint > 0 && activation !== null && activation < expected;
  const late = f.overdueMilestones.length;
  if (!behindActivation && late === 0) return [];
  return nudge(
    f,
    "onboarding_behind",
    behindActivation ? "nudge.onboarding_activation" : "nudge.onboarding_milestones",
    {
      day: since,
      checkpoint,
      activation: Math.round((activation ?? 0) * 100),
      expected: Math.round(expected * 100),
      milestones: late,
    },
    `cp:${checkpoint}:${behindActivation}:${f.overdueMilestones.map((m) => m.id).join(",")}`,
    1,
    [VISIT, BRIEF],
  );
};

/** Feedback the customer raised, still open after feedbackOpenDays. */
export const feedbackOpen: Rule = (f, { day, config }) => {
  const old = f.openFeedback.filter((x) => daysBetween(x.raisedAt, day) > config.feedbackOpenDays);
  if (old.length === 0) return [];
  const oldest = old.reduce((a, b) => (a.raisedAt <= b.raisedAt ? a : b));
  return nudge(
    f,
    "feedback_open",
    "nudge.feedback_open",
    { count: old.length, days: daysBetween(oldest.raisedAt, day), title: oldest.title },
    old
      .map((x) => x.id)
      .sort()
      .join(","),
    2,
    [CALL],
  );
};

/** A promise made to the customer is past its due date. */
export const promiseOverdue: Rule = (f, { day }) => {
  if (f.overduePromises.length === 0) return [];
  const first = f.overduePromises.reduce((a, b) => (a.dueDate <= b.dueDate ? a : b));
  return nudge(
    f,
    "promise_overdue",
    "nudge.promise_overdue",
    { count: f.overduePromises.length, title: first.title, days: daysBetween(first.dueDate, day) },
    f.overduePromises
      .map((p) => p.id)
      .sort()
      .join(","),
    1,
    [CALL],
  );
};

/** A recent NPS response from a detractor. */
export const npsDetractor: Rule = (f, { day, config }) => {
  const recent = f.detractors.filter(
    (d) =>
      d.score <= config.npsDetractorMax &&
      daysBetween(d.respondedAt, day) >= 0 &&
      daysBetween(d.respondedAt, day) <= config.detractorWindowDays,
  );
  if (recent.length === 0) return [];
  const worst = recent.reduce((a, b) => (a.score <= b.score ? a : b));
  const quote = shortQuote(worst.comment);
  return nudge(
    f,
    "nps_detractor",
    quote ? "nudge.nps_detractor_quote" : "nudge.nps_detractor",
    { score: worst.score, who: worst.respondent?.trim() ?? "", quote },
    recent
      .map((d) => d.id)
      .sort()
      .join(","),
    1,
    [CALL, BRIEF],
  );
};

/** The customer's comment, on one line and cut at a word near 140 characters. */
export function shortQuote(comment: string | null | undefined, max = 140): string {
  const text = (comment ?? "").replace(/\s+/g, " ").trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?，。；：！？、-]+$/, "")}…`;
}
