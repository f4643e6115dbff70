import { addDays, dayToDate } from "../../src/domain/dates.js";
import type { Db } from "../../src/store/db.js";

// A small crafted book: team East (UTC, channel C_EAST) with Alice (2 accounts needing her), Carol
// (quiet hours 06-10, one overdue promise) and manager Bob (zh-CN).

export const DAY = "2026-11-23";
export const at = (day: string, hour = 8, minute = 0) =>
  new Date(`${day}T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00Z`);

export async function seed(db: Db) {
  const p = db.prisma;
  const team = await p.team.create({ data: { name: "East", slackChannel: "C_EAST", timezone: "UTC" } });
  const alice = await p.member.create({
    data: { email: "alice@t.test", name: "Alice Chen", teamId: team.id, slackUserId: "U_ALICE" },
  });
  const carol = await p.member.create({
    data: {
      email: "carol@t.test",
      name: "Carol Wu",
      teamId: team.id,
      slackUserId: "U_CAROL",
      quietStart: 6,
      quietEnd: 10,
    },
  });
  await p.member.create({
    data: {
      email: "bob@t.test",
      name: "Bob Li",
      role: "manager",
      teamId: team.id,
      slackUserId: "U_BOB",
      locale: "zh-CN",
    },
  });
  const acc = (name: string, ownerId: string, tier: "key" | "standard" = "key") =>
    p.account.create({ data: { name, ownerId, teamId: team.id, tier, arr: 120_000 } });
  const acme = await acc("Acme", alice.id);
  const beta = await acc("Beta", alice.id, "standard");
  const gamma = await acc("Gamma", carol.id, "standard");
  await p.interaction.createMany({
    data: [
      { accountId: acme.id, kind: "call", occurredAt: dayToDate(addDays(DAY, -40)) },
      { accountId: beta.id, kind: "visit", occurredAt: dayToDate(addDays(DAY, -5)) },
      { accountId: gamma.id, kind: "visit", occurredAt: dayToDate(addDays(DAY, -5)) },
    ],
  });
  const hs = (accountId: string, day: string, score: number, grade: "green" | "yellow" | "red", u = 1, v = 1) => ({
    accountId,
    day: dayToDate(day),
    score,
    grade,
    usageLevel: u,
    valueLevel: v,
    components: [],
    reasons: [],
  });
  await p.healthScore.createMany({
    data: [
      hs(acme.id, addDays(DAY, -7), 78, "green"),
      hs(acme.id, addDays(DAY, -1), 77, "green"),
      hs(acme.id, DAY, 77, "green"),
      hs(beta.id, addDays(DAY, -7), 70, "yellow"),
      hs(beta.id, addDays(DAY, -1), 55, "yellow"),
      {
        ...hs(beta.id, DAY, 45, "red", 0, 1),
        reasons: [
          { kind: "lift", dimension: "sentiment", key: "sentiment.nps_high", params: { score: 9 }, impact: 3 },
          { kind: "drag", dimension: "trend", key: "trend.active_users_down", params: { pct: 38 }, impact: 12 },
        ],
      },
      hs(gamma.id, DAY, 60, "yellow"),
    ],
  });
  await p.customerPromise.create({
    data: {
      accountId: gamma.id,
      title: "SSO fix",
      madeAt: dayToDate(addDays(DAY, -30)),
      dueDate: dayToDate(addDays(DAY, -4)),
    },
  });
  return { team, alice, carol, acme, beta, gamma };
}
