import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { AppContext } from "../../src/context.js";
import { handleCommand } from "../../src/conversation/index.js";
import { rankingValue } from "../../src/domain/renewal.js";
import { t } from "../../src/i18n/catalogue.js";
import type { Locale } from "../../src/i18n/locale.js";
import type { Db } from "../../src/store/db.js";
import { stripData } from "../../src/text/user-data.js";
import { DEMO_STORIES, demoContext, demoDb, demoEmail } from "../support/demo.js";

// Every command from `tend ask` on the demo book, as each role: answered where the role may see it,
// refused where it may not (another team's account is simply not found: nothing about it leaks).

type Outcome =
  /** Exit 0 and the reply shows this. */
  | RegExp
  /** Exit 3: the role may not do this (read-only viewer, metrics for CSMs). */
  | "refused"
  /** Exit 4, "couldn't find", and not a word about the account. */
  | "hidden";

interface Role {
  email: string;
  locale: Locale;
}

const ROLES = {
  admin: { email: demoEmail("sam.rivera"), locale: "en" },
  manager: { email: demoEmail("morgan.lee"), locale: "en" },
  zhManager: { email: demoEmail("wang.fang"), locale: "zh-CN" },
  csm: { email: demoEmail("alice.chen"), locale: "en" },
  zhCsm: { email: demoEmail("li.na"), locale: "zh-CN" },
  viewer: { email: demoEmail("victor.hale"), locale: "en" },
} satisfies Record<string, Role>;
type RoleName = keyof typeof ROLES;

// Story accounts by team: Northwind (Americas), 云帆 (中国区), Kestrel (EMEA, nobody above but the admin).
const NORTHWIND = "Northwind Logistics";
const YUNFAN = "杭州云帆科技有限公司";
const KESTREL = "Kestrel Retail";

/** The same outcome for every role except those listed. */
const all = (o: Outcome, except: Partial<Record<RoleName, Outcome>> = {}) =>
  Object.fromEntries(Object.keys(ROLES).map((r) => [r, except[r as RoleName] ?? o])) as Record<RoleName, Outcome>;
const americas = (o: RegExp, viewer: Outcome = o) =>
  all("hidden", { admin: o, manager: o, csm: o, viewer }) as Record<RoleName, Outcome>;
const china = (o: RegExp) => all("hidden", { admin: o, zhManager: o, zhCsm: o });

const CASES: [command: string, hides: string | undefined, outcomes: Record<RoleName, Outcome>][] = [
  ["northwind", NORTHWIND, americas(/Northwind Logistics\n=+[\s\S]*ARR\s+\$480,000/)],
  ["brief northwind", NORTHWIND, americas(/Priya Raman/)],
  ["health northwind", NORTHWIND, americas(/Health of Northwind Logistics[\s\S]*\/100/)],
  ["云帆", YUNFAN, china(/杭州云帆科技有限公司/)],
  ["简报 云帆", YUNFAN, china(/单点登录/)],
  ["health yunfan", YUNFAN, china(/杭州云帆科技有限公司/)],
  ["kestrel", KESTREL, all("hidden", { admin: /Kestrel Retail\n=+/ })],
  ["renewals 90", undefined, all(/Renewals: \d+ · ARR|共 \d+ 个续约/)],
  ["renewals quarter team", undefined, all(/Renewals: \d+ · ARR|共 \d+ 个续约/)],
  ["risk", undefined, all(/at stake|Nothing at risk|面临风险/)],
  ["risk team", undefined, all(/at stake|Nothing at risk|面临风险/)],
  [
    "mine",
    undefined,
    all(/no accounts assigned|你名下还没有客户/, {
      csm: /Your book, Alice Chen[\s\S]*🟢 \d+ green/,
      zhCsm: /李娜，你的客户/,
    }),
  ],
  [
    "metrics team year",
    undefined,
    all("refused", { admin: /Renewal rate/, manager: /Renewal rate/, zhManager: /续约率/ }),
  ],
  ["help", undefined, all(/Tend/)],
  ["help renewals", undefined, all(/renewals \[30\|60\|90\|120\|quarter\]/)],
  ["log northwind call checked the handover", NORTHWIND, americas(/Logged a call with Northwind/, "refused")],
  ["plan northwind visit 2026-12-01", NORTHWIND, americas(/Planned a visit to Northwind Logistics/, "refused")],
  ["snooze northwind 7", NORTHWIND, americas(/Snoozed Northwind Logistics for 7 days/, "refused")],
  ["记录 云帆 拜访 谈了续约", YUNFAN, { ...china(/杭州云帆科技有限公司/), viewer: "refused" }],
];

describe("every command on the demo book, for each role, from tend ask", () => {
  let db: Db;
  let ctx: AppContext;
  beforeAll(async () => {
    db = await demoDb();
    ctx = demoContext(db);
  });
  afterAll(async () => db?.close());

  async function ask(text: string, email: string, format = "text") {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      ["ask", text, "--as", email, "--format", format],
      {
        out: (l) => out.push(l),
        err: (l) => err.push(l),
      },
      { ctx },
    );
    return { code, out: out.join("\n"), err: err.join("\n") };
  }

  for (const [name, role] of Object.entries(ROLES))
    it(`${name} (${role.email})`, async () => {
      const problems: string[] = [];
      for (const [command, hides, outcomes] of CASES) {
        const want = outcomes[name as RoleName];
        const r = await ask(command, role.email);
        const where = `${command} -> exit ${r.code}: ${r.out.slice(0, 200)}`;
        if (want === "refused") {
          if (r.code !== 3) problems.push(`expected a refusal: ${where}`);
        } else if (want === "hidden") {
          const typed = command.split(" ").find((w) => /northwind|云帆|yunfan|kestrel/i.test(w)) as string;
          if (r.code !== 4 || !r.out.includes(stripData(t(role.locale, "resolve.unknown", { name: typed }))))
            problems.push(`expected "not found": ${where}`);
          if (hides && r.out.includes(hides)) problems.push(`leaked ${hides}: ${where}`);
        } else if (r.code !== 0 || !want.test(r.out)) problems.push(`expected ${want}: ${where}`);
      }
      expect(problems).toEqual([]);
    });

  it("writes land for the roles allowed to write, and a viewer's attempts change nothing", async () => {
    const northwind = await db.prisma.account.findFirstOrThrow({ where: { name: NORTHWIND } });
    const logged = await db.prisma.interaction.findMany({
      where: { accountId: northwind.id, notes: "checked the handover" },
    });
    const writers = await db.prisma.member.findMany({
      where: { email: { in: [ROLES.admin.email, ROLES.manager.email, ROLES.csm.email] } },
    });
    expect(logged.map((i) => i.memberId).sort()).toEqual(writers.map((m) => m.id).sort());
    const viewer = await db.prisma.member.findUniqueOrThrow({ where: { email: ROLES.viewer.email } });
    expect(await db.prisma.interaction.count({ where: { memberId: viewer.id } })).toBe(0);
    expect(await db.prisma.snooze.count({ where: { memberId: viewer.id } })).toBe(0);
  });

  it("audits every account read and write with who, what, when and the surface", async () => {
    const northwind = await db.prisma.account.findFirstOrThrow({ where: { name: NORTHWIND } });
    const alice = await db.prisma.member.findUniqueOrThrow({ where: { email: ROLES.csm.email } });
    const rows = await db.prisma.auditLog.findMany({ where: { memberId: alice.id, accountId: northwind.id } });
    expect([...new Set(rows.map((r) => r.action))]).toEqual(
      expect.arrayContaining([
        "account.read",
        "brief.read",
        "health.read",
        "interaction.log",
        "interaction.plan",
        "account.snooze",
      ]),
    );
    const lists = await db.prisma.auditLog.findMany({ where: { memberId: alice.id, action: "risk.read" } });
    expect(lists.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.surface === "cli" && r.at instanceof Date)).toBe(true);
    // A role that could not reach the account read nothing of it: its only trace there is the refused
    // probe (issue 14: every refusal is audited), never a read.
    const liNa = await db.prisma.member.findUniqueOrThrow({ where: { email: ROLES.zhCsm.email } });
    const probes = await db.prisma.auditLog.findMany({ where: { memberId: liNa.id, accountId: northwind.id } });
    expect(probes.length).toBeGreaterThan(0);
    expect(new Set(probes.map((r) => r.action))).toEqual(new Set(["refused"]));
  });

  it("an all-teams list ranks by ARR at risk across currencies, and mine lists what risk lists", async () => {
    // Each line's amount at risk, in rough dollars: never a yuan figure above a larger euro one.
    // Lapsed renewals lead `renewals` whatever their amount (issue 13): the rest is ranked.
    const atRisk = (out: string) =>
      [
        ...out
          .split("\n")
          .filter((l) => !l.includes("lapsed: due"))
          .join("\n")
          .matchAll(/, (CN¥|€|\$)([\d,]+) at risk/g),
      ].map(([, sym, n]) =>
        rankingValue(Number(n!.replace(/,/g, "")), sym === "CN¥" ? "CNY" : sym === "€" ? "EUR" : "USD"),
      );
    for (const command of ["risk", "renewals 90"]) {
      const values = atRisk((await ask(command, ROLES.admin.email)).out);
      expect(values.length, command).toBeGreaterThan(5);
      expect(values, command).toEqual([...values].sort((a, b) => b - a));
    }
    // Alice's at-risk accounts in `mine` are the ones `risk` lists for her, Northwind with its why.
    const names = (out: string) => [...out.matchAll(/^\s+[x!] (.+?) - /gm)].map((m) => m[1]);
    const mine = (await ask("mine", ROLES.csm.email)).out;
    const risk = (await ask("risk", ROLES.csm.email)).out;
    expect(names(mine.slice(mine.indexOf("At risk"), mine.indexOf("Renewals in 90 days")))).toEqual(
      names(risk).slice(0, 10),
    );
    // The call logged above re-scored Northwind at once, so the departure itself is the reason now.
    expect(mine).toMatch(/Northwind Logistics - .*\n.*champion changed \(medium\) · .*champion .+ left \d+ days ago/);
    expect(mine).not.toContain("medium risk: champion changed"); // the open risk is named once
  });

  it("the brief's good practice names each thing once, and no change reads as 0%, not -0%", async () => {
    const brief = (await ask("brief 云帆", ROLES.admin.email)).out;
    const practice = brief.slice(brief.indexOf("4. A good practice"), brief.indexOf("5. "));
    expect(practice).toMatch(/healthy at \d+\/100/);
    expect(practice.match(/core features/g)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(brief).not.toContain("-0%");
  });

  it("a write asks first when the name was only nearly typed, and the choice completes it", async () => {
    // Grace (EMEA) cannot see Northwind Logistics; "northwind" is two letters from her Northline Health AG.
    const grace = demoEmail("grace.walsh");
    const r = await ask("log northwind call on the wrong account?", grace);
    expect(r.code).toBe(4); // not done: it asks which account
    expect(r.out).toContain(stripData(t("en", "resolve.confirm_typo", { account: "Northline Health AG" })));
    expect(await db.prisma.interaction.count({ where: { notes: "on the wrong account?" } })).toBe(0);
    const reply = await handleCommand(ctx, {
      identity: { surface: "cli", email: grace },
      text: "log northwind call on the wrong account?",
    });
    const choices = reply.blocks.find((b) => b.type === "choices");
    expect(choices?.type === "choices" && choices.choices.map((c) => c.label)).toEqual(["Northline Health AG"]);
    const chosen = await ask((choices?.type === "choices" && choices.choices[0]?.command) || "", grace);
    expect(chosen.out).toMatch(/Logged a call with Northline Health AG/);
    // Reads answer at once: the reply names the account it found.
    expect((await ask("northwind", grace)).out).toMatch(/^Northline Health AG\n=/);
  });

  it("refuses people who are not members, or no longer active, whatever they ask", async () => {
    for (const email of [demoEmail("olivia.grant"), "stranger@elsewhere.test"])
      for (const [command] of CASES) {
        const r = await ask(command, email);
        expect(r.code, `${email}: ${command}`).toBe(3);
        expect(r.out).not.toMatch(/Northwind|云帆|Kestrel|\$|¥|€/);
      }
  });

  it("prints Block Kit and Feishu card JSON for the stories", async () => {
    const slack = await ask("brief northwind", ROLES.csm.email, "slack");
    expect(slack.code).toBe(0);
    expect(JSON.stringify(JSON.parse(slack.out).blocks)).toContain("Priya Raman");
    const feishu = await ask("续约 90", ROLES.zhCsm.email, "feishu");
    expect(feishu.code).toBe(0);
    const card = JSON.parse(feishu.out);
    expect(card.schema).toBe("2.0");
    expect(JSON.stringify(card)).toContain(YUNFAN);
  });

  it("surfaces each story where its owner looks", async () => {
    const story = (handle: string, text: string) => ask(text, demoEmail(handle)).then((r) => r.out);
    expect(Object.keys(DEMO_STORIES).length).toBeGreaterThanOrEqual(5);
    expect(await story("alice.chen", "brief northwind")).toMatch(/Priya Raman/);
    expect(await story("grace.walsh", "brightwave")).toMatch(/day 60 of onboarding: 20% of seats activated/);
    // 45 days out, terms not clear, no value report, the SSO promise overdue.
    expect(await story("li.na", "续约 90")).toMatch(
      /杭州云帆科技有限公司[^\n]*45 天[\s\S]*条款不清楚[\s\S]*未发送价值报告/,
    );
    expect(await story("ben.carter", "summit")).toMatch(/Summit Analytics\n=+\s+Health\s+🟢/);
    expect(await story("felix.wagner", "brief kestrel")).toMatch(/NPS/);
  });
});
