import { type Lexicon, readQuestion } from "../src/conversation/ask/read.js";
import { parseCommand } from "../src/conversation/parse.js";
import { resolveAccount } from "../src/domain/resolve.js";
import { meaning, scoreAll } from "../test/ask/score.js";
import { QUESTION_BOOK, QUESTION_TODAY, QUESTIONS } from "../test/fixtures/questions.js";
import { HELD_OUT } from "../test/fixtures/questions-held-out.js";
import { type BenchRow, percentile } from "./harness.js";

// The plain-language reader: accuracy on the labelled questions (baseline: the grammar alone, typed
// questions parsed as commands), and how long reading takes against a 10k-account book (baseline:
// the grammar's own name lookup over the same book).

function grammarAccuracy(): number {
  let right = 0;
  for (const q of QUESTIONS) {
    const p = parseCommand(q.q);
    if (q.expect === null) continue;
    const want = parseCommand(q.expect);
    if (p.ok && want.ok && JSON.stringify(meaning(p.command)) === JSON.stringify(meaning(want.command))) right++;
  }
  return right / QUESTIONS.length;
}

function bigLexicon(n: number): Lexicon {
  const a = ["North", "Blue", "Iron", "Silver", "Bright", "Stone", "Clear", "Oak", "Swift", "Maple", "Cedar", "Frost"];
  const b = ["wind", "peak", "line", "field", "gate", "bridge", "water", "point", "crest", "wood"];
  const c = ["Logistics", "Health", "Labs", "Capital", "Retail", "Media", "Energy", "Systems"];
  const accounts = [...QUESTION_BOOK.accounts];
  for (let i = 0; accounts.length < n; i++)
    accounts.push({
      id: `x${i}`,
      name: `${a[i % a.length]}${b[(i >> 3) % b.length]} ${c[(i >> 5) % c.length]} ${i}`,
      aliases: [],
    });
  return { ...QUESTION_BOOK, accounts };
}

export async function run(): Promise<BenchRow[]> {
  const all = scoreAll(QUESTIONS);
  const held = scoreAll(HELD_OUT);
  const grammar = grammarAccuracy();
  const pct = (x: number) => Math.round(x * 1000) / 10;
  const lex = bigLexicon(10_000);
  const times: number[] = [];
  const lookups: number[] = [];
  for (const q of QUESTIONS.slice(0, 60)) {
    // A fresh account list each time, as each request loads its own (the names' variants are remembered
    // by id across requests; the first question after start works them out: see docs/ask.md).
    const fresh = { ...lex, accounts: [...lex.accounts] };
    let t0 = performance.now();
    readQuestion(q.q, fresh, QUESTION_TODAY);
    times.push(performance.now() - t0);
    t0 = performance.now();
    resolveAccount(q.q, lex.accounts);
    lookups.push(performance.now() - t0);
  }
  const p50 = percentile(
    times.sort((x, y) => x - y),
    50,
  );
  const base = percentile(
    lookups.sort((x, y) => x - y),
    50,
  );
  const accuracyRow = (figure: string, value: number, target?: string): BenchRow => ({
    bench: "ask",
    figure,
    value: pct(value),
    unit: "%",
    baseline: { label: "the grammar alone", value: pct(grammar) },
    better: "higher",
    ...(target ? { target } : {}),
  });
  return [
    accuracyRow(
      `reader accuracy, ${all.total} labelled questions (en ${pct(all.english)}%, zh ${pct(all.chinese)}%)`,
      all.accuracy,
      ">= 90%",
    ),
    accuracyRow(`reader accuracy, ${held.total} held-out questions written after the reader`, held.accuracy, ">= 90%"),
    {
      bench: "ask",
      figure: "questions read as a write they did not ask for (both sets)",
      value: all.wrongWrites.length + held.wrongWrites.length,
      unit: "",
      better: "lower",
      target: "0",
    },
    {
      bench: "ask",
      figure: "reading one question, 10k-account book (median of 60)",
      value: Math.round(p50 * 10) / 10,
      unit: "ms",
      baseline: { label: "grammar name lookup", value: Math.round(base * 10) / 10 },
      better: "lower",
    },
  ];
}
