import type { Call, ForecastPeriod } from "../domain/forecast.js";
import { causeOf, type RiskCause } from "../domain/risk/register.js";

// The command grammar, one for every surface. A pure function: text in, a Command or a usage
// problem out (never a throw). Locale-free: the handler renders problems and help per locale.

export const INTERACTION_KINDS = [
  "visit",
  "call",
  "qbr",
  "exec_visit",
  "training",
  "email",
  "praise",
  "complaint",
] as const;
export type InteractionKindName = (typeof INTERACTION_KINDS)[number];

export const HELP_TOPICS = [
  "account",
  "brief",
  "health",
  "renewals",
  "risk",
  "mine",
  "log",
  "plan",
  "snooze",
  "metrics",
  "report",
  "help",
  "calendar",
  "forecast",
  "call",
  "expansion",
] as const;
export type HelpTopic = (typeof HELP_TOPICS)[number];

/** Whose accounts: the asker's default scope, a member (by @handle/email/name) or a team by name. */
export type Scope = { kind: "default" } | { kind: "member"; who: string } | { kind: "team"; name?: string };

/** A calendar day as given: an ISO day, or days relative to the asker's today. */
export type DaySpec = { day: string } | { offset: number };

export type RenewalWindow = { days: number } | { quarter: true };

/** `calendar` (status), `calendar <address>`, `calendar before <minutes>`, `calendar off`. */
export type CalendarAction =
  | { kind: "status" }
  | { kind: "connect"; url: string }
  | { kind: "before"; minutes: number }
  | { kind: "off" };
export type Period = "month" | "quarter" | "year" | "ttm";

export type Command =
  | { kind: "account"; name: string }
  | { kind: "brief"; name: string }
  | { kind: "health"; name: string }
  | { kind: "renewals"; window: RenewalWindow; scope: Scope }
  | { kind: "risk"; scope: Scope }
  | { kind: "risk_raise" | "risk_resolve"; name: string; cause: RiskCause; note?: string }
  | { kind: "mine" }
  | { kind: "log"; name: string; interaction: InteractionKindName; notes?: string; date?: DaySpec }
  | { kind: "plan"; name: string; date: DaySpec }
  | { kind: "snooze"; name: string; days: number }
  | { kind: "metrics"; scope: Scope; period: Period }
  | { kind: "report"; name: string; sent?: boolean }
  | { kind: "help"; topic?: HelpTopic }
  | { kind: "forecast"; period: ForecastPeriod; scope: Scope }
  | { kind: "call"; name: string; call: Call; note?: string }
  | { kind: "expansion"; scope: Scope }
  | { kind: "calendar"; action: CalendarAction };

export type UsageProblem =
  | "missing_name"
  | "missing_kind"
  | "bad_kind"
  | "missing_date"
  | "bad_date"
  | "missing_days"
  | "bad_days"
  | "bad_window"
  | "bad_period"
  | "unknown_topic"
  | "missing_cause"
  | "bad_cause"
  | "too_long"
  | "missing_call"
  | "bad_call"
  | "bad_minutes";

export type ParseResult =
  | { ok: true; command: Command }
  | { ok: false; topic: HelpTopic; problem: UsageProblem; detail?: string };

export const MAX_COMMAND_LENGTH = 2000;
export const MAX_SNOOZE_DAYS = 365;

const VERBS: Record<string, HelpTopic> = {
  account: "account",
  acct: "account",
  账户: "account",
  客户: "account",
  brief: "brief",
  prep: "brief",
  简报: "brief",
  拜访准备: "brief",
  health: "health",
  健康: "health",
  健康度: "health",
  renewals: "renewals",
  renewal: "renewals",
  续约: "renewals",
  续费: "renewals",
  risk: "risk",
  risks: "risk",
  风险: "risk",
  mine: "mine",
  me: "mine",
  我的: "mine",
  log: "log",
  记录: "log",
  plan: "plan",
  计划: "plan",
  snooze: "snooze",
  mute: "snooze",
  暂停: "snooze",
  静音: "snooze",
  metrics: "metrics",
  指标: "metrics",
  report: "report",
  报告: "report",
  价值报告: "report",
  help: "help",
  "?": "help",
  帮助: "help",
  forecast: "forecast",
  预测: "forecast",
  续约预测: "forecast",
  call: "call",
  判断: "call",
  预判: "call",
  expansion: "expansion",
  expand: "expansion",
  扩展: "expansion",
  增购: "expansion",
  calendar: "calendar",
  cal: "calendar",
  日历: "calendar",
};

/** The CSM's call words, English and Chinese. */
const CALL_WORDS: Record<string, Call> = {
  commit: "commit",
  committed: "commit",
  likely: "likely",
  "at-risk": "at_risk",
  at_risk: "at_risk",
  atrisk: "at_risk",
  risk: "at_risk",
  lost: "lost",
  确定: "commit",
  承诺: "commit",
  可能: "likely",
  大概率: "likely",
  有风险: "at_risk",
  风险: "at_risk",
  流失: "lost",
  丢单: "lost",
};

/** A call word as typed ("At-Risk", "有风险"), or undefined. */
export function callOf(token: string): Call | undefined {
  return own(CALL_WORDS, token.toLowerCase());
}

const FORECAST_PERIODS: Record<string, ForecastPeriod> = {
  quarter: { kind: "quarter" },
  q: { kind: "quarter" },
  本季度: { kind: "quarter" },
  季度: { kind: "quarter" },
  "next-quarter": { kind: "next_quarter" },
  next_quarter: { kind: "next_quarter" },
  next: { kind: "next_quarter" },
  下季度: { kind: "next_quarter" },
  下个季度: { kind: "next_quarter" },
};

/** Every word that starts a command, in English and Chinese (tests fuzz with them). */
export const COMMAND_WORDS = Object.keys(VERBS);

/** `risk raise ...` / `risk resolve ...` and their Chinese verbs (`风险 上报 ...`, `风险 解除 ...`). */
const RISK_WRITE_WORDS: Record<string, "risk_raise" | "risk_resolve"> = {
  raise: "risk_raise",
  flag: "risk_raise",
  open: "risk_raise",
  confirm: "risk_raise",
  上报: "risk_raise",
  提出: "risk_raise",
  标记: "risk_raise",
  确认: "risk_raise",
  resolve: "risk_resolve",
  close: "risk_resolve",
  解除: "risk_resolve",
  关闭: "risk_resolve",
  解决: "risk_resolve",
};

const REPORT_SENT_WORDS = new Set(["sent", "--sent", "已发送", "已发"]);

const KIND_ALIASES: Record<string, InteractionKindName> = {
  visit: "visit",
  call: "call",
  qbr: "qbr",
  "exec-visit": "exec_visit",
  exec_visit: "exec_visit",
  execvisit: "exec_visit",
  training: "training",
  email: "email",
  praise: "praise",
  complaint: "complaint",
  拜访: "visit",
  电话: "call",
  季度回顾: "qbr",
  高层拜访: "exec_visit",
  培训: "training",
  邮件: "email",
  表扬: "praise",
  投诉: "complaint",
};

/** Own-property lookup: user text like "__proto__" or "constructor" must not hit Object.prototype. */
function own<V>(table: Record<string, V>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

const RELATIVE_DAYS: Record<string, number> = {
  today: 0,
  yesterday: -1,
  tomorrow: 1,
  今天: 0,
  昨天: -1,
  明天: 1,
};

/** Splits on whitespace; "double", “curly” or 「corner」 quotes keep spaces inside one token. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /"([^"]*)"|“([^”]*)”|「([^」]*)」|(\S+)/g;
  for (const m of text.matchAll(re)) {
    const t = m[1] ?? m[2] ?? m[3] ?? m[4] ?? "";
    if (t.trim() !== "") tokens.push(t.trim());
  }
  return tokens;
}

function isValidIsoDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** "2026-12-01", "2026/12/1", "today", "昨天", "+3", "-2" => DaySpec; otherwise undefined. */
export function parseDay(token: string): DaySpec | undefined {
  const t = token.toLowerCase();
  const rel0 = own(RELATIVE_DAYS, t);
  if (rel0 !== undefined) return { offset: rel0 };
  const rel = /^([+-])(\d{1,3})d?$/.exec(t);
  if (rel) return { offset: (rel[1] === "-" ? -1 : 1) * Number(rel[2]) };
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t);
  if (m) {
    const day = `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}`;
    return isValidIsoDay(day) ? { day } : undefined;
  }
  return undefined;
}

/** The word that names a team scope (`renewals team emea`, `续约 团队`); the question reader uses it too. */
export const TEAM_WORDS = ["team", "团队"] as const;

function parseScope(tokens: string[]): Scope {
  if (tokens.length === 0) return { kind: "default" };
  const first = tokens[0] as string;
  if (first.startsWith("@") && first.length > 1) return { kind: "member", who: first.slice(1) };
  if (/^<@[A-Z0-9]+(\|[^>]*)?>$/i.test(first)) return { kind: "member", who: first.replace(/^<@|(\|[^>]*)?>$/g, "") };
  const lower = first.toLowerCase();
  if ((TEAM_WORDS as readonly string[]).includes(lower)) {
    const rest = tokens.slice(1).join(" ");
    return rest ? { kind: "team", name: rest } : { kind: "team" };
  }
  return { kind: "team", name: tokens.join(" ") };
}

function usage(topic: HelpTopic, problem: UsageProblem, detail?: string): ParseResult {
  return detail === undefined ? { ok: false, topic, problem } : { ok: false, topic, problem, detail };
}

const ok = (command: Command): ParseResult => ({ ok: true, command });

/** Control characters other than tab and line breaks are never meant, and a NUL cannot reach PostgreSQL. */
function withoutControlChars(text: string): string {
  let out = "";
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) continue;
    out += ch;
  }
  return out;
}

/** Parses the text after `/tend` (a leading "/tend" or "tend" is accepted too). */
/** True when the text starts with one of the grammar's verbs (not a bare account name or a question). */
export function startsWithVerb(input: string): boolean {
  let tokens = tokenize(withoutControlChars(input).replace(/\u00a0|\u3000/g, " "));
  if (tokens[0] && /^\/?tend$/i.test(tokens[0])) tokens = tokens.slice(1);
  return tokens[0] !== undefined && own(VERBS, tokens[0].toLowerCase()) !== undefined;
}

export function parseCommand(input: string): ParseResult {
  if (typeof input !== "string") return usage("help", "missing_name");
  if (input.length > MAX_COMMAND_LENGTH) return usage("help", "too_long");
  let tokens = tokenize(withoutControlChars(input).replace(/\u00a0|\u3000/g, " "));
  if (tokens[0] && /^\/?tend$/i.test(tokens[0])) tokens = tokens.slice(1);
  if (tokens.length === 0) return ok({ kind: "help" });
  const verb = own(VERBS, (tokens[0] as string).toLowerCase());
  // `tend <account>` is short for `tend account <account>`.
  if (!verb) return ok({ kind: "account", name: tokens.join(" ") });
  const args = tokens.slice(1);
  switch (verb) {
    case "account":
    case "brief":
    case "health": {
      const name = args.join(" ");
      return name ? ok({ kind: verb, name }) : usage(verb, "missing_name");
    }
    case "renewals": {
      let window: RenewalWindow = { days: 90 };
      let rest = args;
      const w = args[0]?.toLowerCase();
      if (w !== undefined) {
        if (/^\d+d?$/.test(w)) {
          const days = Number.parseInt(w, 10);
          if (days < 1 || days > 730) return usage("renewals", "bad_window", w);
          window = { days };
          rest = args.slice(1);
        } else if (own(FORECAST_PERIODS, w)?.kind === "quarter") {
          window = { quarter: true };
          rest = args.slice(1);
        }
      }
      return ok({ kind: "renewals", window, scope: parseScope(rest) });
    }
    case "risk": {
      const write = args[0] === undefined ? undefined : own(RISK_WRITE_WORDS, args[0].toLowerCase());
      return write ? parseRiskWrite(write, args.slice(1)) : ok({ kind: "risk", scope: parseScope(args) });
    }
    case "mine":
      return ok({ kind: "mine" });
    case "metrics": {
      let period: Period = "quarter";
      let rest = args;
      const last = args[args.length - 1]?.toLowerCase();
      const periods: Record<string, Period> = {
        month: "month",
        quarter: "quarter",
        year: "year",
        月: "month",
        本月: "month",
        季度: "quarter",
        本季度: "quarter",
        年: "year",
        今年: "year",
        ttm: "ttm",
        "12m": "ttm",
        近12个月: "ttm",
        过去12个月: "ttm",
      };
      if (last !== undefined && own(periods, last)) {
        period = own(periods, last) as Period;
        rest = args.slice(0, -1);
      }
      return ok({ kind: "metrics", scope: parseScope(rest), period });
    }
    case "log":
      return parseLog(args);
    case "forecast": {
      const first = args[0]?.toLowerCase();
      let period: ForecastPeriod = { kind: "quarter" };
      let rest = args;
      if (first !== undefined) {
        const named = own(FORECAST_PERIODS, first);
        const month = /^(\d{4})-(\d{1,2})$/.exec(first);
        if (named) {
          period = named;
          rest = args.slice(1);
        } else if (month) {
          const m = Number(month[2]);
          if (m < 1 || m > 12) return usage("forecast", "bad_period", args[0]);
          period = { kind: "month", month: `${month[1]}-${String(m).padStart(2, "0")}` };
          rest = args.slice(1);
        }
      }
      return ok({ kind: "forecast", period, scope: parseScope(rest) });
    }
    case "expansion":
      return ok({ kind: "expansion", scope: parseScope(args) });
    case "call": {
      if (args.length === 0) return usage("call", "missing_name");
      const at = args.findIndex((t, i) => i > 0 && callOf(t) !== undefined);
      if (at < 0) return usage("call", args.length === 1 ? "missing_call" : "bad_call", args.at(-1));
      const command: Command = { kind: "call", name: args.slice(0, at).join(" "), call: callOf(args[at] as string)! };
      const note = args.slice(at + 1).join(" ");
      if (note) command.note = note;
      return ok(command);
    }
    case "plan": {
      const at = args.findIndex((t, i) => i > 0 && own(KIND_ALIASES, t.toLowerCase()) === "visit");
      if (args.length === 0) return usage("plan", "missing_name");
      if (at < 0) return usage("plan", "missing_kind");
      const dateToken = args[at + 1];
      if (!dateToken) return usage("plan", "missing_date");
      const date = parseDay(dateToken);
      if (!date) return usage("plan", "bad_date", dateToken);
      return ok({ kind: "plan", name: args.slice(0, at).join(" "), date });
    }
    case "snooze": {
      if (args.length === 0) return usage("snooze", "missing_name");
      const last = args[args.length - 1] as string;
      const m = /^(\d+)(d|days?|天)?$/i.exec(last);
      if (!m) return usage("snooze", args.length === 1 ? "missing_days" : "bad_days", last);
      const days = Number(m[1]);
      if (args.length === 1) return usage("snooze", "missing_name");
      if (days < 1 || days > MAX_SNOOZE_DAYS) return usage("snooze", "bad_days", last);
      return ok({ kind: "snooze", name: args.slice(0, -1).join(" "), days });
    }
    case "calendar":
      return parseCalendar(args);
    case "report": {
      // `report <name> sent` (`报告 <name> 已发送`): the CSM confirms the report went out.
      const sent = args.length > 1 && REPORT_SENT_WORDS.has((args.at(-1) as string).toLowerCase());
      const name = (sent ? args.slice(0, -1) : args).join(" ");
      if (!name) return usage("report", "missing_name");
      return ok(sent ? { kind: "report", name, sent: true } : { kind: "report", name });
    }
    case "help": {
      const t = args[0]?.toLowerCase();
      if (t === undefined) return ok({ kind: "help" });
      const topic = own(VERBS, t);
      return topic ? ok({ kind: "help", topic }) : usage("help", "unknown_topic", args[0]);
    }
  }
}

const CALENDAR_OFF = new Set(["off", "disconnect", "remove", "关闭", "断开", "删除"]);
const CALENDAR_STATUS = new Set(["status", "状态"]);
const CALENDAR_BEFORE = new Set(["before", "lead", "提前"]);

function parseCalendar(args: string[]): ParseResult {
  const first = args[0]?.toLowerCase();
  if (first === undefined || CALENDAR_STATUS.has(first)) return ok({ kind: "calendar", action: { kind: "status" } });
  if (CALENDAR_OFF.has(first) && args.length === 1) return ok({ kind: "calendar", action: { kind: "off" } });
  if (CALENDAR_BEFORE.has(first)) {
    const m = /^(\d{1,4})(m|min|minutes?|分钟)?$/i.exec(args[1] ?? "");
    const minutes = m ? Number(m[1]) : Number.NaN;
    if (!(minutes >= 0 && minutes <= 1440)) return usage("calendar", "bad_minutes", args[1]);
    return ok({ kind: "calendar", action: { kind: "before", minutes } });
  }
  // The address is kept as typed (case matters in its secret part).
  return ok({ kind: "calendar", action: { kind: "connect", url: args.join("") } });
}

/** What an audit or log line may keep of a command: a calendar address is a secret. */
export function auditableText(text: string): string {
  const parsed = parseCommand(text);
  return parsed.ok && parsed.command.kind === "calendar" && parsed.command.action.kind === "connect"
    ? "calendar [secret address]"
    : text;
}

/** `<account name...> <cause> [note...]`: the name runs up to the first word that names a cause. */
function parseRiskWrite(kind: "risk_raise" | "risk_resolve", args: string[]): ParseResult {
  if (args.length === 0) return usage("risk", "missing_name");
  const at = args.findIndex((t, i) => i > 0 && causeOf(t) !== undefined);
  if (at < 0) return usage("risk", args.length === 1 ? "missing_cause" : "bad_cause", args.at(-1));
  const command: Command = { kind, name: args.slice(0, at).join(" "), cause: causeOf(args[at] as string) as RiskCause };
  const note = args.slice(at + 1).join(" ");
  if (note) command.note = note;
  return ok(command);
}

function parseLog(all: string[]): ParseResult {
  let date: DaySpec | undefined;
  const args: string[] = [];
  for (let i = 0; i < all.length; i++) {
    const t = all[i] as string;
    if (t === "--date" || t.startsWith("--date=")) {
      const v = t === "--date" ? all[++i] : t.slice("--date=".length);
      if (!v) return usage("log", "missing_date");
      date = parseDay(v);
      if (!date) return usage("log", "bad_date", v);
    } else args.push(t);
  }
  if (args.length === 0) return usage("log", "missing_name");
  // The account name runs up to the first interaction kind (names may contain spaces).
  const at = args.findIndex((t, i) => i > 0 && own(KIND_ALIASES, t.toLowerCase()) !== undefined);
  if (at < 0)
    return usage(
      "log",
      args.length === 1 ? "missing_kind" : "bad_kind",
      args.length > 1 ? args[args.length - 1] : undefined,
    );
  const interaction = own(KIND_ALIASES, (args[at] as string).toLowerCase()) as InteractionKindName;
  const notes = args.slice(at + 1).join(" ");
  const command: Command = { kind: "log", name: args.slice(0, at).join(" "), interaction };
  if (notes) command.notes = notes;
  if (date) command.date = date;
  return ok(command);
}

/** Canonical text of a command (used for buttons: "open brief", "choose this account"). */
export function commandText(command: Command): string {
  const q = (name: string) => (/\s|"/.test(name) ? `"${name.replace(/"/g, "")}"` : name);
  switch (command.kind) {
    case "account":
    case "brief":
    case "health":
      return `${command.kind} ${q(command.name)}`;
    default:
      return command.kind;
  }
}
