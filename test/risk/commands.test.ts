import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/context.js";
import { handleAction, handleCommand } from "../../src/conversation/index.js";
import { parseCommand } from "../../src/conversation/parse.js";
import { addDays, dayToDate } from "../../src/domain/dates.js";
import { recompute } from "../../src/health/recompute.js";
import type { Reply } from "../../src/reply/model.js";
import { renderText } from "../../src/reply/render-text.js";
import type { Db } from "../../src/store/db.js";
import { stripData } from "../../src/text/user-data.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { steadyUsage } from "../support/usage.js";

const DAY = "2026-11-23";
const d = (n: number) => dayToDate(addDays(DAY, -n));

describe("risk raise / resolve grammar", () => {
  it("reads the account name up to the cause, then the note; Chinese verbs and causes too", () => {
    expect(parseCommand("risk raise Acme Corp roi they doubt the savings")).toEqual({
      ok: true,
      command: { kind: "risk_raise", name: "Acme Corp", cause: "roi_gap", note: "they doubt the savings" },
    });
    expect(parseCommand("风险 解除 华东 制造 决策人变更 新决策人已见面")).toEqual({
      ok: true,
      command: { kind: "risk_resolve", name: "华东 制造", cause: "decision_maker_changed", note: "新决策人已见面" },
    });
    expect(parseCommand("risk resolve acme usage-collapse")).toMatchObject({
      command: { kind: "risk_resolve", cause: "usage_collapse" },
    });
    expect(parseCommand("risk raise acme")).toMatchObject({ ok: false, topic: "risk", problem: "missing_cause" });
    expect(parseCommand("risk raise acme weather")).toMatchObject({
      ok: false,
      problem: "bad_cause",
      detail: "weather",
    });
    expect(parseCommand("risk raise")).toMatchObject({ ok: false, problem: "missing_name" });
    // `risk` alone and `risk team East` still list.
    expect(parseCommand("risk team East")).toEqual({
      ok: true,
      command: { kind: "risk", scope: { kind: "team", name: "East" } },
    });
  });
});

describe.each(STORE_KINDS)("people raise and resolve risks (%s)", (kind) => {
  let db: Db;
  let ctx: AppContext;
  let acmeId: string;
  const ask = (email: string, text: string) => handleCommand(ctx, { identity: { surface: "cli", email }, text });
  const text = (r: Reply) => renderText(r);
  const gradeOf = async () =>
    (
      await db.pool.query<{ grade: string }>(
        `SELECT grade::text AS grade FROM "HealthScore" WHERE "accountId" = $1 AND day = $2::date`,
        [acmeId, DAY],
      )
    ).rows[0]?.grade;

  beforeAll(async () => {
    db = await testDb(kind);
    ctx = testContext(db, { now: new Date(`${DAY}T09:00:00Z`) });
    const team = await db.prisma.team.create({ data: { name: "East" } });
    await db.prisma.member.createMany({
      data: [
        { email: "cara@tend.test", name: "Cara", role: "csm", teamId: team.id },
        { email: "li.na@tend.test", name: "李娜", role: "csm", teamId: team.id, locale: "zh-CN" },
        { email: "vic@tend.test", name: "Vic", role: "viewer", teamId: team.id },
      ],
    });
    const cara = await db.prisma.member.findUniqueOrThrow({ where: { email: "cara@tend.test" } });
    const acme = await db.prisma.account.create({
      data: { name: "Acme Corp", tier: "key", ownerId: cara.id, teamId: team.id, seats: 50, goLiveDate: d(400) },
    });
    acmeId = acme.id;
    await steadyUsage(db, [acme.id], DAY, {
      activeUsers: 35,
      activatedUsers: 48,
      seats: 50,
      coreFeaturesUsed: 7,
      coreFeaturesTotal: 8,
    });
    await db.prisma.contact.createMany({
      data: [
        { accountId: acme.id, name: "Sam", role: "champion", attitude: "supporter", lastContact: d(4) },
        { accountId: acme.id, name: "Jo", role: "decision_maker", attitude: "supporter", lastContact: d(8) },
      ],
    });
    await db.prisma.interaction.createMany({
      data: [
        { accountId: acme.id, kind: "visit", occurredAt: d(4) },
        { accountId: acme.id, kind: "exec_visit", occurredAt: d(8) },
      ],
    });
    await recompute(ctx, DAY);
  });
  afterAll(async () => db?.close());

  it("raising a high-severity cause turns the card red at once, with the next step; resolving lifts it", async () => {
    expect(await gradeOf()).toBe("green");
    const r = await ask("cara@tend.test", "risk raise acme corp roi they doubt the savings");
    expect(r.error).toBeUndefined();
    expect(stripData(r.summary)).toBe(
      "Raised a risk on Acme Corp: ROI not there (high). Next step: Build the value case with their numbers and review it with the decision maker.",
    );
    expect(await gradeOf()).toBe("red");
    const card = text(await ask("cara@tend.test", "acme corp"));
    expect(card).toContain("ROI not there (high)");
    expect(card).toContain("they doubt the savings · raised Nov 23, 2026 · Next: Build the value case");
    expect(card).toContain("[Resolve: ROI not there]");
    expect(stripData((await ask("cara@tend.test", "risk raise acme corp roi")).summary)).toBe(
      "Acme Corp already has an open risk: ROI not there.",
    );

    const zh = await ask("li.na@tend.test", "风险 解除 acme corp ROI未达预期 已达成共识");
    expect(stripData(zh.summary)).toBe("已解除 Acme Corp 的风险：ROI 未达预期。");
    expect(await gradeOf()).toBe("green");
    const flag = await db.prisma.riskFlag.findFirstOrThrow({ where: { accountId: acmeId, kind: "roi_gap" } });
    expect(flag).toMatchObject({
      source: "person",
      closedBy: "person",
      closeNote: "已达成共识",
      note: "they doubt the savings",
    });
    expect((await ask("cara@tend.test", "risk resolve acme corp roi")).error).toBe("not_found");
  });

  it("a person confirms a detected risk from the card's button: it then stays when its evidence goes", async () => {
    await db.prisma.feedback.create({ data: { accountId: acmeId, title: "SSO", raisedAt: d(50) } });
    await recompute(ctx, DAY);
    expect(await gradeOf()).toBe("yellow");
    const card = await ask("cara@tend.test", "acme corp");
    expect(text(card)).toContain("1 feedback item open > 30 days · detected Nov 23, 2026");
    const buttons = card.blocks.flatMap((b) => (b.type === "buttons" ? b.buttons : []));
    const confirm = buttons.find((b) => stripData(b.text) === "Confirm risk: slow answers to their feedback")!;
    const out = await handleAction(ctx, {
      identity: { surface: "cli", email: "cara@tend.test" },
      actionId: confirm.actionId,
      value: confirm.value,
    });
    expect(stripData(out.reply?.summary ?? "")).toContain("Confirmed the detected risk on Acme Corp");
    await db.prisma.feedback.updateMany({
      where: { accountId: acmeId },
      data: { status: "delivered", resolvedAt: d(0) },
    });
    await recompute(ctx, DAY);
    expect(await gradeOf()).toBe("yellow");
    expect(await db.prisma.riskFlag.count({ where: { accountId: acmeId, resolvedAt: null } })).toBe(1);
  });

  it("a viewer cannot raise or resolve; unknown causes get the list of causes", async () => {
    for (const cmd of ["risk raise acme corp roi", "风险 解除 acme corp 反馈响应慢"])
      expect((await ask("vic@tend.test", cmd)).error).toBe("forbidden");
    const bad = await ask("li.na@tend.test", "风险 上报 acme corp 天气");
    expect(bad.error).toBe("usage");
    expect(stripData(bad.summary)).toContain("“天气”不是风险原因。可选：wrong-fit");
  });
});
