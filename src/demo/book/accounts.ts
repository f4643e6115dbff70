// The drawn accounts (about 300, the five story accounts aside): name, tier, size, owner, hidden
// health and lifecycle, team by team, each from a random stream of its own. Past renewals follow
// each account at once, as they may end it (churn).
import * as N from "../names.js";
import { type Rng, rng } from "../random.js";
import { type AccountPlan, type BookContext, clamp, round100, USAGE_DAYS } from "./context.js";
import { DEMO_PEOPLE, memberId, TEAMS, type TeamSpec, teamId } from "./organisation.js";
import { addPastRenewals } from "./renewals.js";
import type { AccountRow, Stage, Tier } from "./rows.js";
import { DEMO_STORIES } from "./stories.js";

const TIER_BANDS: Record<Tier, { seats: [number, number]; arr: [number, number] }> = {
  strategic: { seats: [400, 2000], arr: [250_000, 900_000] },
  key: { seats: [120, 500], arr: [80_000, 250_000] },
  standard: { seats: [25, 150], arr: [15_000, 80_000] },
  long_tail: { seats: [5, 30], arr: [3_000, 15_000] },
};

type Industry = (typeof N.INDUSTRIES)[number];
type NameAccount = (r: Rng, team: TeamSpec, industry: Industry, region: string) => AccountName;
interface AccountName {
  name: string;
  aliases: string[];
  region: string;
}

/**
 * Each team's accounts, owned in turn by its active CSMs, with their past renewals.
 * `diligence`: each owner's habit, by member id.
 */
export function planAccounts(ctx: BookContext, diligence: ReadonlyMap<string, number>): AccountPlan[] {
  const nameAccount = accountNamer();
  const plans: AccountPlan[] = [];
  for (const team of TEAMS) {
    const csms = DEMO_PEOPLE.filter((p) => p.team === team.key && p.role === "csm" && p.active !== false);
    for (let i = 0; i < team.accounts; i++) {
      const r = rng(`${ctx.seed}:account:${team.key}:${i}`);
      const owner = memberId(csms[i % csms.length]!.handle);
      const { tier, industry, name, seats, arr } = drawProfile(r, team, nameAccount);
      const h = drawHealth(r);
      const { contractStart, goLive, renewal } = drawLifecycle(r);
      const row: AccountRow = {
        id: ctx.nextId("account"),
        externalId: `CRM-${team.key.toUpperCase()}-${String(1001 + i)}`,
        name: name.name,
        aliases: name.aliases,
        tier,
        industry: industry.key,
        region: name.region,
        ownerId: owner,
        teamId: teamId(team.key),
        arr: team.currency === "CNY" ? Math.round(arr / 1000) * 1000 : round100(arr),
        currency: team.currency,
        contractStart: ctx.day(contractStart),
        renewalDate: ctx.day(renewal),
        stage: "steady",
        goLiveDate: ctx.day(goLive),
        seats,
      };
      const plan: AccountPlan = {
        row,
        team,
        lang: team.lang,
        r,
        h,
        lastUsageDay: 0,
        diligence: diligence.get(owner) ?? 1,
      };
      plans.push(plan);
      addPastRenewals(ctx, plan);
    }
  }
  return plans;
}

/** Tier, industry, name and size (ARR in the team's currency, not yet rounded). */
function drawProfile(r: Rng, team: TeamSpec, nameAccount: NameAccount) {
  const tier = r.weighted<Tier>([
    ["strategic", 0.05],
    ["key", 0.2],
    ["standard", 0.45],
    ["long_tail", 0.3],
  ]);
  const industry = r.pick(N.INDUSTRIES);
  const name = nameAccount(r, team, industry, team.regions.length ? r.pick(team.regions) : "");
  const band = TIER_BANDS[tier];
  const seats = r.int(...band.seats);
  const arr = team.fx * r.range(...band.arr);
  return { tier, industry, name, seats, arr };
}

/** Hidden health: a level, a gentle drift, and for some a slide in the last weeks. */
function drawHealth(r: Rng): (d: number) => number {
  const h0 = r.weighted<[number, number]>([
    [[0.12, 0.4], 0.2],
    [[0.4, 0.65], 0.32],
    [[0.65, 0.95], 0.48],
  ]);
  const level = r.range(...h0);
  const drift = r.normal() * 0.06;
  const slides = r.chance(0.07);
  const slide = r.range(0.2, 0.4);
  const slideStart = -r.int(20, 45);
  return (d: number) =>
    clamp(
      level +
        (drift * (d + USAGE_DAYS)) / USAGE_DAYS -
        (slides && d > slideStart ? (slide * (d - slideStart)) / -slideStart : 0),
      0.03,
      0.98,
    );
}

/**
 * Lifecycle, as day offsets: new customers (signed in the last months) or established ones, one to
 * four years in, with a renewal ahead.
 */
function drawLifecycle(r: Rng): { contractStart: number; goLive: number; renewal: number } {
  if (r.chance(0.1)) {
    const contractStart = -r.int(15, 170);
    return { contractStart, goLive: contractStart + r.int(30, 60), renewal: contractStart + 365 };
  }
  const years = r.weighted([
    [1, 0.1],
    [2, 0.4],
    [3, 0.3],
    [4, 0.2],
  ]);
  const renewal = r.int(1, 365);
  const contractStart = renewal - 365 * years;
  return { contractStart, goLive: contractStart + r.int(30, 60), renewal };
}

/**
 * Names no other account has (nor a story account): a Chinese company name for the Chinese team,
 * with its brand as alias; elsewhere a compound, an industry word and, some, a legal form.
 */
function accountNamer(): NameAccount {
  const usedNames = new Set<string>(Object.values(DEMO_STORIES));
  const usedBrands = new Set<string>(["云帆"]);
  const usedCompounds = new Set<string>(["Northwind", "Brightwave", "Summit", "Kestrel"]);
  return (r, team, industry, region) => {
    for (;;) {
      if (team.lang === "zh") {
        const brand = r.pick(N.CN_BRAND_A) + r.pick(N.CN_BRAND_B);
        if (usedBrands.has(brand) || brand[0] === brand[1]) continue;
        const city = r.pick(N.CN_CITIES);
        const name = `${city}${brand}${industry.zh}${r.chance(0.3) ? "股份" : ""}有限公司`;
        if (usedNames.has(name)) continue;
        usedBrands.add(brand);
        usedNames.add(name);
        return { name, aliases: [`${brand}${industry.zh}`, brand], region: N.CN_REGION_OF_CITY[city] ?? "华东" };
      }
      const compound = r.pick(N.COMPOUND_A) + r.pick(N.COMPOUND_B);
      if (usedCompounds.has(compound)) continue;
      const legal = team.key === "emea" ? r.pick(N.LEGAL_EMEA[region] ?? [""]) : r.chance(0.25) ? "Inc." : "";
      const name = [compound, r.pick(industry.en), legal].filter(Boolean).join(" ");
      if (usedNames.has(name)) continue;
      usedCompounds.add(compound);
      usedNames.add(name);
      return { name, aliases: [compound], region };
    }
  };
}

/** Where an account stands today, from its go-live and next renewal (day offsets). */
export function stageOf(goLive: number, renewal: number): Stage {
  const since = -goLive;
  return goLive > 0
    ? "handoff"
    : since < 90
      ? "onboarding"
      : since < 180
        ? "adoption"
        : renewal <= 60
          ? "renewal"
          : "steady";
}
