import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HELP_TOPICS, parseCommand } from "../../src/conversation/parse.js";

const cmd = (text: string) => {
  const r = parseCommand(text);
  if (!r.ok) throw new Error(`usage error ${r.problem}`);
  return r.command;
};

describe("command parser", () => {
  it("treats a bare name as an account lookup, with or without /tend", () => {
    expect(cmd("Acme Corp")).toEqual({ kind: "account", name: "Acme Corp" });
    expect(cmd("/tend acme")).toEqual({ kind: "account", name: "acme" });
    expect(cmd("tend account 上海星辰")).toEqual({ kind: "account", name: "上海星辰" });
  });

  it("reads brief / health, including Chinese verbs and quoted names", () => {
    expect(cmd('brief "Acme Corp"')).toEqual({ kind: "brief", name: "Acme Corp" });
    expect(cmd("简报 星辰")).toEqual({ kind: "brief", name: "星辰" });
    expect(cmd("HEALTH globex")).toEqual({ kind: "health", name: "globex" });
  });

  it("reads renewal windows and scopes", () => {
    expect(cmd("renewals")).toEqual({ kind: "renewals", window: { days: 90 }, scope: { kind: "default" } });
    expect(cmd("renewals 30 @li.na")).toEqual({
      kind: "renewals",
      window: { days: 30 },
      scope: { kind: "member", who: "li.na" },
    });
    expect(cmd("renewals quarter team")).toEqual({
      kind: "renewals",
      window: { quarter: true },
      scope: { kind: "team" },
    });
    expect(cmd("renewals 120 team East")).toEqual({
      kind: "renewals",
      window: { days: 120 },
      scope: { kind: "team", name: "East" },
    });
    expect(cmd("risk <@U123|li>")).toEqual({ kind: "risk", scope: { kind: "member", who: "U123" } });
  });

  it("reads log with a multi-word name, kind, notes and --date", () => {
    expect(cmd("log Acme Corp visit met the CFO --date 2026-11-20")).toEqual({
      kind: "log",
      name: "Acme Corp",
      interaction: "visit",
      notes: "met the CFO",
      date: { day: "2026-11-20" },
    });
    expect(cmd("log acme exec-visit")).toEqual({ kind: "log", name: "acme", interaction: "exec_visit" });
    expect(cmd("记录 星辰 拜访 --date 昨天")).toEqual({
      kind: "log",
      name: "星辰",
      interaction: "visit",
      date: { offset: -1 },
    });
  });

  it("reads plan, snooze, metrics, help", () => {
    expect(cmd("plan Acme Corp visit 2026-12-01")).toEqual({
      kind: "plan",
      name: "Acme Corp",
      date: { day: "2026-12-01" },
    });
    expect(cmd("snooze acme 7")).toEqual({ kind: "snooze", name: "acme", days: 7 });
    expect(cmd("metrics team year")).toEqual({ kind: "metrics", scope: { kind: "team" }, period: "year" });
    expect(cmd("metrics")).toEqual({ kind: "metrics", scope: { kind: "default" }, period: "quarter" });
    expect(cmd("help renewals")).toEqual({ kind: "help", topic: "renewals" });
    expect(cmd("")).toEqual({ kind: "help" });
  });

  it("answers malformed commands with the relevant usage problem", () => {
    expect(parseCommand("log acme")).toMatchObject({ ok: false, topic: "log", problem: "missing_kind" });
    expect(parseCommand("log acme meeting")).toMatchObject({ ok: false, topic: "log", problem: "bad_kind" });
    expect(parseCommand("log acme visit --date 2026-02-30")).toMatchObject({ ok: false, problem: "bad_date" });
    expect(parseCommand("plan acme visit")).toMatchObject({ ok: false, topic: "plan", problem: "missing_date" });
    expect(parseCommand("snooze acme")).toMatchObject({ ok: false, topic: "snooze", problem: "missing_days" });
    expect(parseCommand("snooze acme 9999")).toMatchObject({ ok: false, problem: "bad_days" });
    expect(parseCommand("brief")).toMatchObject({ ok: false, topic: "brief", problem: "missing_name" });
    expect(parseCommand("help frobnicate")).toMatchObject({ ok: false, problem: "unknown_topic" });
  });

  it("treats prototype names as plain words", () => {
    expect(cmd("__proto__")).toEqual({ kind: "account", name: "__proto__" });
    expect(cmd("constructor")).toEqual({ kind: "account", name: "constructor" });
    expect(parseCommand("log acme toString")).toMatchObject({ ok: false, problem: "bad_kind" });
    expect(parseCommand("help __proto__")).toMatchObject({ ok: false, problem: "unknown_topic" });
  });

  it("never throws: any input is a command or a usage problem naming a help topic", () => {
    const words = fc.constantFrom(
      "__proto__",
      "constructor",
      "toString",
      "log",
      "plan",
      "snooze",
      "renewals",
      "risk",
      "metrics",
      "help",
      "brief",
      "visit",
      "--date",
      "7",
      "@x",
      "team",
      "简报",
      '"',
      "2026-13-01",
    );
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(fc.oneof(words, fc.string({ maxLength: 12 })), { maxLength: 12 }).map((w) => w.join(" ")),
    );
    fc.assert(
      fc.property(text, (t) => {
        const r = parseCommand(t);
        if (r.ok) expect(typeof r.command.kind).toBe("string");
        else expect(HELP_TOPICS).toContain(r.topic);
        if (r.ok && "name" in r.command) expect(r.command.name.trim()).not.toBe("");
      }),
      { numRuns: 2000 },
    );
  });
});
