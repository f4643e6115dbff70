// The optional language model: any OpenAI-compatible chat-completions server (self-hosted keeps the
// data at home). It only ever (1) translates a question the reader could not place into one of
// Tend's commands, through a tool call that is validated here, and (2) writes a short summary of
// records it is given. It never decides what anyone may see: the command runs under the asker's
// permissions, and names it returns are looked up among the asker's own accounts.
import { z } from "zod";
import { RISK_CAUSES } from "../../domain/risk/register.js";
import type { Locale } from "../../i18n/locale.js";
import { type Command, HELP_TOPICS, INTERACTION_KINDS, type Scope } from "../parse.js";

export interface ModelSettings {
  url: string;
  model: string;
  apiKey?: string | undefined;
  timeoutMs: number;
}

export type ModelOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; reason: "timeout" | "error" | "malformed" | "no_tool_call" };

const COMMANDS = [
  "account",
  "brief",
  "health",
  "renewals",
  "risk",
  "mine",
  "metrics",
  "help",
  "log",
  "plan",
  "snooze",
  "risk_raise",
  "risk_resolve",
] as const;

/** The one tool the model may call. Its arguments are checked by ToolArgs before anything runs. */
const TOOL = {
  type: "function",
  function: {
    name: "tend_command",
    description:
      "Run one Tend command for the user. account: the account name as the user wrote it. " +
      "renewals: days ahead (1-730) or this_quarter. risk, renewals, metrics: person ('me' or a colleague) or team " +
      "('mine' for the user's own team). metrics: period. log: interaction and optional date. plan: date. " +
      "snooze: days. risk_raise / risk_resolve: cause. help: topic.",
    parameters: {
      type: "object",
      properties: {
        command: { type: "string", enum: COMMANDS },
        account: { type: "string" },
        days: { type: "integer", minimum: 1, maximum: 730 },
        this_quarter: { type: "boolean" },
        person: { type: "string" },
        team: { type: "string" },
        period: { type: "string", enum: ["month", "quarter", "year"] },
        topic: { type: "string", enum: HELP_TOPICS },
        interaction: { type: "string", enum: INTERACTION_KINDS },
        date: { type: "string", description: "YYYY-MM-DD" },
        cause: { type: "string", enum: RISK_CAUSES },
      },
      required: ["command"],
    },
  },
} as const;

const ToolArgs = z.object({
  command: z.enum(COMMANDS),
  account: z.string().trim().min(1).max(200).optional(),
  days: z.number().int().min(1).max(730).optional(),
  this_quarter: z.boolean().optional(),
  person: z.string().trim().min(1).max(100).optional(),
  team: z.string().trim().min(1).max(100).optional(),
  period: z.enum(["month", "quarter", "year"]).optional(),
  topic: z.enum(HELP_TOPICS).optional(),
  interaction: z.enum(INTERACTION_KINDS).optional(),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  cause: z.enum(RISK_CAUSES).optional(),
});
type ToolArgs = z.infer<typeof ToolArgs>;

const Completion = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z
            .array(z.object({ function: z.object({ name: z.string(), arguments: z.string().max(4000) }) }))
            .nullish(),
        }),
      }),
    )
    .min(1),
});

function endpoint(url: string): string {
  return /\/chat\/completions\/?$/.test(url) ? url : `${url.replace(/\/+$/, "")}/chat/completions`;
}

/** One chat-completions call, given up after the timeout. */
async function complete(
  s: ModelSettings,
  body: Record<string, unknown>,
): Promise<{ ok: true; json: unknown } | { ok: false; reason: "timeout" | "error" }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), s.timeoutMs);
  try {
    const res = await fetch(endpoint(s.url), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(s.apiKey ? { authorization: `Bearer ${s.apiKey}` } : {}),
      },
      body: JSON.stringify({ model: s.model, ...body }),
      signal: controller.signal,
    });
    if (!res.ok) {
      await res.body?.cancel();
      return { ok: false, reason: "error" };
    }
    return { ok: true, json: await res.json() };
  } catch {
    return { ok: false, reason: controller.signal.aborted ? "timeout" : "error" };
  } finally {
    clearTimeout(timer);
  }
}

function scopeOf(a: ToolArgs): Scope {
  if (a.person) return { kind: "member", who: a.person.replace(/^@/, "") };
  if (a.team) return /^(mine|my|own|our)$/i.test(a.team) ? { kind: "team" } : { kind: "team", name: a.team };
  return { kind: "default" };
}

/** The command a validated tool call names, or undefined when an argument it needs is missing. */
export function commandOf(a: ToolArgs, today: string): Command | undefined {
  const name = a.account;
  switch (a.command) {
    case "account":
    case "brief":
    case "health":
      return name ? { kind: a.command, name } : undefined;
    case "renewals":
      return {
        kind: "renewals",
        window: a.this_quarter ? { quarter: true } : { days: a.days ?? 90 },
        scope: scopeOf(a),
      };
    case "risk":
      return { kind: "risk", scope: scopeOf(a) };
    case "mine":
      return { kind: "mine" };
    case "metrics":
      return { kind: "metrics", scope: scopeOf(a), period: a.period ?? "quarter" };
    case "help":
      return a.topic ? { kind: "help", topic: a.topic } : { kind: "help" };
    case "log": {
      if (!name || !a.interaction) return undefined;
      const c: Command = { kind: "log", name, interaction: a.interaction };
      if (a.date && a.date < today) c.date = { day: a.date };
      return c;
    }
    case "plan":
      return name && a.date && a.date >= today ? { kind: "plan", name, date: { day: a.date } } : undefined;
    case "snooze":
      return name && a.days && a.days <= 365 ? { kind: "snooze", name, days: a.days } : undefined;
    case "risk_raise":
    case "risk_resolve":
      return name && a.cause ? { kind: a.command, name, cause: a.cause } : undefined;
  }
}

/** Asks the model which Tend command a question means. Anything but one valid tool call is a failure. */
export async function translate(
  s: ModelSettings,
  question: string,
  today: string,
  locale: Locale,
): Promise<ModelOutcome<Command>> {
  const r = await complete(s, {
    messages: [
      {
        role: "system",
        content:
          "You turn a customer success manager's question into exactly one call of the tool tend_command. " +
          `Today is ${today}. The user writes ${locale === "zh-CN" ? "Chinese" : "English"} or both. ` +
          "Never answer the question yourself; if no command fits, call tend_command with command help.",
      },
      { role: "user", content: question },
    ],
    tools: [TOOL],
    tool_choice: "auto",
    temperature: 0,
  });
  if (!r.ok) return r;
  const parsed = Completion.safeParse(r.json);
  if (!parsed.success) return { ok: false, reason: "malformed" };
  const call = parsed.data.choices[0]?.message.tool_calls?.[0];
  if (!call) return { ok: false, reason: "no_tool_call" };
  if (call.function.name !== "tend_command") return { ok: false, reason: "malformed" };
  let raw: unknown;
  try {
    raw = JSON.parse(call.function.arguments);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const args = ToolArgs.safeParse(raw);
  if (!args.success) return { ok: false, reason: "malformed" };
  const command = commandOf(args.data, today);
  return command ? { ok: true, value: command } : { ok: false, reason: "malformed" };
}

/** A record the summary may draw on, numbered from 1 in the prompt. */
export interface SummaryRecord {
  day: string;
  what: string;
  text: string;
}

/**
 * A short summary of the numbered records, citing them as [n]. Returns the summary and the numbers
 * it cited (only numbers that exist; a citation of anything else is removed).
 */
export async function summarise(
  s: ModelSettings,
  records: readonly SummaryRecord[],
  locale: Locale,
): Promise<ModelOutcome<{ text: string; cited: number[] }>> {
  const list = records.map((r, i) => `[${i + 1}] ${r.day} ${r.what}: ${r.text}`).join("\n");
  const r = await complete(s, {
    messages: [
      {
        role: "system",
        content:
          "Summarise what happened with one customer account for a customer success manager, in at most three short " +
          "sentences, using only the numbered records given. Cite the records you use as [n]. Do not add facts, " +
          `numbers or advice that are not in the records. Write in ${locale === "zh-CN" ? "Simplified Chinese" : "English"}.`,
      },
      { role: "user", content: list },
    ],
    temperature: 0,
  });
  if (!r.ok) return r;
  const parsed = Completion.safeParse(r.json);
  const content = parsed.success ? parsed.data.choices[0]?.message.content?.trim() : undefined;
  if (!content) return { ok: false, reason: "malformed" };
  const cited = new Set<number>();
  const text = content
    .replace(/\[(\d{1,3})\]/g, (m, n: string) => {
      const i = Number(n);
      if (i >= 1 && i <= records.length) {
        cited.add(i);
        return m;
      }
      return "";
    })
    .slice(0, 1200);
  return { ok: true, value: { text, cited: [...cited].sort((a, b) => a - b) } };
}
