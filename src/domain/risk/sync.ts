// What a scoring run does to an account's register: open the causes newly detected, refresh the
// evidence of those still detected, close the detected ones whose evidence is gone - unless a
// person confirmed them (then only a person closes them). Person-raised risks are never touched; a
// detected flag of a cause a person has also raised is closed, so one cause is never listed twice
// (a person can raise a cause that detection opened earlier, by import or on another replica).
import type { DetectedRisk } from "./detect-risks.js";
import type { RiskCause, RiskSeverity, RiskSource } from "./register.js";

export interface OpenFlag {
  id: string;
  cause: RiskCause;
  severity: RiskSeverity;
  source: RiskSource;
  confirmed: boolean;
}

export interface RiskSyncPlan {
  open: DetectedRisk[];
  refresh: { id: string; risk: DetectedRisk }[];
  close: string[];
}

/**
 * `heldBack`: causes a person resolved recently; detection does not reopen them at once (the person
 * judged the evidence), only after that pause.
 */
export function planRiskSync(
  openFlags: readonly OpenFlag[],
  detected: readonly DetectedRisk[],
  heldBack: ReadonlySet<string> = new Set(),
): RiskSyncPlan {
  const byCause = new Map<RiskCause, DetectedRisk>(detected.map((r) => [r.cause, r]));
  const openCauses = new Set(openFlags.map((f) => f.cause));
  const personCauses = new Set(openFlags.filter((f) => f.source !== "detected").map((f) => f.cause));
  const plan: RiskSyncPlan = { open: [], refresh: [], close: [] };
  for (const r of detected) if (!openCauses.has(r.cause) && !heldBack.has(r.cause)) plan.open.push(r);
  for (const f of openFlags) {
    if (f.source !== "detected") continue;
    if (personCauses.has(f.cause)) {
      plan.close.push(f.id);
      continue;
    }
    const still = byCause.get(f.cause);
    if (still) plan.refresh.push({ id: f.id, risk: still });
    else if (!f.confirmed) plan.close.push(f.id);
  }
  return plan;
}
