// The plain-language reader: common ways of asking, in English and Chinese, read into Tend's own
// commands ("who renews next quarter?" -> `renewals 128`, "我的客户里哪些有风险" -> `risk @me`).
// Pure and deterministic: the question, the names the asker may see and today in; a command, the
// likeliest few (when unsure) or nothing out. No model: see src/conversation/ask/model.ts for that.

import { editDistance, type NamedAccount, nameKey } from "../../domain/resolve.js";
import { causeOf, type RiskCause } from "../../domain/risk/register.js";
import type { Command, HelpTopic, InteractionKindName, Scope } from "../parse.js";
import { readDay, readDays, readPeriod, readWindow } from "./periods.js";

/** The names a question may mention: the asker's readable accounts, the members and the teams. */
export interface Lexicon {
  accounts: readonly NamedAccount[];
  members: readonly { handle: string; name: string }[];
  teams: readonly string[];
}

/** An account the question named: one (id) or several equally good (typed as written). */
export interface Named {
  typed: string;
  ids: string[];
}

export type Reading =
  /** One command; `account` set when the name was found (the command then carries its name). */
  | { kind: "command"; command: Command; write: boolean; accountId?: string; byTypo?: boolean }
  /** Two or three likely commands, to offer as buttons. */
  | { kind: "unsure"; candidates: Command[] }
  | { kind: "none" };

export const WRITE_KINDS = new Set<Command["kind"]>(["log", "plan", "snooze", "risk_raise", "risk_resolve", "call"]);
export const isWrite = (c: Command) => WRITE_KINDS.has(c.kind);

// ---- account names inside a sentence

/** City prefixes and industry words around Chinese company names ("北京华信医疗" is "华信"). */
const HAN_CITIES = [
  "上海",
  "北京",
  "深圳",
  "广州",
  "杭州",
  "南京",
  "苏州",
  "成都",
  "武汉",
  "天津",
  "重庆",
  "西安",
  "厦门",
  "青岛",
];
const HAN_INDUSTRIES = [
  "科技",
  "物流",
  "医疗",
  "制造",
  "金融",
  "教育",
  "传媒",
  "能源",
  "零售",
  "软件",
  "信息",
  "网络",
  "服务",
  "贸易",
];

/** Words that are never an account's short name on their own ("Summit" may be; "Bright" is not). */
const COMMON_WORDS = new Set(
  (
    "the a an my our your their for with about from into onto this that next last new old big best first good great " +
    "bright blue red green yellow gold silver north south east west high deep true clear global united general " +
    "health risk renewal renewals brief account accounts team group data cloud digital smart open care prime"
  ).split(" "),
);

interface Variant {
  key: string;
  quality: number;
}

/**
 * Variants per account, remembered across questions by id while the name and aliases stay the same
 * (each request loads its own list of names; working the variants out again for 10k accounts took
 * most of a question's time). Forgotten all at once past a bound, so renamed and deleted accounts
 * cannot pile up.
 */
const VARIANTS = new Map<string, { sig: string; variants: Variant[] }>();
const MAX_REMEMBERED = 200_000;

function variantsIn(accounts: readonly NamedAccount[]): Map<string, Variant[]> {
  if (VARIANTS.size > MAX_REMEMBERED) VARIANTS.clear();
  const out = new Map<string, Variant[]>();
  for (const a of accounts) {
    const sig = a.aliases.length ? `${a.name}\u0000${a.aliases.join("\u0000")}` : a.name;
    let v = VARIANTS.get(a.id);
    if (!v || v.sig !== sig) {
      v = { sig, variants: variantsOf(a) };
      VARIANTS.set(a.id, v);
    }
    out.set(a.id, v.variants);
  }
  return out;
}

function variantsOf(a: NamedAccount): Variant[] {
  const out: Variant[] = [];
  for (const n of [a.name, ...a.aliases]) {
    const k = nameKey(n);
    if (k) out.push({ key: k, quality: 3 });
  }
  const words = a.name
    .normalize("NFKC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  // "Northwind" for "Northwind Logistics", "Bright Path" for "Bright Path Learning".
  if (words.length >= 2 && !/\p{Script=Han}/u.test(a.name)) {
    const first = words[0] as string;
    if (first.length >= 4 && !COMMON_WORDS.has(first)) out.push({ key: first, quality: 2 });
    if (words.length >= 3) out.push({ key: words.slice(0, 2).join(""), quality: 2 });
  }
  const han = nameKey(a.name);
  if (/\p{Script=Han}/u.test(han)) {
    const noCity = HAN_CITIES.reduce(
      (k, c) => (k.startsWith(c) && k.length > c.length + 1 ? k.slice(c.length) : k),
      han,
    );
    for (const base of new Set([han, noCity])) {
      out.push({ key: base, quality: 2 });
      const core = HAN_INDUSTRIES.reduce(
        (k, w) => (k.endsWith(w) && k.length > w.length + 1 ? k.slice(0, -w.length) : k),
        base,
      );
      if (core.length >= 2) out.push({ key: core, quality: 2 });
    }
  }
  return out.filter((v) => [...v.key].length >= (/\p{Script=Han}/u.test(v.key) ? 2 : 3));
}

const LATIN = /[\p{Script=Latin}\p{N}]/u;

interface Mention {
  start: number;
  end: number;
  ids: Set<string>;
  quality: number;
}

/** Account names written inside the text (exactly, or by a recognised short form), longest first. */
function findMentions(low: string, accounts: readonly NamedAccount[], variants: Map<string, Variant[]>): Mention[] {
  const chars: string[] = [];
  const at: number[] = [];
  for (let i = 0; i < low.length; i++) {
    const ch = low[i] as string;
    if (/[\p{L}\p{N}]/u.test(ch)) {
      chars.push(ch);
      at.push(i);
    }
  }
  const compact = chars.join("");
  const found: Mention[] = [];
  for (const a of accounts) {
    for (const v of variants.get(a.id) ?? []) {
      let from = 0;
      for (;;) {
        const i = compact.indexOf(v.key, from);
        if (i < 0) break;
        from = i + 1;
        const start = at[i] as number;
        const end = (at[i + v.key.length - 1] as number) + 1;
        if (LATIN.test(v.key[0] as string) && LATIN.test(low[start - 1] ?? " ")) continue;
        if (LATIN.test(v.key.at(-1) as string) && LATIN.test(low[end] ?? " ")) continue;
        const same = found.find((m) => m.start === start && m.end === end);
        if (same) {
          if (v.quality > same.quality) {
            same.ids = new Set([a.id]);
            same.quality = v.quality;
          } else if (v.quality === same.quality) same.ids.add(a.id);
        } else found.push({ start, end, ids: new Set([a.id]), quality: v.quality });
      }
    }
  }
  found.sort((x, y) => y.end - y.start - (x.end - x.start) || y.quality - x.quality || x.start - y.start);
  const chosen: Mention[] = [];
  for (const m of found) if (!chosen.some((c) => m.start < c.end && c.start < m.end)) chosen.push(m);
  return chosen;
}

/** Optimal string alignment distance (a swap of two letters counts once: "breif" is "brief"). */
function osa(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

/** Words the reader knows: a misspelt one ("renewls", "helth") is read as the word. */
const KEYWORDS = (
  "renew renews renewal renewals renewing brief briefing prepare health healthy score metrics retention " +
  "snooze risky risks churn account accounts customers quarter month tomorrow yesterday expiring contracts"
).split(" ");

/** Words that are not names: what is left of a question after them may be an account's name. */
const FILLER = new Set(
  (
    "a an the and or of on in at to for with about from by me my mine i i'm im you your we our us it its is are was " +
    "be do does did done have has had can could would should will shall please pls plz what what's whats which who " +
    "whom whose when where why how how's any anything some all show tell give get pull look up find check see " +
    "info information status doing going on new latest there this that these those then than now today tomorrow " +
    "yesterday week month quarter year next last soon upcoming coming account accounts customer customers client " +
    "clients details detail overview summary know need ask up? ready"
  ).split(" "),
);

// ---- what is being asked

const P = {
  helpHow: /\bhow (?:do|does|can|should|would|to)\b|(?:怎么|如何|怎样)(?!样)|\bwhat can you do\b|能做什么|能干什么/,
  helpWord: /\bhelp\b|\bcommands?\b|\bmanual\b|帮助|命令|使用说明|说明书|指南/,
  renewals:
    /\brenew(?:s|al|als|ing|ed)?\b|\bexpir(?:e|es|ing|y)\b|\bcontracts?\b.*\b(?:end|ends|ending|expire)\b|续约|续费|续签|到期/,
  risk: /\brisk(?:s|y)?\b|\bat-risk\b|\bchurn(?:s|ing)?\b|\btrouble\b|\bworr(?:y|ied)\b|\blosing\b|\bred accounts?\b|风险|流失|危险|预警|担心/,
  metrics:
    /\bnrr\b|\bgrr\b|\bretention\b|\brenewal rate\b|\bchurn rate\b|\blogo churn\b|\bkpis?\b|\bmetrics?\b|续约率|续费率|留存|流失率|指标/,
  mine: /\bmy (?:plate|book|portfolio|accounts|customers|clients|day|list)\b|\bdo today\b|\bneeds? my attention\b|\bneed to do\b|\bwhere do i stand\b|\bto-?dos?\b|我的客户|我的账户|我手上的客户|我负责的客户|我名下的客户|要做什么|待办|需要我处理/,
  brief:
    /\bbrief(?:ing)?\b|\bprep(?:are)?\b|\bready for\b|\bmeet(?:ing)?\b|\bwhat should i (?:know|ask)\b|\bneed to know\b|\btalking points\b|\brundown\b|\bbefore (?:visiting|my visit|the visit|i see|seeing)\b|\bgoing to see\b|\blast visit(?:ed)?\b|\btalked to\b|\bspoke (?:to|with)\b|简报|准备|拜访|去见|开会|会议|问什么|了解什么|理一下|材料|联系过|上次/,
  health:
    /\bhealth(?:y)?\b|\bscores?\b|\bgrade\b|\bwhy (?:is|did|are|has)\b.*\b(?:red|yellow|green|drop|dropped|down|fall|fell)\b|\bdragging\b|健康|分数|评分|为什么.*(?:红|黄|绿|下降|掉)|下降/,
  account: /\btell me about\b|\blook up\b|\bshow\b|\binfo\b|\bstatus\b|\bpull up\b|介绍|查一下|情况|信息/,
  log: /^(?:please |pls |can you |could you )?(?:log|record|note(?: down)?(?: that)?|add a note)\b|^(?:请|帮我)?记(?:录|一下|下)/,
  snooze:
    /\bsnooze\b|\bmute\b|\bsilence\b|\bstop (?:nudging|reminding|pinging|bugging)\b|\bno (?:more )?nudges\b|静音|暂停.*提醒|别再?提醒|不要再?提醒|免打扰/,
  plan: /\b(?:schedule|plan|book|set up) (?:a |an )?(?:visit|meeting|qbr)\b|(?:安排|计划|约).*拜访/,
  riskRaise: /\bflag\b|\braise\b.*\brisk\b|\bmark\b.*\bat risk\b|上报|标记/,
  riskResolve: /\bresolve\b.*\brisk\b|\bclose\b.*\brisk\b|\brisk\b.*\bresolved\b|解除|关闭.*风险/,
  me: /\b(?:my|mine|i|i'm|im|i've)\b|\bfor me\b|(?<![帮给让叫诉醒跟和])我(?!们)/,
  ourTeam: /\bour\b|\bteam\b|\bus\b|我们|咱们|团队|组/,
};

const KINDS: [RegExp, InteractionKindName][] = [
  [/\bexec(?:utive)? visit\b|高层拜访/, "exec_visit"],
  [/\bqbr\b|季度回顾|季度复盘/, "qbr"],
  [/\bcall(?:ed)?\b|\bphone(?:d)?\b|电话/, "call"],
  [/\be-?mail(?:ed)?\b|邮件/, "email"],
  [/\btraining\b|培训/, "training"],
  [/\bpraise[ds]?\b|表扬/, "praise"],
  [/\bcomplain(?:t|ed|s)?\b|投诉/, "complaint"],
  [/\bvisit(?:ed)?\b|\bmet\b|\bmeeting\b|拜访|见了|见面/, "visit"],
];

const HELP_TOPICS: [RegExp, HelpTopic][] = [
  [/snooze|mute|暂停|静音|提醒/, "snooze"],
  [/risk|风险|上报/, "risk"],
  [/\blog\b|\brecord\b|记录|记/, "log"],
  [/\bplan\b|schedule|安排|计划/, "plan"],
  [/renew|续约|续费/, "renewals"],
  [/brief|简报/, "brief"],
  [/metric|指标/, "metrics"],
  [/health|健康/, "health"],
];

/** Risk causes in words people use ("champion left", "付款逾期"), beyond the register's own words. */
const CAUSE_PHRASES: [RegExp, RiskCause][] = [
  [/champion|关键联系人|联系人变更/, "champion_changed"],
  [/decision[- ]maker|决策人/, "decision_maker_changed"],
  [/payment|invoice|付款|逾期|欠款/, "payment_overdue"],
  [/go[- ]?live|上线/, "slow_go_live"],
  [/usage|使用量|使用骤降/, "usage_collapse"],
  [/unreachable|ghost|失联|拒绝联系/, "refusing_contact"],
  [/\broi\b/, "roi_gap"],
  [/detractor|贬损/, "detractor"],
  [/requirement|需求/, "requirement_not_delivered"],
  [/wrong fit|不匹配/, "wrong_fit"],
];

function causeIn(text: string): RiskCause | undefined {
  for (const w of text.split(/[^\p{L}\p{N}_-]+/u)) {
    const c = w.length > 2 ? causeOf(w) : undefined;
    if (c && c !== "other") return c;
  }
  return CAUSE_PHRASES.find(([re]) => re.test(text))?.[1];
}

// ---- reading

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A name as a pattern: Latin names bounded by non-letters, Chinese ones anywhere. */
function namePattern(name: string): RegExp {
  const n = escapeRe(name.normalize("NFKC").toLowerCase());
  return /\p{Script=Han}/u.test(name)
    ? new RegExp(n, "u")
    : new RegExp(`(?<![\\p{Script=Latin}\\p{N}])${n}(?![\\p{Script=Latin}\\p{N}])`, "u");
}

interface Who {
  member?: string;
  team?: string;
  ourTeam: boolean;
  me: boolean;
  text: string;
}

/** People and teams named in the text, with their names blanked out for what follows. */
function findWho(text: string, lex: Lexicon): Who {
  let t = text;
  let member: string | undefined;
  const handle = /(?:^|\s)@([\p{L}\p{N}._-]+)/u.exec(t);
  if (handle) {
    member = handle[1] as string;
    t = t.replace(handle[0], " ");
  }
  const people = lex.members.flatMap((m) => {
    const full = m.name.normalize("NFKC").toLowerCase();
    const names = [full, m.handle.toLowerCase()];
    const first = full.split(/\s+/)[0] as string;
    if (!/\p{Script=Han}/u.test(full) && full.includes(" ") && first.length >= 3) names.push(first);
    return names.map((n) => ({ handle: m.handle, n }));
  });
  people.sort((a, b) => b.n.length - a.n.length);
  for (const p of people) {
    if (member) break;
    const re = namePattern(p.n);
    if (re.test(t)) {
      member = p.handle;
      t = t.replace(re, " ");
    }
  }
  let team: string | undefined;
  for (const name of [...lex.teams].sort((a, b) => b.length - a.length)) {
    const re = namePattern(name);
    if (re.test(t)) {
      team = name;
      t = t.replace(re, " ");
      break;
    }
  }
  const who: Who = { ourTeam: P.ourTeam.test(t), me: P.me.test(t), text: t };
  if (member) who.member = member;
  if (team) who.team = team;
  return who;
}

function scopeOf(w: Who): Scope {
  if (w.member) return { kind: "member", who: w.member };
  if (w.team) return { kind: "team", name: w.team };
  if (w.ourTeam) return { kind: "team" };
  if (w.me) return { kind: "member", who: "me" };
  return { kind: "default" };
}

/** Reads a question into a command. `today` is the asker's calendar day (YYYY-MM-DD). */
export function readQuestion(question: string, lex: Lexicon, today: string): Reading {
  const norm = question.normalize("NFKC").replace(/[’‘`]/g, "'").replace(/\s+/g, " ").trim();
  const low = norm.toLowerCase();
  if (!low) return { kind: "none" };

  const { named, byTypo, rest } = accountsIn(norm, low, lex);

  // 3. People, teams and time.
  const who = findWho(rest, lex);
  const text = who.text;
  const has: Has = (k) => P[k].test(text);
  if (has("helpHow")) return read(helpFor(text));

  // 4. Writes only when asked for in so many words, and only with an account.
  const write = writeAsked(text, has);
  if (write) return readWrite(write, text, named, lex, today);

  // 5. About one account: its brief, its health, or its card.
  if (named) return readAccount(named, byTypo, has, lex);

  return readList(who, text, has, today);
}

type Has = (k: keyof typeof P) => boolean;
type Write = "risk_resolve" | "risk_raise" | "snooze" | "plan" | "log";

/**
 * 1. Accounts named in the question (longest first), blanked out so "Summit Health" does not ask for
 * health. 2. Misspelt known words read as the word; a left-over unknown word may be a misspelt account.
 */
function accountsIn(
  norm: string,
  low: string,
  lex: Lexicon,
): { named: Named | undefined; byTypo: boolean; rest: string } {
  const variants = variantsIn(lex.accounts);
  const mentions = findMentions(low, lex.accounts, variants);
  let named: Named | undefined;
  let rest = low;
  for (const m of [...mentions].sort((a, b) => b.start - a.start))
    rest = `${rest.slice(0, m.start)} ¤ ${rest.slice(m.end)}`;
  const first = mentions[0];
  if (first)
    named = { typed: (low.length === norm.length ? norm : low).slice(first.start, first.end), ids: [...first.ids] };

  rest = rest.replace(/\p{Script=Latin}{5,}/gu, (w) => {
    if (KEYWORDS.includes(w)) return w;
    const near = KEYWORDS.find((k) => Math.abs(k.length - w.length) <= 1 && osa(k, w) <= 1);
    return near ?? w;
  });
  let byTypo = false;
  if (!named) {
    named = typoAccount(rest, lex.accounts, variants);
    byTypo = named !== undefined;
  }
  return { named, byTypo, rest };
}

function helpFor(text: string): Command {
  const topic = HELP_TOPICS.find(([re]) => re.test(text))?.[1];
  return topic ? { kind: "help", topic } : { kind: "help" };
}

function writeAsked(text: string, has: Has): Write | undefined {
  return has("riskResolve")
    ? "risk_resolve"
    : has("riskRaise") && (has("risk") || /上报|标记/.test(text))
      ? "risk_raise"
      : has("snooze")
        ? "snooze"
        : has("plan")
          ? "plan"
          : has("log")
            ? "log"
            : undefined;
}

function readWrite(write: Write, text: string, named: Named | undefined, lex: Lexicon, today: string): Reading {
  if (!named) return { kind: "unsure", candidates: [helpFor(text)] };
  const name = nameOf(named, lex);
  const id = named.ids.length === 1 ? named.ids[0] : undefined;
  const done = (command: Command): Reading =>
    id ? { kind: "command", command, write: true, accountId: id } : { kind: "command", command, write: true };
  if (write === "risk_raise" || write === "risk_resolve") {
    const cause = causeIn(text);
    if (!cause) return { kind: "unsure", candidates: [{ kind: "help", topic: "risk" }] };
    return done({ kind: write, name, cause });
  }
  if (write === "snooze") return done({ kind: "snooze", name, days: readDays(text) ?? 7 });
  if (write === "plan") {
    const day = readDay(text, today);
    if (!day || day < today) return { kind: "unsure", candidates: [{ kind: "help", topic: "plan" }] };
    return done({ kind: "plan", name, date: { day } });
  }
  const interaction = KINDS.find(([re]) => re.test(text))?.[1];
  if (!interaction)
    return {
      kind: "unsure",
      candidates: (["visit", "call", "email"] as const).map((k) => ({ kind: "log", name, interaction: k })),
    };
  const day = readDay(text, today);
  const command: Command = { kind: "log", name, interaction };
  if (day && day < today) command.date = { day };
  return done(command);
}

function readAccount(named: Named, byTypo: boolean, has: Has, lex: Lexicon): Reading {
  const name = nameOf(named, lex);
  const id = named.ids.length === 1 ? named.ids[0] : undefined;
  const brief = has("brief");
  const health = has("health");
  if (brief && health)
    return {
      kind: "unsure",
      candidates: [
        { kind: "brief", name },
        { kind: "health", name },
        { kind: "account", name },
      ],
    };
  const command: Command = brief
    ? { kind: "brief", name }
    : health
      ? { kind: "health", name }
      : { kind: "account", name };
  const reading: Reading = { kind: "command", command, write: false };
  if (id) reading.accountId = id;
  if (byTypo) reading.byTypo = true;
  return reading;
}

/** 6. Lists; 7. an account asked about by a name not in the book (the command says so, with the closest names). */
function readList(who: Who, text: string, has: Has, today: string): Reading {
  const scope = scopeOf(who);
  if (has("metrics")) return read({ kind: "metrics", scope, period: readPeriod(text) ?? "quarter" });
  const renewals = has("renewals");
  const risk = has("risk");
  const window = renewals ? (readWindow(text, today) ?? { days: 90 }) : undefined;
  if (window && risk)
    return {
      kind: "unsure",
      candidates: [
        { kind: "renewals", window, scope },
        { kind: "risk", scope },
      ],
    };
  if (window) return read({ kind: "renewals", window, scope });
  if (risk) return read({ kind: "risk", scope });
  if (has("mine")) return read({ kind: "mine" });
  if (has("helpWord")) return read(helpFor(text));

  const leftover = unknownName(text);
  if (leftover && (has("brief") || has("health") || has("account"))) {
    const kind = has("brief") ? "brief" : has("health") ? "health" : "account";
    return read({ kind, name: leftover });
  }
  if (who.member)
    return {
      kind: "unsure",
      candidates: [
        { kind: "renewals", window: { days: 90 }, scope },
        { kind: "risk", scope },
      ],
    };
  return { kind: "none" };
}

function read(command: Command): Reading {
  return { kind: "command", command, write: false };
}

/** The name a command should carry: the account's own name when one was found, else as typed. */
function nameOf(named: Named, lex: Lexicon): string {
  if (named.ids.length === 1) return lex.accounts.find((a) => a.id === named.ids[0])?.name ?? named.typed;
  return named.typed;
}

/** A word left over that is one small typo from an account's name ("nortwind"). */
function typoAccount(
  text: string,
  accounts: readonly NamedAccount[],
  variants: Map<string, Variant[]>,
): Named | undefined {
  const words = text.match(/\p{Script=Latin}{5,}/gu) ?? [];
  for (const w of words) {
    if (FILLER.has(w) || KEYWORDS.includes(w) || COMMON_WORDS.has(w)) continue;
    const budget = w.length >= 8 ? 2 : 1;
    const hits = accounts.filter((a) =>
      (variants.get(a.id) ?? []).some(
        (v) =>
          // A misspelt name keeps its first letter ("nortwind", "globx"): the scan stays cheap on a big book.
          v.key[0] === w[0] &&
          Math.abs(v.key.length - w.length) <= budget &&
          // Levenshtein with an early exit first: a swap costs it 2, so allow one more before the exact check.
          editDistance(v.key, w, budget + 1) <= budget + 1 &&
          osa(v.key, w) <= budget,
      ),
    );
    if (hits.length > 0) return { typed: w, ids: hits.map((h) => h.id) };
  }
  return undefined;
}

/** Latin words left after the known ones: a name the reader does not know. */
function unknownName(text: string): string | undefined {
  const words = (text.match(/[\p{Script=Latin}\p{N}][\p{Script=Latin}\p{N}&.'-]*/gu) ?? []).filter(
    (w) =>
      !FILLER.has(w.replace(/'s$/, "")) &&
      !KEYWORDS.includes(w) &&
      !/^(?:brief|briefing|prep|health|score|about|tell|look|pull)$/.test(w),
  );
  return words.length > 0 && words.length <= 4 ? words.join(" ") : undefined;
}

// ---- the short form, shown as "Read as `...`"

const quoted = (name: string) => (/\s|"/.test(name) ? `"${name.replace(/"/g, "")}"` : name);

const dayText = (d: { day: string } | { offset: number }) =>
  "day" in d ? d.day : `${d.offset >= 0 ? "+" : ""}${d.offset}`;

function scopeText(s: Scope): string {
  if (s.kind === "member") return ` @${s.who}`;
  if (s.kind === "team") return s.name ? ` team ${s.name}` : " team";
  return "";
}

/** The command as one would type it: `renewals 30 @me`, `brief "Acme Corp"`, `log Acme call --date 2026-11-20`. */
export function commandLine(c: Command): string {
  switch (c.kind) {
    case "account":
    case "brief":
    case "health":
      return `${c.kind} ${quoted(c.name)}`;
    case "renewals":
      return `renewals ${"quarter" in c.window ? "quarter" : c.window.days}${scopeText(c.scope)}`;
    case "risk":
      return `risk${scopeText(c.scope)}`.trim();
    case "metrics":
      return `metrics${scopeText(c.scope)} ${c.period}`;
    case "mine":
      return "mine";
    case "help":
      return c.topic ? `help ${c.topic}` : "help";
    case "log": {
      const date = c.date ? ` --date ${dayText(c.date)}` : "";
      return `log ${quoted(c.name)} ${c.interaction.replace("_", "-")}${c.notes ? ` ${c.notes}` : ""}${date}`;
    }
    case "plan":
      return `plan ${quoted(c.name)} visit ${dayText(c.date)}`;
    case "snooze":
      return `snooze ${quoted(c.name)} ${c.days}`;
    case "risk_raise":
    case "risk_resolve":
      return `risk ${c.kind === "risk_raise" ? "raise" : "resolve"} ${quoted(c.name)} ${c.cause}${c.note ? ` ${c.note}` : ""}`;
    case "forecast": {
      const p = c.period;
      const period = p.kind === "month" ? p.month : p.kind === "next_quarter" ? "next-quarter" : "quarter";
      return `forecast ${period}${scopeText(c.scope)}`;
    }
    case "report":
      return `report ${quoted(c.name)}${c.sent ? " sent" : ""}`;
    case "call":
      return `call ${quoted(c.name)} ${c.call.replace("_", "-")}${c.note ? ` ${c.note}` : ""}`;
    case "calendar":
      // Never an address: the reader does not produce one, and a line of it could be shown.
      return c.action.kind === "before"
        ? `calendar before ${c.action.minutes}`
        : c.action.kind === "off"
          ? "calendar off"
          : "calendar";
    case "expansion":
      return `expansion${scopeText(c.scope)}`.trim();
  }
}
