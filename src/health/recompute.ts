import type { AppContext } from "../context.js";
import { addDays, isoDay } from "../domain/dates.js";
import { type HealthConfig, type Settings, type SettingsOverride, settingsFor } from "../domain/health/config.js";
import type { HealthFacts } from "../domain/health/facts.js";
import { QUADRANT_HOLD_DAYS, quadrantChanges } from "../domain/health/quadrants.js";
import { scoreHealth } from "../domain/health/score.js";
import { scoreAll } from "../domain/health/score-all.js";
import type { Grade } from "../domain/health/types.js";
import { DETECT, detectRisks } from "../domain/risk/detect-risks.js";
import { capGradeBySeverity, type RiskSeverity } from "../domain/risk/register.js";
import { planRiskSync, type RiskSyncPlan } from "../domain/risk/sync.js";
import type { Db } from "../store/db.js";
import { loadFacts } from "../store/repos/health-facts.js";
import { deleteChurnedScores, levelsBefore, scoredAccountPages, writeScores } from "../store/repos/health-scores.js";
import { applyRiskSync, openFlagsOf, openRiskFacts, personResolvedOf, renewalFactsOf } from "../store/repos/risks.js";
import { loadHealthConfig } from "./config-file.js";

// Nightly recompute: every account's health for one day, written as one HealthScore row per account
// and day. Re-running a day replaces it whole (in one transaction), so it is safe to repeat. The
// stored usage and value levels are the day's nine-quadrant cell; moves since the day before are
// counted from them (one read of the previous day's rows).
//
// The risk register rides on the same run: score -> detect risks from the facts and the reasons ->
// sync the RiskFlag rows (open new causes, close those whose evidence is gone) -> score again with
// the register as it now stands -> cap the grade by severity (high: red, medium: yellow).

/** A person's "resolved" holds detection back this long, so their judgment is not undone overnight. */
export const RESOLVE_HOLD_DAYS = 30;

export interface RecomputeReport {
  day: string;
  accounts: number;
  grades: Record<Grade, number>;
  /** Accounts whose quadrant moved since the previous day's scores (none without them). */
  moves: { down: number; up: number };
  readMs: number;
  scoreMs: number;
  writeMs: number;
}

/** Accounts read, scored and written together (see recompute). */
const PAGE = 20_000;

export interface RecomputeOptions {
  config?: HealthConfig;
  /** Accounts per page (default 20,000); tests page small books to compare with one pass. */
  pageSize?: number;
}

export async function recompute(ctx: AppContext, day: string, opts: RecomputeOptions = {}): Promise<RecomputeReport> {
  const config = opts.config ?? (await loadHealthConfig(ctx.config.healthConfigFile));
  // The register follows the present: a backfill of past days reads it and changes nothing in it.
  const sync = day >= addDays(isoDay(ctx.now()), -1);
  const pages = await scoredAccountPages(ctx.db, opts.pageSize ?? PAGE);
  const grades: Record<Grade, number> = { green: 0, yellow: 0, red: 0 };
  const moves = { down: 0, up: 0 };
  let accounts = 0;
  let readMs = 0;
  let scoreMs = 0;
  let writeMs = 0;
  // One book fits one page (the usual case): the day's rows are replaced whole, in one transaction.
  // A bigger book is read, scored and written a page of accounts at a time, so memory holds one page
  // of facts and scores, never the whole book; the day's rows of accounts no longer scored (churned
  // since) go at the end.
  for (const page of pages) {
    const t0 = performance.now();
    const facts = await loadFacts(ctx.db, day, {
      holidays: config.holidays,
      timezone: ctx.config.timezone,
      ...(pages.length > 1 ? { accountIds: page } : {}),
    });
    const t1 = performance.now();
    const results = await scoreWithRisks(ctx.db, day, facts, config, {
      sync,
      ...(pages.length > 1 ? { scope: page } : {}),
    });
    const t2 = performance.now();
    await writeScores(ctx.db, day, results, pages.length > 1 ? page : undefined);
    // The days before, as far back as a move must hold plus the day it moved from.
    const previous = await levelsBefore(ctx.db, day, QUADRANT_HOLD_DAYS, pages.length > 1 ? page : undefined);
    for (const m of quadrantChanges(previous, results, day)) moves[m.direction]++;
    for (const r of results) grades[r.grade]++;
    accounts += results.length;
    readMs += t1 - t0;
    scoreMs += t2 - t1;
    writeMs += performance.now() - t2;
  }
  if (pages.length > 1) {
    const t = performance.now();
    await deleteChurnedScores(ctx.db, day);
    writeMs += performance.now() - t;
  }
  ctx.log.info({ day, accounts, grades, moves }, "health: recomputed");
  return { day, accounts, grades, moves, readMs, scoreMs, writeMs };
}

type Scored = ReturnType<typeof scoreAll>[number];

/** Every reason, not only the few a card shows: detection must see a cause ranked fourth. */
function withAllReasons(config: HealthConfig): HealthConfig {
  const strip = (o: SettingsOverride): SettingsOverride => {
    const { reasons: _drop, ...rest } = o;
    return rest;
  };
  return {
    base: { ...config.base, reasons: { maxDrags: 10_000, maxLifts: 10_000 } },
    tiers: Object.fromEntries(Object.entries(config.tiers).map(([k, v]) => [k, strip(v ?? {})])),
    industries: Object.fromEntries(Object.entries(config.industries).map(([k, v]) => [k, strip(v)])),
  };
}

/** The drags and lifts a segment shows (the scorer's own order: already sorted by impact). */
function trimReasons(r: Scored, s: Settings): Scored {
  const drags = r.reasons.filter((x) => x.kind === "drag").slice(0, s.reasons.maxDrags);
  const lifts = r.reasons.filter((x) => x.kind === "lift").slice(0, s.reasons.maxLifts);
  return { ...r, reasons: [...drags, ...lifts] };
}

const riskKey = (rs: HealthFacts["risks"]) =>
  rs
    .map((r) => `${r.kind}|${r.severity}|${r.raisedAt}`)
    .sort()
    .join(";");

/**
 * Scores accounts and keeps their risk register in step (see the file comment). With `sync` off (a
 * past day) it reads the register as it stood that day and changes nothing in it.
 */
export async function scoreWithRisks(
  db: Db,
  day: string,
  facts: HealthFacts[],
  config: HealthConfig,
  opts: { sync: boolean; scope?: string[] },
): Promise<Scored[]> {
  const ids = facts.map((f) => f.accountId);
  const scope = opts.scope ?? (ids.length > 0 && ids.length < 1000 ? ids : undefined);
  const settings = new Map<string, Settings>();
  const settingsOf = (f: HealthFacts) => {
    const key = `${f.tier}|${f.industry?.toLowerCase() ?? ""}`;
    let s = settings.get(key);
    if (!s) {
      s = settingsFor(config, f.tier, f.industry);
      settings.set(key, s);
    }
    return s;
  };
  // One pass with every reason, over the register as it stood: most accounts' risks do not change.
  const wide = scoreAll(facts, withAllReasons(config));
  let register: Map<string, HealthFacts["risks"]> | undefined;
  if (opts.sync && facts.length > 0) {
    const [flags, renewals, held] = await Promise.all([
      openFlagsOf(db.pool, day, scope),
      renewalFactsOf(db.pool, day, DETECT.unreadyDays, scope),
      personResolvedOf(db.pool, day, RESOLVE_HOLD_DAYS, scope),
    ]);
    const plans = new Map<string, RiskSyncPlan>();
    wide.forEach((r, i) => {
      const detected = detectRisks({
        facts: facts[i]!,
        reasons: r.reasons,
        renewal: renewals.get(r.accountId) ?? null,
      });
      const plan = planRiskSync(flags.get(r.accountId) ?? [], detected, held.get(r.accountId));
      if (plan.open.length + plan.refresh.length + plan.close.length > 0) plans.set(r.accountId, plan);
    });
    await applyRiskSync(db, day, plans);
    register = await openRiskFacts(db.pool, day, scope);
  }
  return wide.map((r, i) => {
    const f = facts[i]!;
    const risks = register ? (register.get(f.accountId) ?? []) : f.risks;
    const s = settingsOf(f);
    // Scored again only when the run changed what counts (a high or medium risk opened or closed).
    const scored =
      riskKey(risks.filter((x) => x.severity !== "low")) === riskKey(f.risks.filter((x) => x.severity !== "low"))
        ? r
        : { accountId: f.accountId, ...scoreHealth({ ...f, risks }, s) };
    const capped = capGradeBySeverity(
      scored.grade,
      scored.score,
      risks.map((x) => x.severity as RiskSeverity),
      s.bands,
    );
    return trimReasons(capped.cappedBy ? { ...scored, grade: capped.grade, score: capped.score } : scored, s);
  });
}
