import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/env.js";
import { HttpApp } from "../../src/http/server.js";
import { createLogger, silentLogger } from "../../src/log.js";
import { mountPlayground } from "../../src/playground/mount.js";
import type { Reply } from "../../src/reply/model.js";
import { createService } from "../../src/service.js";
import { DEMO_NOW, DEMO_STORIES, demoEmail } from "../support/demo.js";
import { testDb } from "../support/store.js";
import { type Playground, startPlayground } from "./harness.js";

// The playground's JSON API, as the page uses it: the conversation core and the proactive
// engine's dry run behind it, over the demo book.

const alice = demoEmail("alice.chen"); // CSM, Americas, owns Northwind Logistics (champion left)
const morgan = demoEmail("morgan.lee"); // manager, Americas
const liNa = demoEmail("li.na"); // CSM, 中国区

interface CardAnswer {
  reply: Reply;
  html: string;
}
interface MorningAnswer {
  day: string;
  timeZone: string;
  team?: string;
  messages: { kind: string; to: string; summary: string; reply: Reply; html: string }[];
}

const buttonsOf = (reply: Reply) => reply.blocks.flatMap((b) => (b.type === "buttons" ? b.buttons : []));

describe("the playground part", () => {
  let p: Playground;
  beforeAll(async () => {
    p = await startPlayground();
  }, 180_000);
  afterAll(() => p.close());

  const json = async <T>(res: Response | Promise<Response>): Promise<T> => {
    const r = await res;
    expect(r.status, await r.clone().text()).toBe(200);
    return (await r.json()) as T;
  };
  const command = (member: string, text: string) =>
    json<CardAnswer>(p.post("/playground/api/command", { member, text }));
  const morning = (member: string) =>
    json<MorningAnswer>(p.fetch(`${p.url}/playground/api/morning?member=${encodeURIComponent(member)}`));

  it("is mounted with no chat platform, listed by /healthz, and listens on 127.0.0.1 only", async () => {
    expect(p.service.address?.address).toBe("127.0.0.1");
    const health = (await (await fetch(`${p.url}/healthz`)).json()) as { parts: string[] };
    expect(health.parts).toContain("playground");
    const page = await p.fetch(`${p.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<label for="composer-input">');
    expect(html).toMatch(/127\.0\.0\.1/);
    expect((await p.fetch(`${p.url}/playground/app.js`)).status).toBe(200);
  });

  it("offers a CSM, a manager and a Chinese-speaking CSM to act as", async () => {
    const r = await json<{ members: { email: string; locale: string }[]; picks: Record<string, string> }>(
      p.fetch(`${p.url}/playground/api/members`),
    );
    expect(r.picks).toEqual({ csm: alice, manager: morgan, zhCsm: expect.any(String) });
    expect(r.members.find((m) => m.email === r.picks.zhCsm)?.locale).toBe("zh-CN");
    // People who left are not offered.
    expect(r.members.map((m) => m.email)).not.toContain(demoEmail("olivia.grant"));
  });

  it("answers a command typed as in chat with the core's reply rendered as a card", async () => {
    const r = await command(alice, `/tend brief ${DEMO_STORIES.championLeft}`);
    expect(r.reply.error).toBeUndefined();
    expect(r.reply.summary).toContain(DEMO_STORIES.championLeft);
    expect(r.html).toMatch(/^<article class="card/);
    expect(r.html).toContain(`<h3>Visit brief: ${DEMO_STORIES.championLeft}</h3>`);
    expect(r.html).toContain('data-action-id="tend.snooze"');
    // Same answer as the core gives anywhere else: the @mention form too.
    const again = await command(alice, `@Tend brief ${DEMO_STORIES.championLeft}`);
    expect(again.reply.summary).toBe(r.reply.summary);
  });

  it("answers the Chinese-speaking CSM in Chinese", async () => {
    const r = await command(liNa, "help");
    expect(r.reply.summary).toMatch(/[\u4e00-\u9fff]/);
  });

  it("refuses someone who is not a member politely, and writes nothing", async () => {
    const before = await p.db.prisma.member.count();
    const r = await command("stranger@example.com", "mine");
    expect(r.reply.error).toBe("unknown_user");
    expect(await p.db.prisma.member.count()).toBe(before);
  });

  it("presses buttons through the core: snooze, and the log-visit form round trip", async () => {
    const brief = await command(alice, `brief ${DEMO_STORIES.championLeft}`);
    const buttons = buttonsOf(brief.reply);

    const snooze = buttons.find((b) => b.actionId === "tend.snooze");
    expect(snooze).toBeDefined();
    const snoozed = await json<{ toast: { text: string; tone: string } }>(
      p.post("/playground/api/action", { member: alice, actionId: snooze?.actionId, value: snooze?.value }),
    );
    expect(snoozed.toast.text).toMatch(new RegExp(`Snoozed ${DEMO_STORIES.championLeft} for \\d+ days`));
    expect(await p.db.prisma.snooze.count({ where: { accountId: "demo-account-championLeft" } })).toBe(1);

    const log = buttons.find((b) => b.actionId === "tend.log_form");
    const opened = await json<{ form: { formId: string; privateValue: string }; formHtml: string }>(
      p.post("/playground/api/action", { member: alice, actionId: log?.actionId, value: log?.value }),
    );
    expect(opened.formHtml).toMatch(/<label for="form\d+-date">/);
    const count = () =>
      p.db.prisma.interaction.count({
        where: { account: { name: DEMO_STORIES.championLeft }, notes: "Met the new champion" },
      });

    const bad = await json<{ errors: Record<string, string> }>(
      p.post("/playground/api/form", {
        member: alice,
        formId: opened.form.formId,
        privateValue: opened.form.privateValue,
        values: { date: "2099-01-01", kind: "visit", notes: "Met the new champion" },
      }),
    );
    expect(Object.keys(bad.errors)).toEqual(["date"]);
    expect(await count()).toBe(0);

    const good = await json<{ toast: { text: string } }>(
      p.post("/playground/api/form", {
        member: alice,
        formId: opened.form.formId,
        privateValue: opened.form.privateValue,
        values: { date: "2026-11-22", kind: "visit", notes: "Met the new champion" },
      }),
    );
    expect(good.toast.text).toContain(DEMO_STORIES.championLeft);
    expect(await count()).toBe(1);
  });

  it("runs a choice (a tend.run button) as the member", async () => {
    const r = await json<CardAnswer>(
      p.post("/playground/api/action", { member: alice, actionId: "tend.run", value: "renewals 90" }),
    );
    expect(r.reply.error).toBeUndefined();
    expect(r.html).toContain("card");
  });

  it("previews this morning's digest and nudges for the member and team, from the engine's dry run", async () => {
    const outboxBefore = await p.db.prisma.outbox.count();
    const m = await morning(demoEmail("ben.carter"));
    expect(m.day).toBe("2026-11-23");
    expect(m.timeZone).toBe("America/New_York");
    expect(m.team).toBe("Americas");
    const kinds = m.messages.map((x) => x.kind);
    expect(kinds).toContain("digest");
    expect(kinds.filter((k) => k === "digest")).toHaveLength(1); // one copy, not one per platform
    const nudges = m.messages.find((x) => x.kind === "nudges");
    expect(nudges?.to).toContain("Ben Carter");
    expect(nudges?.html).toContain('data-action-id="tend.nudge_done"');
    // A dry run: nothing is queued for sending.
    expect(await p.db.prisma.outbox.count()).toBe(outboxBefore);

    // The manager sees the team digest but no one else's nudges.
    const mgr = await morning(morgan);
    expect(mgr.messages.map((x) => x.kind)).toEqual(["digest"]);
    // The Chinese team's digest is in Chinese.
    const zh = await morning(liNa);
    expect(zh.messages.find((x) => x.kind === "digest")?.summary).toMatch(/[\u4e00-\u9fff]/);
  });

  it("shows the engine's new answer after a nudge is marked done", async () => {
    const before = await morning(demoEmail("carla.diaz"));
    const nudges = before.messages.find((x) => x.kind === "nudges");
    const done = nudges && buttonsOf(nudges.reply).find((b) => b.actionId === "tend.nudge_done");
    expect(done).toBeDefined();
    const r = await json<{ toast: { tone: string } }>(
      p.post("/playground/api/action", {
        member: demoEmail("carla.diaz"),
        actionId: done?.actionId,
        value: done?.value,
      }),
    );
    expect(r.toast.tone).toBe("good");
    const after = await morning(demoEmail("carla.diaz"));
    const values = after.messages.flatMap((x) => buttonsOf(x.reply).map((b) => b.value));
    expect(values).not.toContain(done?.value);
  });

  it("gives clear errors for bad requests", async () => {
    const notJson = await p.post("/playground/api/command", "text=mine", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(notJson.status).toBe(415);
    const broken = await p.post("/playground/api/command", "{nope");
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: string }).error).toMatch(/not valid JSON/);
    const invalid = await p.post("/playground/api/action", {
      member: alice,
      actionId: "tend.delete_everything",
      value: "",
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { problems: string[] }).problems.join()).toMatch(/actionId/);
    const nobody = await p.fetch(`${p.url}/playground/api/morning?member=nobody@example.com`);
    expect(nobody.status).toBe(404);
  });

  it("refuses pages from other sites and other host names (cross-site requests, DNS rebinding)", async () => {
    const crossSite = await p.post(
      "/playground/api/command",
      { member: alice, text: "mine" },
      { origin: "https://evil.example" },
    );
    expect(crossSite.status).toBe(403);
    const sameMachine = await p.post("/playground/api/command", { member: alice, text: "mine" }, { origin: p.url });
    expect(sameMachine.status).toBe(200);
    // fetch may not set Host; a raw request can, as a rebound DNS name would.
    const rebound = await new Promise<{ status: number }>((resolve, reject) => {
      const req = request(`${p.url}/playground/api/members`, { headers: { host: "evil.example" } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0 });
      });
      req.on("error", reject);
      req.end();
    });
    expect(rebound.status).toBe(403);
  });

  it("needs the token from the log whatever the Host (a proxy on this machine passes every other check)", async () => {
    const raw = (path: string, headers: Record<string, string>) =>
      new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
        const req = request(`${p.url}${path}`, { headers: { host: "localhost", ...headers } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, headers: res.headers });
        });
        req.on("error", reject);
        req.end();
      });
    expect(p.token).toMatch(/^[\w-]{32}$/);
    expect((await raw("/playground/api/members", {})).status).toBe(401);
    expect((await raw("/", {})).status).toBe(401);
    expect((await raw("/playground/api/members", { "x-tend-token": "guess" })).status).toBe(403);
    expect((await raw("/playground/api/members", { cookie: "tend_playground=guess" })).status).toBe(403);
    const posted = await fetch(`${p.url}/playground/api/command`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ member: alice, text: "mine" }),
    });
    expect(posted.status).toBe(401);
    // The address from the log: the token becomes a cookie and leaves the address bar.
    const first = await raw(`/?token=${p.token}`, {});
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe("/");
    const cookie = String(first.headers["set-cookie"]).split(";")[0] as string;
    expect(cookie).toBe(`tend_playground=${p.token}`);
    expect((await raw("/playground/api/members", { cookie })).status).toBe(200);
  });
});

describe("when the playground is on", () => {
  let db: Awaited<ReturnType<typeof testDb>>;
  beforeAll(async () => {
    db = await testDb();
  });
  afterAll(() => db.close());
  const mounted = async (env: Record<string, string>) => {
    const config = parseConfig({ TEND_DEMO: "off", ...env });
    const part = await mountPlayground(
      { config, log: silentLogger, db, now: () => DEMO_NOW },
      new HttpApp(silentLogger),
    );
    return part?.name;
  };

  it("is off once a chat platform is configured, unless TEND_PLAYGROUND=on", async () => {
    const slack = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" };
    const feishu = { FEISHU_APP_ID: "cli_x", FEISHU_APP_SECRET: "s" };
    expect(await mounted({})).toBe("playground");
    expect(await mounted(slack)).toBeUndefined();
    expect(await mounted(feishu)).toBeUndefined();
    expect(await mounted({ ...slack, TEND_PLAYGROUND: "on" })).toBe("playground");
    expect(await mounted({ TEND_PLAYGROUND: "off" })).toBeUndefined();
  });

  it("announces its address in the log and says it is bound to 127.0.0.1 only", async () => {
    const lines: string[] = [];
    const log = createLogger("info", { write: (l: string) => lines.push(l) });
    const config = parseConfig({ PORT: "0", TEND_DEMO: "off", TEND_SCHEDULER: "off" });
    const service = await createService(config, log, db, () => DEMO_NOW);
    const { port, address } = await service.start();
    await service.http.close();
    expect(address).toBe("127.0.0.1");
    const line = lines.map((l) => JSON.parse(l) as { msg: string }).find((l) => l.msg.startsWith("Playground"));
    expect(line?.msg).toMatch(new RegExp(`http://localhost:${port}/\\?token=[\\w-]{32}`));
    expect(line?.msg).toMatch(/bound to 127\.0\.0\.1 only/);
  });
});
