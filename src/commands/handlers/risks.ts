// People raise and resolve risks: `risk raise <account> <cause> [note]`, `risk resolve ...`, and the
// card's buttons (which run the same commands). The account is re-scored at once, so the grade and
// the card agree with the register the moment the answer comes back.
import { nextStep } from "../../domain/risk/evidence.js";
import { CAUSE_SEVERITY, type RiskCause } from "../../domain/risk/register.js";
import type { Reply } from "../../reply/model.js";
import { audit } from "../../store/repos/audit.js";
import { raiseRisk, resolveRisk } from "../../store/repos/risks.js";
import { type FoundAccount, type HandlerContext, simple } from "./common.js";

/** Longest note kept with a risk (chat text is data: stored as typed, escaped per surface). */
export const MAX_RISK_NOTE = 1000;

export async function raiseRiskCommand(
  d: HandlerContext,
  a: FoundAccount,
  cause: RiskCause,
  note?: string,
): Promise<Reply> {
  const severity = CAUSE_SEVERITY[cause];
  const outcome = await raiseRisk(d.db, {
    accountId: a.id,
    cause,
    severity,
    ...(note ? { note: note.slice(0, MAX_RISK_NOTE) } : {}),
    memberId: d.asker.member.id,
    day: d.asker.today,
  });
  const params = { name: a.name, cause: d.t(`risk.${cause}`), severity: d.t(`severity.${severity}`) };
  if (outcome === "already_open") return simple(d.t("risk.already_open", params), undefined, "neutral");
  await audit(d.db, [
    {
      memberId: d.asker.member.id,
      surface: d.asker.surface,
      action: outcome === "raised" ? "risk.raise" : "risk.confirm",
      accountId: a.id,
      detail: { cause },
    },
  ]);
  await d.rescore?.([a.id]);
  return outcome === "raised"
    ? simple(d.t("risk.raised", { ...params, step: nextStep(d.locale, cause) }), undefined, "warning")
    : simple(d.t("risk.confirmed_detected", params), undefined, "warning");
}

export async function resolveRiskCommand(
  d: HandlerContext,
  a: FoundAccount,
  cause: RiskCause,
  note?: string,
): Promise<Reply> {
  const closed = await resolveRisk(d.db, {
    accountId: a.id,
    cause,
    ...(note ? { note: note.slice(0, MAX_RISK_NOTE) } : {}),
    memberId: d.asker.member.id,
    day: d.asker.today,
  });
  const params = { name: a.name, cause: d.t(`risk.${cause}`) };
  if (closed === 0) return simple(d.t("risk.none_open", params), "not_found", "neutral");
  await audit(d.db, [
    {
      memberId: d.asker.member.id,
      surface: d.asker.surface,
      action: "risk.resolve",
      accountId: a.id,
      detail: { cause },
    },
  ]);
  await d.rescore?.([a.id]);
  return simple(d.t("risk.resolved", params), undefined, "good");
}
