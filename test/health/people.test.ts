// The score reads people, not rows: departed people's answers and meetings stop counting, a
// decision maker's detractor answer weighs more, a departure stays a reason until a successor is
// recorded, no data is "new" rather than perfect, unanswered outreach is not contact, and a
// tech-touch account is not expected to have a champion. Pure tests on crafted facts, then the same
// patterns on a small book in the store, through recompute.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROACTIVE_DEFAULTS } from "../../src/config/proactive.js";
import type { AppContext } from "../../src/context.js";
import { addDays, dayToDate } from "../../src/domain/dates.js";
import { settingsFor } from "../../src/domain/health/config.js";
import { HEALTH_DEFAULTS } from "../../src/domain/health/defaults.js";
import type { HealthFacts } from "../../src/domain/health/facts.js";
import { renderReason } from "../../src/domain/health/reasons.js";
import { scoreHealth } from "../../src/domain/health/score.js";
import type { Reason } from "../../src/domain/health/types.js";
import { recompute } from "../../src/health/recompute.js";
import { loadRuleFacts } from "../../src/proactive/facts.js";
import { RULES } from "../../src/proactive/rules/index.js";
import type { Db } from "../../src/store/db.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { steadyUsage } from "../support/usage.js";
import { ago, DAY, facts } from "./crafted.js";

const score = (f: HealthFacts) => scoreHealth(f, settingsFor(HEALTH_DEFAULTS, f.tier, f.industry));
const keys = (r: { reasons: Pick<Reason, "key">[] }) => r.reasons.map((x) => x.key);

describe("the score reads people (domain)", () => {
  it("a champion who left stays a reason however long ago, until a successor is recorded", () => {
    const left = { name: "Li Wei", role: "champion", attitude: "supporter", active: false, leftAt: ago(200) } as const;
    const dm = facts().stakeholders[1]!;
    const gone = score(facts({ stakeholders: [left, dm] }));
    expect(gone.reasons.map((r) => renderReason(r, "en"))).toContain("champion Li Wei left 200 days ago");
    const successor = { name: "Mei Chen", role: "champion", attitude: "neutral", active: true, leftAt: null } as const;
    const replaced = score(facts({ stakeholders: [left, successor, dm] }));
    expect(keys(replaced)).not.toContain("relationship.champion_left");
    expect(replaced.score).toBeGreaterThan(gone.score);
  });

  it("a decision maker's detractor answer outweighs a user's later promoter answer and is named", () => {
    const users = [{ score: 10, day: ago(5), name: "Pat Lee", role: "user" }];
    const base = score(facts({ nps: { score: 10, day: ago(5) }, npsAnswers: users }));
    const withDm = score(
      facts({
        nps: { score: 10, day: ago(5) },
        npsAnswers: [...users, { score: 2, day: ago(30), name: "Dana Fox", role: "decision_maker" }],
      }),
    );
    expect(keys(base)).toContain("sentiment.nps_high");
    expect(keys(withDm)).toContain("sentiment.decision_maker_detractor");
    expect(keys(withDm)).not.toContain("sentiment.nps_high");
    const reason = withDm.reasons.find((r) => r.key === "sentiment.decision_maker_detractor")!;
    expect(renderReason(reason, "en")).toBe("decision maker Dana Fox answered NPS 2 (detractor)");
    expect(renderReason(reason, "zh-CN")).toBe("决策人 Dana Fox 的 NPS 为 2（贬损者）");
    // The same answer from a user costs far less than from the decision maker.
    const fromUser = score(
      facts({
        nps: { score: 10, day: ago(5) },
        npsAnswers: [...users, { score: 2, day: ago(30), name: "Sam Ray", role: "user" }],
      }),
    );
    expect(base.score - withDm.score).toBeGreaterThan(2 * (base.score - fromUser.score));
  });

  it("a young account with no usage and no contact is new - not enough data, not green", () => {
    const r = score(
      facts({
        startDate: ago(6),
        goLiveDate: null,
        usage: null,
        lastContact: null,
        lastExecContact: null,
        nps: null,
        feedback: { total: 0, openRaised: [] },
        promises: { total: 0, openDue: [] },
        milestones: { total: 0, openDue: [] },
      }),
    );
    expect(r.state).toBe("new");
    expect(r.grade).not.toBe("green");
    expect(r.grade).not.toBe("red");
    expect(r.reasons.map((x) => renderReason(x, "en"))).toEqual([
      "new - not enough data yet (no usage and no contact; started 6 days ago)",
    ]);
    // The same emptiness on an account signed a year ago is not "new".
    expect(score(facts({ startDate: ago(365), usage: null, lastContact: null, lastExecContact: null })).state).toBe(
      undefined,
    );
  });

  it("an account in use that was never contacted scores low on relationship, not 100", () => {
    const r = score(facts({ lastContact: null, lastExecContact: null }));
    const rel = r.components.find((c) => c.dimension === "relationship")!;
    expect(rel.score).toBeLessThan(50);
    expect(keys(r)).toContain("relationship.never_contacted");
  });

  it("outreach nobody answered for weeks reads as refusing contact", () => {
    const quiet = facts({
      lastContact: ago(50),
      lastExecContact: ago(80),
      unanswered: { attempts: 4, first: ago(45) },
    });
    const r = score(quiet);
    const reason = r.reasons.find((x) => x.key === "relationship.refusing_contact");
    expect(reason?.params).toEqual({ attempts: 4, days: 45 });
    expect(renderReason(reason!, "zh-CN")).toBe("拒绝联系：45 天内 4 次联系无人回应");
    expect(r.score).toBeLessThan(score({ ...quiet, unanswered: { attempts: 0, first: null } }).score);
    // Two unanswered calls last week are not refusal yet.
    expect(keys(score(facts({ unanswered: { attempts: 2, first: ago(6) } })))).not.toContain(
      "relationship.refusing_contact",
    );
  });

  it("a tech-touch account with a single contact is not penalised for having no champion", () => {
    const single = facts({
      tier: "long_tail",
      contactCount: 1,
      lastContact: ago(60),
      lastExecContact: null,
      stakeholders: [{ name: "Ola Berg", role: "decision_maker", attitude: "neutral", active: true, leftAt: null }],
    });
    const r = score(single);
    expect(keys(r)).not.toContain("relationship.no_champion");
    expect(r.grade).toBe("green");
    // A key account is expected to have one.
    expect(keys(score({ ...single, tier: "key" }))).toContain("relationship.no_champion");
  });
});

const d = (n: number) => dayToDate(addDays(DAY, -n));

async function seed(db: Db) {
  const owner = await db.prisma.member.create({ data: { email: "cara@tend.test", name: "Cara", role: "csm" } });
  const base = { tier: "key", seats: 50, goLiveDate: d(400), contractStart: d(400), ownerId: owner.id } as const;
  const make = (name: string, over: object = {}) => db.prisma.account.create({ data: { ...base, name, ...over } });
  const keel = await make("Keel", { tier: "strategic" });
  const bravo = await make("Bravo");
  const newco = await make("Newco", { contractStart: d(6), goLiveDate: null });
  const quiet = await make("Quiet");
  const helm = await make("Helm");
  const mast = await make("Mast");
  await steadyUsage(db, [keel.id, bravo.id, quiet.id], DAY, {
    activeUsers: 30,
    activatedUsers: 45,
    seats: 50,
    coreFeaturesUsed: 6,
    coreFeaturesTotal: 8,
  });
  await db.prisma.contact.createMany({
    data: [
      {
        accountId: keel.id,
        name: "Priya Raman",
        role: "champion",
        attitude: "supporter",
        active: false,
        leftAt: d(10),
      },
      { accountId: keel.id, name: "Tom Hale", role: "decision_maker", attitude: "supporter" },
      { accountId: bravo.id, name: "Ana Ruiz", role: "decision_maker", attitude: "neutral" },
      { accountId: bravo.id, name: "Ben Cho", role: "champion", attitude: "supporter" },
      { accountId: newco.id, name: "Eve Lin", role: "decision_maker", attitude: "supporter" },
      { accountId: newco.id, name: "Max Wu", role: "champion", attitude: "supporter" },
      { accountId: quiet.id, name: "Ida Moe", role: "champion", attitude: "supporter" },
      { accountId: quiet.id, name: "Al Nut", role: "decision_maker", attitude: "neutral" },
      // Both lost their decision maker 20 days ago and recorded a successor; only Helm has met theirs.
      { accountId: helm.id, name: "Old Boss", role: "decision_maker", active: false, leftAt: d(20) },
      { accountId: helm.id, name: "New Boss", role: "decision_maker", attitude: "neutral" },
      { accountId: mast.id, name: "Gone Chief", role: "decision_maker", active: false, leftAt: d(20) },
      { accountId: mast.id, name: "Next Chief", role: "decision_maker", attitude: "neutral" },
    ],
  });
  await db.prisma.surveyResponse.createMany({
    data: [
      // The champion's promoter answer, given before she left.
      { accountId: keel.id, kind: "nps", score: 10, respondent: "Priya Raman", respondedAt: d(30) },
      { accountId: bravo.id, kind: "nps", score: 9, respondent: "Ben Cho", respondedAt: d(3) },
      { accountId: bravo.id, kind: "nps", score: 2, respondent: "Ana Ruiz", respondedAt: d(20) },
    ],
  });
  await db.prisma.interaction.createMany({
    data: [
      // Keel's last meeting was with the champion who has since left: not contact with the account now.
      { accountId: keel.id, kind: "visit", occurredAt: d(12), contactName: "Priya Raman" },
      { accountId: keel.id, kind: "call", occurredAt: d(40), contactName: "Tom Hale" },
      { accountId: bravo.id, kind: "visit", occurredAt: d(4), contactName: "Ben Cho" },
      { accountId: quiet.id, kind: "visit", occurredAt: d(60), contactName: "Ida Moe" },
      { accountId: helm.id, kind: "visit", occurredAt: d(10), contactName: "New Boss" },
      { accountId: mast.id, kind: "call", occurredAt: d(8), contactName: "Next Chief", answered: false },
      ...[45, 30, 16, 5].map((n) => ({
        accountId: quiet.id,
        kind: "call" as const,
        occurredAt: d(n),
        contactName: "Ida Moe",
        answered: false,
      })),
    ],
  });
  return { keel, bravo, newco, quiet, helm, mast };
}

describe.each(STORE_KINDS)("the score reads people, through recompute (%s)", (kind) => {
  let db: Db;
  let ctx: AppContext;
  let ids: Awaited<ReturnType<typeof seed>>;
  type Row = {
    score: number;
    grade: string;
    state: string | null;
    reasons: Reason[];
    components: { dimension: string; inputs: Record<string, unknown> }[];
  };
  let byId: Map<string, Row>;

  beforeAll(async () => {
    db = await testDb(kind);
    ctx = testContext(db, { now: new Date(`${DAY}T09:00:00Z`) });
    ids = await seed(db);
    await recompute(ctx, DAY);
    const { rows } = await db.pool.query<Row & { accountId: string }>(
      `SELECT "accountId", score, grade::text AS grade, state, reasons, components FROM "HealthScore" WHERE day = $1::date`,
      [DAY],
    );
    byId = new Map(rows.map((r) => [r.accountId, r]));
  });
  afterAll(async () => {
    await db?.close();
  });

  it("a departed champion's promoter answer no longer lifts and her meetings are not contact", () => {
    const keel = byId.get(ids.keel.id)!;
    expect(keys(keel)).not.toContain("sentiment.nps_high");
    expect(keys(keel)).toContain("relationship.champion_left");
    const rel = keel.components.find((c) => c.dimension === "relationship")!;
    expect(rel.inputs.days_since_contact).toBe(40);
    expect(keel.components.find((c) => c.dimension === "sentiment")!.inputs.nps).toBeNull();
  });

  it("the decision maker's detractor answer is named although a user answered 9 since", () => {
    const bravo = byId.get(ids.bravo.id)!;
    expect(keys(bravo)).toContain("sentiment.decision_maker_detractor");
    expect(bravo.grade).not.toBe("green");
  });

  it("an account signed 6 days ago with no usage and no contact is stored as new", () => {
    const newco = byId.get(ids.newco.id)!;
    expect(newco.state).toBe("new");
    expect(newco.grade).toBe("yellow");
    expect(keys(newco)).toEqual(["health.new_account"]);
  });

  it("four unanswered calls over 45 days are refusing contact, and the calls are not contact", () => {
    const quiet = byId.get(ids.quiet.id)!;
    expect(quiet.reasons.find((r) => r.key === "relationship.refusing_contact")?.params).toEqual({
      attempts: 4,
      days: 45,
    });
    const rel = quiet.components.find((c) => c.dimension === "relationship")!;
    expect(rel.inputs.days_since_contact).toBe(60);
  });

  it("a successor who has been met ends the 'meet the successor' nudge; one not yet met keeps it", async () => {
    const all = await loadRuleFacts(db, DAY);
    const nudges = (id: string) =>
      RULES.stakeholder_left(all.find((f) => f.id === id)!, { day: DAY, config: PROACTIVE_DEFAULTS });
    expect(nudges(ids.helm.id)).toEqual([]);
    // Mast's successor did not pick up the call: not met yet.
    expect(nudges(ids.mast.id)[0]).toMatchObject({ messageKey: "nudge.decision_maker_left", params: { days: 20 } });
  });
});
