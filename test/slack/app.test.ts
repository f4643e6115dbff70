import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../support/store.js";
import { blockText, buttonPress, buttonsOf, type SlackHarness, startSlackHarness, USERS } from "./harness.js";
import { eventBody, interactionBody, slashCommandBody, triggerId } from "./sign.js";

// The Slack app end to end: signed requests into Tend's HTTP server, Bolt's HTTPReceiver, the
// conversation core on a real store, and a stand-in Slack Web API recording what Slack would see.

const card = (json: unknown) => json as { blocks: unknown[] };

function submission(user: string, privateMetadata: string, values: Record<string, unknown>) {
  const state: Record<string, Record<string, unknown>> = {};
  if ("date" in values) state.date = { date: { type: "datepicker", selected_date: values.date } };
  if ("kind" in values)
    state.kind = {
      kind: {
        type: "static_select",
        selected_option: values.kind ? { value: values.kind, text: { type: "plain_text", text: "k" } } : null,
      },
    };
  for (const f of ["notes", "next_steps"])
    if (f in values) state[f] = { [f]: { type: "plain_text_input", value: values[f] } };
  return interactionBody({
    type: "view_submission",
    team: { id: "T_TEND", domain: "tend-test" },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: "T_TEND" },
    api_app_id: "A_TEND",
    token: "legacy-verification-token",
    trigger_id: triggerId(),
    view: {
      id: "V_MODAL",
      team_id: "T_TEND",
      type: "modal",
      callback_id: "tend.log_interaction",
      private_metadata: privateMetadata,
      blocks: [{ type: "input", block_id: "date" }],
      state: { values: state },
      hash: "h",
      title: { type: "plain_text", text: "Log" },
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  });
}

describe.each(STORE_KINDS)("the Slack app over HTTP (%s)", (kind) => {
  // One service for most tests (assertions are relative to what each test did); tests needing
  // another configuration start their own.
  let shared: SlackHarness;
  let own: SlackHarness | undefined;
  let h: SlackHarness;
  beforeAll(async () => {
    shared = await startSlackHarness(kind);
  });
  afterAll(async () => {
    await shared?.close();
  });
  beforeEach(() => {
    h = shared;
    h.api.calls.length = 0;
    h.api.responses.length = 0;
    h.api.script = {};
    h.acks.length = 0;
  });
  afterEach(async () => {
    // Block Kit limits, on every reply the test made Slack render.
    expect(h.blockKitProblems()).toEqual([]);
    await own?.close();
    own = undefined;
  });
  const startOwn = async (opts: Parameters<typeof startSlackHarness>[1]) => {
    own = await startSlackHarness(kind, opts);
    h = own;
    return own;
  };

  it("answers /tend privately inside the ack, with the card's buttons and a share button", async () => {
    const { status, json } = await h.send(
      slashCommandBody({ text: "brief acme", userId: USERS.cara, responseUrl: h.api.responseUrl() }),
    );
    expect(status).toBe(200);
    expect(json?.response_type).toBe("ephemeral");
    expect(blockText(json)).toContain("Acme Corp");
    const ids = buttonsOf(card(json)).map((b) => b.action_id.split(":")[0]);
    expect(ids).toEqual(expect.arrayContaining(["tend.run", "tend.log_form", "tend.snooze", "tend.share"]));
    expect(h.api.responses).toEqual([]);
    const risk = await h.send(slashCommandBody({ text: "risk", userId: USERS.cara, responseUrl: h.api.responseUrl() }));
    expect(buttonsOf(card(risk.json)).map((b) => [b.action_id.split(":")[0], b.value])).toContainEqual([
      "tend.share",
      "risk",
    ]);
  });

  it("links a Slack user to their member by email once (users.info), then by Slack id", async () => {
    const ask = () => h.send(slashCommandBody({ text: "mine", userId: USERS.ada, responseUrl: h.api.responseUrl() }));
    await ask();
    expect(h.api.of("users.info").map((c) => c.body.user)).toEqual([USERS.ada]);
    const linked = await h.db.prisma.member.findUnique({ where: { slackUserId: USERS.ada } });
    expect(linked?.email).toBe("ada@tend.test");
    await ask();
    expect(h.api.of("users.info")).toHaveLength(1);
  });

  it("acks at once and answers through response_url when the answer is not ready in time", async () => {
    await startOwn({ ackBudgetMs: 0 });
    const responseUrl = h.api.responseUrl();
    const { status, json } = await h.send(slashCommandBody({ text: "renewals 90", userId: USERS.max, responseUrl }));
    expect(status).toBe(200);
    expect(json).toBeUndefined();
    expect(h.api.responses).toHaveLength(1);
    const posted = h.api.responses[0]!;
    expect(responseUrl).toContain(posted.path);
    expect(posted.body.response_type).toBe("ephemeral");
    expect(blockText(posted.body)).toContain("Acme Corp");
  });

  it("speaks the member's language (zh-CN member, Chinese command)", async () => {
    const { json } = await h.send(
      slashCommandBody({ text: "简报 星辰", userId: USERS.lina, responseUrl: h.api.responseUrl() }),
    );
    expect(blockText(json)).toContain("拜访简报：上海星辰科技有限公司");
  });

  it("refuses tampered bodies, wrong secrets and stale timestamps with 401 and does nothing", async () => {
    const body = slashCommandBody({
      text: "log acme call tampered",
      userId: USERS.cara,
      responseUrl: h.api.responseUrl(),
    });
    const before = {
      interactions: await h.db.prisma.interaction.count(),
      audit: await h.db.prisma.auditLog.count(),
      processed: await h.db.prisma.processedEvent.count(),
    };
    const tampered = await h.post(body, { tamper: (b) => b.replace("tampered", "tampered+more") });
    const wrongSecret = await h.post(body, { secret: "not-our-signing-secret" });
    const stale = await h.post(body, { now: new Date(Date.parse("2026-11-23T14:00:00Z") - 5 * 60_000 - 1_000) });
    const unsigned = await fetch(h.url, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await h.slack.idle();
    expect([tampered.status, wrongSecret.status, stale.status, unsigned.status]).toEqual([401, 401, 401, 401]);
    expect(h.api.calls).toEqual([]);
    expect(h.api.responses).toEqual([]);
    expect(await h.db.prisma.processedEvent.count()).toBe(before.processed);
    expect(await h.db.prisma.interaction.count()).toBe(before.interactions);
    expect(await h.db.prisma.auditLog.count()).toBe(before.audit);
    // The same request, signed correctly, is accepted.
    const ok = await h.send(body);
    expect(ok.status).toBe(200);
    expect(await h.db.prisma.interaction.count()).toBe(before.interactions + 1);
  });

  it("answers Slack's unsigned certificate check and nothing else; refuses oversized bodies", async () => {
    const check = await fetch(h.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "ssl_check=1&token=x&command=%2Ftend&text=log+acme+call",
    });
    expect(check.status).toBe(200);
    const huge = await h.post(`text=${"x".repeat(1_100_000)}`);
    expect(huge.status).toBe(413);
    await h.slack.idle();
    expect(h.api.calls).toEqual([]);
    expect(h.api.responses).toEqual([]);
  });

  it("runs a command Slack delivers twice (X-Slack-Retry-Num, same trigger) only once", async () => {
    const body = slashCommandBody({
      text: "log acme call from a retry",
      userId: USERS.cara,
      responseUrl: h.api.responseUrl(),
    });
    const first = await h.send(body);
    const retry = await h.send(body, { retryNum: 1 });
    expect(first.status).toBe(200);
    expect(blockText(first.json)).toContain("Acme Corp");
    expect(retry.status).toBe(200);
    expect(retry.json).toBeUndefined();
    const logged = await h.db.prisma.interaction.findMany({ where: { notes: { contains: "from a retry" } } });
    expect(logged).toHaveLength(1);
  });

  it("snoozes from a card button and confirms privately", async () => {
    const { json } = await h.send(
      slashCommandBody({ text: "acme", userId: USERS.cara, responseUrl: h.api.responseUrl() }),
    );
    const snooze7 = buttonsOf(card(json)).find(
      (b) => b.action_id.startsWith("tend.snooze") && b.value.includes('"days":7'),
    );
    expect(snooze7).toBeDefined();
    const press = await h.send(buttonPress(h, USERS.cara, snooze7!));
    expect(press.status).toBe(200);
    const cara = await h.db.prisma.member.findUniqueOrThrow({ where: { email: "cara@tend.test" } });
    const snooze = await h.db.prisma.snooze.findUnique({
      where: { memberId_accountId: { memberId: cara.id, accountId: h.book.accounts.acme.id } },
    });
    expect(snooze?.until.toISOString().slice(0, 10)).toBe("2026-11-30");
    expect(h.api.responses).toHaveLength(1);
    expect(h.api.responses[0]!.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(String(h.api.responses[0]!.body.text)).toMatch(/Snoozed Acme Corp for 7 days/);
  });

  it("logs a visit through the modal: field errors keep it open, a valid one is saved", async () => {
    const { json } = await h.send(
      slashCommandBody({ text: "acme", userId: USERS.cara, responseUrl: h.api.responseUrl() }),
    );
    const logButton = buttonsOf(card(json)).find((b) => b.action_id.startsWith("tend.log_form"));
    await h.send(buttonPress(h, USERS.cara, logButton!, { channel: "C_ACCOUNTS" }));
    const opened = h.api.of("views.open");
    expect(opened).toHaveLength(1);
    const view = opened[0]!.body.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id: string }[];
    };
    expect(view.callback_id).toBe("tend.log_interaction");
    expect(view.blocks.map((b) => b.block_id)).toEqual(["date", "kind", "notes", "next_steps"]);
    const before = await h.db.prisma.interaction.count({ where: { accountId: h.book.accounts.acme.id } });

    const bad = await h.send(
      submission(USERS.cara, view.private_metadata, { date: "2099-01-01", kind: null, notes: "x" }),
    );
    expect(bad.json).toMatchObject({ response_action: "errors" });
    const errors = (bad.json as { errors: Record<string, string> }).errors;
    expect(Object.keys(errors).sort()).toEqual(["date", "kind"]);
    expect(await h.db.prisma.interaction.count({ where: { accountId: h.book.accounts.acme.id } })).toBe(before);

    const good = await h.send(
      submission(USERS.cara, view.private_metadata, {
        date: "2026-11-20",
        kind: "call",
        notes: "Talked SSO timeline",
        next_steps: "Send the SSO plan",
      }),
    );
    expect(good.status).toBe(200);
    expect(good.json).toBeUndefined();
    const saved = await h.db.prisma.interaction.findMany({
      where: { accountId: h.book.accounts.acme.id, notes: "Talked SSO timeline" },
    });
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ kind: "call", nextSteps: "Send the SSO plan" });
    expect(saved[0]!.occurredAt.toISOString().slice(0, 10)).toBe("2026-11-20");
    // The confirmation goes where the button was, privately (through the card's response_url).
    const told = h.api.responses.at(-1)?.body;
    expect(told).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(String(told?.text)).toMatch(/Logged a call with Acme Corp on Nov.* 20/);

    // Opened from App Home (no channel, no response_url): Home is refreshed with the confirmation.
    const fromHome = JSON.stringify({ p: JSON.stringify({ accountId: h.book.accounts.acme.id }) });
    await h.send(submission(USERS.cara, fromHome, { date: "2026-11-21", kind: "visit", notes: "On site" }));
    expect(await h.db.prisma.interaction.count({ where: { notes: "On site", kind: "visit" } })).toBe(1);
    const home = h.api.of("views.publish").at(-1);
    expect(home?.body.user_id).toBe(USERS.cara);
    expect(blockText(home?.body.view)).toMatch(/Logged a visit with Acme Corp on Nov.* 21/);
  });

  it("marks a nudge done from a proactive DM, answering privately without touching the nudge", async () => {
    const acme = h.book.accounts.acme.id;
    const value = JSON.stringify({ nudgeKey: `${acme}|red_no_contact|score:40` });
    await h.send(
      buttonPress(h, USERS.cara, { action_id: "tend.nudge_done:3", value }, { channel: "D_CARA", ephemeral: false }),
    );
    const cara = await h.db.prisma.member.findUniqueOrThrow({ where: { email: "cara@tend.test" } });
    expect(
      await h.db.prisma.nudgeState.findFirst({ where: { memberId: cara.id, rule: "red_no_contact" } }),
    ).toMatchObject({ state: "done" });
    expect(h.api.responses).toHaveLength(1);
    expect(h.api.responses[0]!.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
  });

  it("shares an answer to the channel from the share button", async () => {
    const { json } = await h.send(
      slashCommandBody({ text: "renewals 90", userId: USERS.max, responseUrl: h.api.responseUrl() }),
    );
    const shareButton = buttonsOf(card(json)).find((b) => b.action_id.startsWith("tend.share"));
    await h.send(buttonPress(h, USERS.max, shareButton!, { channel: "C_TEAM" }));
    const posted = h.api.of("chat.postMessage");
    expect(posted).toHaveLength(1);
    expect(posted[0]!.body.channel).toBe("C_TEAM");
    expect(blockText(posted[0]!.body)).toContain("Acme Corp");
    expect(h.api.responses.at(-1)?.body).toMatchObject({ replace_original: true });

    // A channel the bot was not invited to: the user is told how to fix it, privately.
    h.api.script["chat.postMessage"] = [{ error: "not_in_channel" }];
    await h.send(buttonPress(h, USERS.max, shareButton!, { channel: "C_PRIVATE" }));
    expect(h.api.of("chat.postMessage")).toHaveLength(1);
    expect(String(h.api.responses.at(-1)?.body.text)).toMatch(/invite me with `\/invite @Tend`/);
  });

  it("answers a Home button that runs a command in Tend's direct messages", async () => {
    const value = `brief id:${h.book.accounts.acme.id}`;
    await h.send(buttonPress(h, USERS.cara, { action_id: "tend.run:0", value }, { home: true }));
    const dm = h.api.of("chat.postMessage");
    expect(dm).toHaveLength(1);
    expect(dm[0]!.body.channel).toBe(USERS.cara);
    expect(blockText(dm[0]!.body)).toContain("Acme Corp");
  });

  it("acknowledges a button it does not know and does nothing", async () => {
    const res = await h.send(buttonPress(h, USERS.cara, { action_id: "tend.retired_button:0", value: "x" }));
    expect(res.status).toBe(200);
    expect(h.api.calls.filter((c) => c.method !== "auth.test")).toEqual([]);
    expect(h.api.responses).toEqual([]);
  });

  it("offers choices for an ambiguous name and runs the one picked, replacing the private card", async () => {
    const { json } = await h.send(
      slashCommandBody({ text: "brief acm", userId: USERS.max, responseUrl: h.api.responseUrl() }),
    );
    const choices = buttonsOf(card(json)).filter((b) => b.action_id.startsWith("tend.run"));
    expect(choices.map((c) => c.text)).toEqual(["Acme Corp", "Acme Labs"]);
    await h.send(buttonPress(h, USERS.max, choices[1]!));
    const answer = h.api.responses.at(-1)?.body;
    expect(answer).toMatchObject({ response_type: "ephemeral", replace_original: true });
    expect(blockText(answer)).toContain("Acme Labs");
  });

  it("publishes App Home when it is opened, once per event even when Slack retries", async () => {
    const body = eventBody(
      { type: "app_home_opened", user: USERS.cara, channel: "D_CARA", tab: "home", event_ts: "1700000000.1" },
      { eventId: "Ev_HOME_1" },
    );
    const first = await h.send(body, { contentType: "application/json" });
    const retry = await h.send(body, { contentType: "application/json", retryNum: 1 });
    expect([first.status, retry.status]).toEqual([200, 200]);
    const published = h.api.of("views.publish");
    expect(published).toHaveLength(1);
    expect(published[0]!.body.user_id).toBe(USERS.cara);
    const view = published[0]!.body.view as { type: string };
    expect(view.type).toBe("home");
    expect(blockText(view)).toContain("Acme Corp");
  });

  it("a Home button (snooze) refreshes Home with the confirmation on top", async () => {
    const value = JSON.stringify({ accountId: h.book.accounts.globex.id, days: 30 });
    await h.send(buttonPress(h, USERS.carl, { action_id: "tend.snooze:2", value }, { home: true }));
    const carl = await h.db.prisma.member.findUniqueOrThrow({ where: { email: "carl@tend.test" } });
    const snooze = await h.db.prisma.snooze.findUnique({
      where: { memberId_accountId: { memberId: carl.id, accountId: h.book.accounts.globex.id } },
    });
    expect(snooze?.until.toISOString().slice(0, 10)).toBe("2026-12-23");
    const published = h.api.of("views.publish");
    expect(published).toHaveLength(1);
    expect(published[0]!.body.user_id).toBe(USERS.carl);
    expect(blockText(published[0]!.body.view)).toMatch(/Snoozed Globex Corporation for 30 days/);
  });

  it("reads text as typed (Slack's &amp; escapes) and picked mentions of members not linked yet", async () => {
    await h.send(
      slashCommandBody({
        text: "log acme call Q&amp;A on &lt;SSO&gt;",
        userId: USERS.cara,
        responseUrl: h.api.responseUrl(),
      }),
    );
    expect(await h.db.prisma.interaction.count({ where: { notes: "Q&A on <SSO>" } })).toBe(1);
    // Neither Cara nor Carl has used Tend from Slack yet in this test's eyes.
    await h.db.prisma.member.updateMany({
      where: { email: { in: ["cara@tend.test", "carl@tend.test"] } },
      data: { slackUserId: null },
    });
    const forCara = await h.send(
      slashCommandBody({ text: "risk <@U01CARA|cara>", userId: USERS.max, responseUrl: h.api.responseUrl() }),
    );
    expect(blockText(forCara.json)).toContain("Acme Corp");
    const forCarl = await h.send(
      slashCommandBody({ text: "risk <@U01CARL|carl>", userId: USERS.max, responseUrl: h.api.responseUrl() }),
    );
    expect(forCarl.json?.response_type).toBe("ephemeral");
    expect(blockText(forCarl.json)).not.toContain("Acme Corp");
    expect(blockText(forCarl.json)).toContain("Carl CSM");
    expect(h.api.of("users.info").map((c) => c.body.user)).toEqual(expect.arrayContaining([USERS.cara, USERS.carl]));
  });

  it("answers url_verification with the challenge", async () => {
    const body = JSON.stringify({ token: "t", challenge: "c-123", type: "url_verification" });
    const { json } = await h.send(body, { contentType: "application/json" });
    expect(json).toEqual({ challenge: "c-123" });
  });

  it("gives unknown Slack users a polite refusal and nothing else", async () => {
    const { json } = await h.send(
      slashCommandBody({ text: "brief acme", userId: USERS.stranger, responseUrl: h.api.responseUrl() }),
    );
    expect(blockText(json)).not.toContain("Acme");
    expect(buttonsOf(card(json))).toEqual([]);
    expect(await h.db.prisma.member.count({ where: { slackUserId: USERS.stranger } })).toBe(0);
  });

  it("refuses other workspaces before reading or writing anything", async () => {
    await startOwn({ env: { SLACK_TEAM_IDS: "T_TEND,T_OTHER_OK" } });
    const { json } = await h.send(
      slashCommandBody({
        text: "brief acme",
        userId: USERS.cara,
        teamId: "T_ELSEWHERE",
        responseUrl: h.api.responseUrl(),
      }),
    );
    expect(json).toMatchObject({ response_type: "ephemeral" });
    expect(String(json?.text)).toMatch(/not set up for this workspace/);
    expect(h.api.of("users.info")).toEqual([]);
    expect(await h.db.prisma.processedEvent.count()).toBe(0);
    const allowed = await h.send(
      slashCommandBody({ text: "brief acme", userId: USERS.cara, responseUrl: h.api.responseUrl() }),
    );
    expect(blockText(allowed.json)).toContain("Acme Corp");
  });

  it("fails fast when Slack rate-limits an interactive call, and tells the user", async () => {
    const value = JSON.stringify({ accountId: h.book.accounts.acme.id, kind: "visit" });
    h.api.script["views.open"] = [{ status: 429, retryAfterSec: 30 }];
    await h.send(buttonPress(h, USERS.cara, { action_id: "tend.log_form:2", value }));
    expect(h.api.of("views.open")).toEqual([]);
    const told = h.api.responses.at(-1)?.body;
    expect(told).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(String(told?.text)).toMatch(/try again in 30 s/);

    // Too slow for the 3 s trigger: told to press again, in words.
    h.api.script["views.open"] = [{ error: "expired_trigger_id" }];
    await h.send(buttonPress(h, USERS.cara, { action_id: "tend.log_form:2", value }));
    expect(String(h.api.responses.at(-1)?.body.text)).toMatch(/press the button again/);
  });
});
