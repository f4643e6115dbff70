// Scores the plain-language reader on the labelled questions (test/fixtures/questions.ts): used by
// the accuracy test and by `npm run bench ask`.
import { isWrite, type Lexicon, type Reading, readQuestion } from "../../src/conversation/ask/read.js";
import { type Command, parseCommand } from "../../src/conversation/parse.js";
import { addDays } from "../../src/domain/dates.js";
import { resolveAccount } from "../../src/domain/resolve.js";
import { type LabelledQuestion, QUESTION_BOOK, QUESTION_TODAY, QUESTIONS } from "../fixtures/questions.js";

export const BOOK_LEXICON: Lexicon = QUESTION_BOOK;

/** A command reduced to what it means: account names as ids, days as ISO days, names in lower case. */
export function meaning(c: Command, lex: Lexicon = BOOK_LEXICON, today = QUESTION_TODAY): unknown {
  const id = (name: string) => {
    const r = resolveAccount(name, lex.accounts);
    return r.kind === "exact" ? r.account.id : `?${name.toLowerCase()}`;
  };
  const day = (d: { day: string } | { offset: number } | undefined) =>
    d === undefined ? today : "day" in d ? d.day : addDays(today, d.offset);
  const scope = (s: { kind: string; who?: string; name?: string }) =>
    `${s.kind}:${(s.who ?? s.name ?? "").toLowerCase()}`;
  switch (c.kind) {
    case "account":
    case "brief":
    case "health":
      return { kind: c.kind, account: id(c.name) };
    case "renewals":
      return { kind: c.kind, window: "quarter" in c.window ? "quarter" : c.window.days, scope: scope(c.scope) };
    case "risk":
      return { kind: c.kind, scope: scope(c.scope) };
    case "metrics":
      return { kind: c.kind, scope: scope(c.scope), period: c.period };
    case "mine":
      return { kind: c.kind };
    case "help":
      return { kind: c.kind, topic: c.topic ?? null };
    case "log":
      return { kind: c.kind, account: id(c.name), interaction: c.interaction, day: day(c.date) };
    case "plan":
      return { kind: c.kind, account: id(c.name), day: day(c.date) };
    case "snooze":
      return { kind: c.kind, account: id(c.name), days: c.days };
    case "risk_raise":
    case "risk_resolve":
      return { kind: c.kind, account: id(c.name), cause: c.cause };
  }
}

export function expected(q: LabelledQuestion): Command | null {
  if (q.expect === null) return null;
  const p = parseCommand(q.expect);
  if (!p.ok) throw new Error(`label does not parse: ${q.expect}`);
  return p.command;
}

export interface Scored {
  q: LabelledQuestion;
  reading: Reading;
  right: boolean;
  /** Unsure, with the right command among the buttons offered. */
  offered: boolean;
  /** Read as a write (or offered one) when the label is not a write. */
  wrongWrite: boolean;
}

export function scoreQuestion(q: LabelledQuestion): Scored {
  const want = expected(q);
  const reading = readQuestion(q.q, BOOK_LEXICON, QUESTION_TODAY);
  const same = (c: Command) => want !== null && JSON.stringify(meaning(c)) === JSON.stringify(meaning(want));
  const right = want === null ? reading.kind === "none" : reading.kind === "command" && same(reading.command);
  const offered = reading.kind === "unsure" && reading.candidates.some(same);
  const produced = reading.kind === "command" ? [reading.command] : reading.kind === "unsure" ? reading.candidates : [];
  const wrongWrite = !(want && isWrite(want)) && produced.some(isWrite);
  return { q, reading, right, offered, wrongWrite };
}

export function scoreAll(questions: LabelledQuestion[] = QUESTIONS) {
  const scored = questions.map(scoreQuestion);
  const zh = scored.filter((s) => /\p{Script=Han}/u.test(s.q.q));
  const en = scored.filter((s) => !/\p{Script=Han}/u.test(s.q.q));
  const rate = (xs: Scored[]) => xs.filter((s) => s.right).length / Math.max(1, xs.length);
  return {
    scored,
    total: scored.length,
    accuracy: rate(scored),
    english: rate(en),
    chinese: rate(zh),
    offered: scored.filter((s) => s.offered).length,
    wrongWrites: scored.filter((s) => s.wrongWrite),
    wrong: scored.filter((s) => !s.right),
  };
}
