import { describe, expect, it } from "vitest";
import { commandLine, type Lexicon, readQuestion } from "../../src/conversation/ask/read.js";
import { parseCommand } from "../../src/conversation/parse.js";
import { QUESTIONS } from "../fixtures/questions.js";
import { HELD_OUT } from "../fixtures/questions-held-out.js";
import { BOOK_LEXICON, expected, meaning, scoreAll } from "./score.js";

const TODAY = "2026-11-23";
const line = (q: string, lex: Lexicon = BOOK_LEXICON) => {
  const r = readQuestion(q, lex, TODAY);
  return r.kind === "command" ? commandLine(r.command) : r.kind === "unsure" ? r.candidates.map(commandLine) : null;
};

describe("the plain-language reader on the labelled questions", () => {
  it("has at least 200 questions, about half of them Chinese, each label a valid command", () => {
    expect(QUESTIONS.length).toBeGreaterThanOrEqual(200);
    const zh = QUESTIONS.filter((q) => /\p{Script=Han}/u.test(q.q)).length;
    expect(zh / QUESTIONS.length).toBeGreaterThanOrEqual(0.45);
    for (const q of [...QUESTIONS, ...HELD_OUT]) expect(() => expected(q)).not.toThrow();
  });

  it("reads at least 90% of them as labelled, in each language", () => {
    const r = scoreAll(QUESTIONS);
    expect(r.accuracy, JSON.stringify(r.wrong.map((w) => w.q.q))).toBeGreaterThanOrEqual(0.9);
    expect(r.english).toBeGreaterThanOrEqual(0.9);
    expect(r.chinese).toBeGreaterThanOrEqual(0.9);
  });

  it("reads at least 90% of the held-out set (written after the reader) as labelled", () => {
    expect(scoreAll(HELD_OUT).accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it("never reads a question as a write (log, snooze, plan, risk raise/resolve) unless it asks for one", () => {
    expect(scoreAll(QUESTIONS).wrongWrites.map((w) => w.q.q)).toEqual([]);
    expect(scoreAll(HELD_OUT).wrongWrites.map((w) => w.q.q)).toEqual([]);
  });

  it("prints the short form that parses back to the same command", () => {
    for (const q of QUESTIONS) {
      const r = readQuestion(q.q, BOOK_LEXICON, TODAY);
      if (r.kind !== "command") continue;
      const back = parseCommand(commandLine(r.command));
      expect(back.ok, commandLine(r.command)).toBe(true);
      if (back.ok) expect(meaning(back.command)).toEqual(meaning(r.command));
    }
  });
});

describe("the reader on edge cases", () => {
  const lex: Lexicon = {
    accounts: [
      { id: "1", name: "Health First", aliases: [] },
      { id: "2", name: "Renew Partners", aliases: [] },
      { id: "3", name: "Summit", aliases: [] },
      { id: "4", name: "Acme Corp", aliases: [] },
      { id: "5", name: "Acme Labs", aliases: [] },
      { id: "7", name: "Orion Studios", aliases: [] },
      { id: "8", name: "Orion Freight", aliases: [] },
      { id: "6", name: "杭州云帆物流有限公司", aliases: [] },
    ],
    members: [{ handle: "alice", name: "Alice Chen" }],
    teams: ["East"],
  };

  it("reads a name that is also a word as the name, and the word around it as the question", () => {
    expect(line("how is Health First doing", lex)).toBe('account "Health First"');
    expect(line("health of Health First", lex)).toBe('health "Health First"');
    expect(line("when do Renew Partners renew?", lex)).toBe('account "Renew Partners"');
    expect(line("prep me for summit", lex)).toBe("brief Summit");
    // "health" alone is not the account Health First, and "renewals" not Renew Partners.
    expect(line("which renewals are next month", lex)).toBe("renewals 38");
  });

  it("leaves an ambiguous short name as typed so the command offers the candidates", () => {
    expect(line("brief me on orion", lex)).toBe("brief orion");
    // "Acme" is Acme Corp's own name without its legal form: that one, not Acme Labs.
    expect(line("brief me on acme", lex)).toBe('brief "Acme Corp"');
  });

  it("finds a Chinese company by its short name, without city or industry", () => {
    expect(line("云帆最近怎么样", lex)).toBe("account 杭州云帆物流有限公司");
    expect(line("明天拜访杭州云帆，帮我准备", lex)).toBe("brief 杭州云帆物流有限公司");
  });

  it("reads mixed languages and typos", () => {
    expect(line("Alice 的 renewals 下个月", lex)).toBe("renewals 38 @alice");
    expect(line("East组的风险", lex)).toBe("risk team East");
    expect(line("renewels this quater", lex)).toBe("renewals quarter");
    expect(line("helth of acme crop", lex)).toBe('health "Acme Corp"');
  });

  it("reads a how-to about a write as help, never as the write", () => {
    expect(line("how do I snooze Acme Corp?", lex)).toBe("help snooze");
    expect(line("怎么记录一次拜访", lex)).toBe("help log");
  });

  it("does not guess: two readings that fit equally are offered as choices", () => {
    expect(line("renewals at risk", lex)).toEqual(["renewals 90", "risk"]);
    expect(line("Alice Chen", lex)).toEqual(["renewals 90 @alice", "risk @alice"]);
    expect(line("log something for Acme Corp", lex)).toEqual([
      'log "Acme Corp" visit',
      'log "Acme Corp" call',
      'log "Acme Corp" email',
    ]);
  });

  it("reads nothing into small talk", () => {
    for (const q of ["hi", "ok", "👍", "lol", "好的", "   "]) expect(line(q, lex)).toBeNull();
  });
});
