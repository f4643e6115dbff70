import type { Nudge, NudgeAction, RuleFacts, RuleId } from "./types.js";

/** Builds a nudge for the account's owner; undefined when the account has no owner to tell. */
export function nudge(
  f: RuleFacts,
  rule: RuleId,
  messageKey: string,
  params: Record<string, string | number>,
  fingerprint: string,
  priority: 1 | 2 | 3,
  actions: NudgeAction[],
): Nudge[] {
  if (!f.ownerId) return [];
  return [
    {
      rule,
      accountId: f.id,
      accountName: f.name,
      memberId: f.ownerId,
      messageKey,
      params: { account: f.name, ...params },
      fingerprint,
      priority,
      arr: f.arr,
      actions,
    },
  ];
}

export const CALL: NudgeAction = { kind: "log", interaction: "call" };
export const VISIT: NudgeAction = { kind: "log", interaction: "visit" };
export const BRIEF: NudgeAction = { kind: "brief" };
export const REPORT: NudgeAction = { kind: "report" };
