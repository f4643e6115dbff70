// A small book for the renewal and expansion workspace's tests. Today is 2026-11-23 (Q4 2026).
import { addDays, dayToDate } from "../../src/domain/dates.js";
import type { Db } from "../../src/store/db.js";
import { upsertUsage } from "../../src/store/repos/usage.js";

export const TODAY = "2026-11-23";
export const PEOPLE = {
  admin: "ada@tend.test",
  manager: "max@tend.test",
  csm: "cara@tend.test",
  viewer: "vic@tend.test",
  zh: "li.na@tend.test",
} as const;

const at = (day: string) => dayToDate(day);
const ago = (n: number) => at(addDays(TODAY, -n));

export async function score(db: Db, accountId: string, grade: "green" | "yellow" | "red", value: number, day = TODAY) {
  await db.prisma.healthScore.create({
    data: {
      accountId,
      day: at(day),
      score: value,
      grade,
      usageLevel: 1,
      valueLevel: 1,
      components: [{ dimension: "trend", score: 70, weight: 1, inputs: { change: 0 } }],
      reasons: [],
    },
  });
}

export interface RenewalBook {
  teamId: string;
  caraId: string;
  acme: string;
  borealis: string;
  cobalt: string;
  delta: string;
  ember: string;
}

/**
 * Q4 2026 (USD): Acme 100k green and ready (model: commit), Borealis 50k red with a high risk
 * (model: lost), Ember 20k yellow (model: likely), Delta 30k renewed in October at 36k. Next
 * quarter (EUR): Cobalt 40k yellow. An open 20k upsell on Acme is expected in December.
 */
export async function seedRenewalBook(db: Db): Promise<RenewalBook> {
  const team = await db.prisma.team.create({ data: { name: "East" } });
  const china = await db.prisma.team.create({ data: { name: "华东", locale: "zh-CN" } });
  const m = (email: string, name: string, role: "admin" | "manager" | "csm" | "viewer", teamId: string | null) =>
    db.prisma.member.create({ data: { email, name, role, teamId } });
  await m(PEOPLE.admin, "Ada Admin", "admin", null);
  await m(PEOPLE.manager, "Max Manager", "manager", team.id);
  const cara = await m(PEOPLE.csm, "Cara CSM", "csm", team.id);
  await m(PEOPLE.viewer, "Vic Viewer", "viewer", team.id);
  const lina = await db.prisma.member.create({
    data: { email: PEOPLE.zh, name: "李娜", role: "manager", teamId: team.id, locale: "zh-CN" },
  });
  void lina;
  void china;
  const acct = (name: string, arr: number, currency: string, renewal: string, extra: Record<string, unknown> = {}) =>
    db.prisma.account.create({
      data: {
        name,
        arr: String(arr),
        currency,
        renewalDate: at(renewal),
        ownerId: cara.id,
        teamId: team.id,
        tier: "key",
        ...extra,
      } as never,
    });
  const acme = await acct("Acme Corp", 100_000, "USD", "2026-12-15");
  const borealis = await acct("Borealis", 50_000, "USD", "2026-12-20");
  const ember = await acct("Ember", 20_000, "USD", "2026-11-30");
  const delta = await acct("Delta", 36_000, "USD", "2027-10-15");
  const cobalt = await acct("Cobalt GmbH", 40_000, "EUR", "2027-02-10");
  await db.prisma.renewal.createMany({
    data: [
      { accountId: acme.id, dueDate: at("2026-12-15"), arr: "100000", termsClear: true, valueReportSent: true },
      { accountId: borealis.id, dueDate: at("2026-12-20"), arr: "50000" },
      { accountId: ember.id, dueDate: at("2026-11-30"), arr: "20000", termsClear: true },
      {
        accountId: delta.id,
        dueDate: at("2026-10-15"),
        arr: "30000",
        status: "renewed",
        outcomeArr: "36000",
        closedAt: at("2026-10-10"),
      },
      { accountId: cobalt.id, dueDate: at("2027-02-10"), arr: "40000" },
    ],
  });
  // Acme's decision maker is engaged: its only readiness gap would otherwise be the DM.
  await db.prisma.contact.create({
    data: { accountId: acme.id, name: "Dana", role: "decision_maker", attitude: "supporter", lastContact: ago(10) },
  });
  await score(db, acme.id, "green", 86);
  await score(db, borealis.id, "red", 24);
  await score(db, ember.id, "yellow", 58);
  await score(db, delta.id, "green", 80);
  await score(db, cobalt.id, "yellow", 61);
  await db.prisma.riskFlag.create({
    data: { accountId: borealis.id, kind: "champion_changed", severity: "high", raisedAt: ago(20) },
  });
  await db.prisma.opportunity.create({
    data: {
      accountId: acme.id,
      kind: "upsell",
      title: "50 more seats",
      amount: "20000",
      stage: "proposal",
      expectedClose: at("2026-12-01"),
    },
  });
  return {
    teamId: team.id,
    caraId: cara.id,
    acme: acme.id,
    borealis: borealis.id,
    cobalt: cobalt.id,
    delta: delta.id,
    ember: ember.id,
  };
}

/** Usage rows for `days` days up to today with a per-day function. */
export async function usage(
  db: Db,
  accountId: string,
  days: number,
  f: (daysAgo: number) => { activeUsers: number; activatedUsers: number; seats: number },
) {
  await upsertUsage(
    db,
    Array.from({ length: days }, (_, i) => ({
      accountId,
      day: addDays(TODAY, -i),
      logins: 0,
      coreFeaturesUsed: 5,
      coreFeaturesTotal: 8,
      ...f(i),
    })),
  );
}
