import { RISK_CAUSES } from "../../domain/risk/register.js";
import type { Reply } from "../../reply/model.js";
import { HELP_TOPICS, type HelpTopic, INTERACTION_KINDS, type UsageProblem } from "../parse.js";
import type { HandlerContext } from "./common.js";

export function help(d: HandlerContext, topic?: HelpTopic): Reply {
  if (topic && topic !== "help") {
    const text = d.t(`help.${topic}`);
    return {
      summary: text,
      blocks: [
        { type: "text", text },
        { type: "context", text: d.t("help.more") },
      ],
      tone: "neutral",
    };
  }
  return {
    summary: d.t("help.title"),
    blocks: [
      { type: "header", text: d.t("help.title") },
      { type: "text", text: d.t("help.intro") },
      { type: "list", items: HELP_TOPICS.map((t) => ({ text: d.t(`help.${t}`) })) },
      { type: "context", text: d.t("help.more") },
    ],
    tone: "neutral",
  };
}

/** A usage problem, with the relevant command's help underneath. */
export function usageReply(
  d: HandlerContext | { t: HandlerContext["t"] },
  topic: HelpTopic,
  problem: UsageProblem,
  detail?: string,
): Reply {
  const kinds = INTERACTION_KINDS.map((k) => k.replace("_", "-")).join(", ");
  const causes = RISK_CAUSES.map((c) => c.replace(/_/g, "-")).join(", ");
  const text = d.t(`usage.${problem}`, { detail: detail ?? "", kinds, causes });
  return {
    summary: text,
    blocks: [
      { type: "text", text },
      { type: "context", text: d.t(`help.${topic}`) },
    ],
    tone: "warning",
    error: "usage",
  };
}
