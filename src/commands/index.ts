// The conversation core's entry points, called by every surface (Slack, Feishu, CLI, playground):
// identify -> parse -> authorize -> handler -> Reply (platform-neutral).
//
// For surfaces:
// - render replies with src/reply/render-{slack,feishu,text}.ts. Slack buttons carry action ids
//   "<ActionId>:<n>" (unique per block): match SLACK_ACTION_ID_PATTERN, map back with
//   parseSlackActionId. Feishu buttons carry behaviors[].value = {action, value}.
// - forms: renderSlackModal (callback_id = formId, private_metadata = privateValue; read values
//   with slackModalValues) / renderFeishuForm (submit callback value {form, privateValue}, fields
//   in form_value by field id); pass them to handleForm; `errors` are keyed by field id.
// - ActionOutcome.share: post outcome.reply to the channel (visibility "channel").
// - Nothing here throws: failures come back as a Reply with error "internal" (and are logged).

import { z } from "zod";
import { ct } from "../calendar/messages.js";
import { loadProactiveConfig } from "../config/proactive.js";
import type { AppContext } from "../context.js";
import type { Identity } from "../domain/identity.js";
import { rescoreAccounts } from "../health/rescore.js";
import { type MessageKey, t } from "../i18n/catalogue.js";
import type { Locale } from "../i18n/locale.js";
import { loadUnitEconomics } from "../renewals/unit-economics-file.js";
import type { ActionOutcome, Form, FormOutcome, Reply } from "../reply/model.js";
import { StoreUnavailable } from "../store/db.js";
import { accountRef } from "../store/repos/accounts.js";
import { audit, auditRefusal } from "../store/repos/audit.js";
import { calendarInteraction, meetingById, unlogMeeting, updateCalendarInteraction } from "../store/repos/calendar.js";
import { data, plain } from "../text/user-data.js";
import { canRead, identify } from "./access.js";
import { type Apology, apologise } from "./apology.js";
import { answerPlainText } from "./ask/answer.js";
import { sinceLastVisit } from "./ask/since.js";
import { accountCard } from "./handlers/account.js";
import { risk } from "./handlers/at-risk.js";
import { calendarCommand } from "./handlers/calendar.js";
import { auditRead, findAccount, type HandlerContext, handlerContext, simple } from "./handlers/common.js";
import { expansion } from "./handlers/expansion.js";
import { forecast, makeCall } from "./handlers/forecast.js";
import { healthBreakdown } from "./handlers/health.js";
import { help, usageReply } from "./handlers/help.js";
import { metrics } from "./handlers/metrics.js";
import { mine } from "./handlers/mine.js";
import { renewals } from "./handlers/renewals.js";
import { valueReport, valueReportSent } from "./handlers/report.js";
import { raiseRiskCommand, resolveRiskCommand } from "./handlers/risks.js";
import { visitBrief } from "./handlers/visit-brief.js";
import { logInteraction, nudgeDone, planVisit, resolveDay, snooze, writeRefusal } from "./handlers/writes.js";
import { auditableText, type Command, INTERACTION_KINDS, MAX_SNOOZE_DAYS, parseCommand } from "./parse.js";
import { commandSlots } from "./slots.js";
import type { ActionRequest, Asking, CommandRequest, FormRequest } from "./types.js";

type Gate = { ok: true; d: HandlerContext } | { ok: false; reply: Reply };

/** Unknown or inactive people get a polite refusal and nothing else. */
async function gate(ctx: AppContext, { identity, member }: Asking): Promise<Gate> {
  const who = await identify(ctx, identity, member);
  if (!who.ok) {
    const text = t(who.locale, who.reason === "inactive" ? "access.inactive" : "access.unknown");
    return {
      ok: false,
      reply: { summary: text, blocks: [{ type: "text", text }], tone: "neutral", error: "unknown_user" },
    };
  }
  const asker = who.asker;
  const rescore = async (ids: string[]) => {
    await rescoreAccounts(ctx, ids, asker.today);
  };
  const proactive = () => loadProactiveConfig(ctx.config.proactiveConfigFile);
  const d = handlerContext(ctx.db, asker, rescore, proactive);
  if (ctx.config.llm) d.model = ctx.config.llm;
  d.unitEconomics = () => loadUnitEconomics(ctx.config.unitEconomicsFile);
  return { ok: true, d };
}

/** A command still unanswered after this long checks that the store answers at all. */
export const STORE_CHECK_MS = 5_000;

/**
 * Resolves with `work`, or fails as StoreUnavailable when after STORE_CHECK_MS the store does not
 * answer a ping either (packets dropped: the driver's own timeouts are far longer). PostgreSQL only:
 * the embedded store cannot be out of reach, only busy.
 */
export async function withinReach<R>(ctx: AppContext, work: Promise<R>): Promise<R> {
  if (ctx.db.kind !== "postgres") return work;
  work.catch(() => {}); // it may fail after we have answered
  let timer: NodeJS.Timeout | undefined;
  const unreachable = new Promise<never>((_, reject) => {
    timer = setTimeout(async () => {
      if (!(await ctx.db.ping())) reject(new StoreUnavailable("the store does not answer"));
    }, STORE_CHECK_MS);
  });
  try {
    return await Promise.race([work, unreachable]);
  } finally {
    clearTimeout(timer);
  }
}

async function guarded<R extends object>(
  ctx: AppContext,
  what: string,
  fallback: (apology: Apology) => R,
  fn: () => Promise<R>,
): Promise<R> {
  try {
    return await withinReach(ctx, fn());
  } catch (err) {
    return fallback(apologise(ctx.log, err, ctx.config.locale, `conversation core: ${what}`));
  }
}

const internal = (apology: Apology): Reply =>
  apology.kind === "store_unavailable"
    ? simple(apology.text, "store_unavailable", "warning")
    : simple(apology.text, "internal", "danger");

/** The brief with "since the last visit" above its buttons when a model is configured. */
async function withSinceLastVisit(d: HandlerContext, accountId: string, brief: Reply): Promise<Reply> {
  if (!d.model || brief.error) return brief;
  const extra = await sinceLastVisit(d, accountId, d.model);
  if (extra.length === 0) return brief;
  const at = brief.blocks.findLastIndex((b) => b.type === "buttons");
  const blocks =
    at < 0 ? [...brief.blocks, ...extra] : [...brief.blocks.slice(0, at), ...extra, ...brief.blocks.slice(at)];
  return { ...brief, blocks };
}

export async function runCommand(d: HandlerContext, command: Command): Promise<Reply> {
  switch (command.kind) {
    case "help":
      return help(d, command.topic);
    case "mine":
      return mine(d);
    case "renewals":
      return renewals(d, command.window, command.scope);
    case "risk":
      return risk(d, command.scope);
    case "metrics":
      return metrics(d, command.scope, command.period);
    case "forecast":
      return forecast(d, command.period, command.scope);
    case "expansion":
      return expansion(d, command.scope);
    case "call": {
      const refused = writeRefusal(d, "verb.call");
      if (refused) return refused;
      const rerun = (ref: string) => `call ${ref} ${command.call}${command.note ? ` ${command.note}` : ""}`;
      const found = await findAccount(d, command.name, rerun, { confirmTypos: true });
      if ("reply" in found) return found.reply;
      return makeCall(d, found.account, command.call, command.note);
    }
    case "account":
    case "brief":
    case "health": {
      const verb = command.kind;
      const found = await findAccount(d, command.name, (ref) => `${verb} ${ref}`);
      if ("reply" in found) return found.reply;
      if (command.kind === "account") return accountCard(d, found.account);
      if (command.kind === "brief") {
        const reply = await withSinceLastVisit(d, found.account.id, await visitBrief(d, found.account));
        await auditRead(d, "brief.read", [found.account.id]);
        return reply;
      }
      return healthBreakdown(d, found.account);
    }
    case "log":
    case "plan":
    case "snooze": {
      const refused = writeRefusal(d, `verb.${command.kind}`);
      if (refused) return refused;
      // Choices (ambiguous or misspelt names) re-run the whole write with the chosen account.
      const rerun = (ref: string) =>
        command.kind === "log"
          ? `log ${ref} ${command.interaction}${command.notes ? ` ${command.notes}` : ""}${command.date ? ` --date ${resolveDay(command.date, d.asker.today)}` : ""}`
          : command.kind === "plan"
            ? `plan ${ref} visit ${resolveDay(command.date, d.asker.today)}`
            : `snooze ${ref} ${command.days}`;
      const found = await findAccount(d, command.name, rerun, { confirmTypos: true });
      if ("reply" in found) return found.reply;
      if (command.kind === "log") {
        const input: Parameters<typeof logInteraction>[2] = { kind: command.interaction };
        if (command.date) input.day = resolveDay(command.date, d.asker.today);
        if (command.notes) input.notes = command.notes;
        return logInteraction(d, found.account, input);
      }
      if (command.kind === "plan") return planVisit(d, found.account, resolveDay(command.date, d.asker.today));
      return snooze(d, found.account, command.days);
    }
    case "calendar":
      // Reached only from buttons (never made for it): the calendar is set up by typing the command.
      return help(d, "calendar");
    case "report": {
      const sent = command.sent === true;
      if (sent) {
        const refused = writeRefusal(d, "verb.report_sent");
        if (refused) return refused;
      }
      const rerun = (ref: string) => `report ${ref}${sent ? " sent" : ""}`;
      const found = await findAccount(d, command.name, rerun, { confirmTypos: sent });
      if ("reply" in found) return found.reply;
      return sent ? valueReportSent(d, found.account) : valueReport(d, found.account);
    }
    case "risk_raise":
    case "risk_resolve": {
      const refused = writeRefusal(d, `verb.${command.kind}`);
      if (refused) return refused;
      const verb = command.kind === "risk_raise" ? "raise" : "resolve";
      const rerun = (ref: string) => `risk ${verb} ${ref} ${command.cause}${command.note ? ` ${command.note}` : ""}`;
      const found = await findAccount(d, command.name, rerun, { confirmTypos: true });
      if ("reply" in found) return found.reply;
      return command.kind === "risk_raise"
        ? raiseRiskCommand(d, found.account, command.cause, command.note)
        : resolveRiskCommand(d, found.account, command.cause, command.note);
    }
  }
}

/** Reasons a reply is a refusal that the audit log records. */
const REFUSALS = new Set<Reply["error"]>(["unknown_user", "forbidden"]);

/**
 * Records a refused attempt in the audit log (who, what was asked, why). Never fails the request:
 * an audit write that fails is logged.
 */
export async function recordRefusal(
  ctx: AppContext,
  identity: Identity,
  memberId: string | null,
  asked: string,
  reason: string,
  accountId?: string,
): Promise<void> {
  try {
    await auditRefusal(ctx.db, {
      memberId,
      surface: identity.surface,
      asked,
      reason,
      ...(accountId ? { accountId } : {}),
      ...(memberId
        ? {}
        : {
            who: {
              slackUserId: identity.slackUserId,
              slackTeamId: identity.slackTeamId,
              feishuOpenId: identity.feishuOpenId,
              feishuTenantKey: identity.feishuTenantKey,
              email: identity.email,
            },
          }),
    });
  } catch (err) {
    ctx.log.error({ err, asked, reason }, "audit: a refusal could not be recorded");
  }
}

export async function handleCommand(ctx: AppContext, req: CommandRequest): Promise<Reply> {
  return guarded(ctx, "command", internal, () => commandSlots(ctx.db).run(() => command(ctx, req)));
}

async function command(ctx: AppContext, req: CommandRequest): Promise<Reply> {
  const g = await gate(ctx, req);
  const memberId = g.ok ? g.d.asker.member.id : null;
  let kind: Command["kind"] | undefined;
  const reply = await (async () => {
    if (!g.ok) return g.reply;
    const parsed = parseCommand(req.text);
    if (parsed.ok) kind = parsed.command.kind;
    // Plain language ("who renews next quarter?") is read into a command; the grammar as before.
    const read = await answerPlainText(g.d, req.text, parsed, (c) => runCommand(g.d, c), { model: g.d.model });
    if (read) return read;
    if (!parsed.ok) return usageReply(g.d, parsed.topic, parsed.problem, parsed.detail);
    if (parsed.command.kind === "calendar")
      return calendarCommand(ctx, g.d, parsed.command.action, req.conversation ?? "direct");
    return runCommand(g.d, parsed.command);
  })();
  // A calendar's secret address never reaches the audit log.
  const asked = auditableText(req.text);
  if (REFUSALS.has(reply.error)) await recordRefusal(ctx, req.identity, memberId, asked, reply.error as string);
  else if (reply.audit)
    await recordRefusal(ctx, req.identity, memberId, asked, reply.audit.reason, reply.audit.accountId);
  const { audit: _audit, ...shown } = reply;
  return req.offerShare && kind
    ? withShareButton(shown, kind, req.text, g.ok ? g.d.asker.locale : ctx.config.locale)
    : shown;
}

/** Answers about many accounts (lists, metrics) that a private answer may offer to share. */
const SHAREABLE = new Set<Command["kind"]>(["renewals", "risk", "metrics"]);

function withShareButton(reply: Reply, kind: Command["kind"], text: string, locale: Locale): Reply {
  if (reply.error || !SHAREABLE.has(kind)) return reply;
  if (reply.blocks.some((b) => b.type === "buttons" && b.buttons.some((x) => x.actionId === "tend.share")))
    return reply;
  return {
    ...reply,
    blocks: [
      ...reply.blocks,
      { type: "buttons", buttons: [{ text: t(locale, "button.share"), actionId: "tend.share", value: text.trim() }] },
    ],
  };
}

const SnoozeValue = z.object({ accountId: z.string().min(1), days: z.number().int().min(1).max(MAX_SNOOZE_DAYS) });
const LogFormValue = z.object({
  accountId: z.string().min(1),
  kind: z.enum(INTERACTION_KINDS).optional(),
  /** Notes for an interaction already logged (from the calendar) rather than a new one. */
  interactionId: z.string().min(1).max(100).optional(),
});
const MeetingValue = z.object({ meetingId: z.string().min(1).max(100) });
const NudgeValue = z.object({ nudgeKey: z.string().min(3).max(500) });

function json(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

async function readableAccount(d: HandlerContext, accountId: string) {
  const a = await accountRef(d.db, accountId);
  return a && canRead(d.asker, a) ? a : undefined;
}

export function logForm(
  d: HandlerContext,
  account: { id: string; name: string },
  kind?: string,
  interaction?: { id: string; day: string },
): Form {
  return {
    formId: "tend.log_interaction",
    title: d.t("form.title"),
    submitLabel: d.t("form.submit"),
    privateValue: JSON.stringify({ accountId: account.id, ...(interaction ? { interactionId: interaction.id } : {}) }),
    fields: [
      { id: "date", label: d.t("form.date"), kind: "date", required: true, initial: interaction?.day ?? d.asker.today },
      {
        id: "kind",
        label: d.t("form.kind"),
        kind: "select",
        required: true,
        ...(kind ? { initial: kind } : {}),
        options: INTERACTION_KINDS.map((k) => ({ label: d.t(`kind.${k}`), value: k })),
      },
      {
        id: "notes",
        label: `${d.t("form.notes")} - ${data(account.name)}`,
        kind: "textarea",
        placeholder: d.t("form.notes_placeholder"),
        maxLength: 2000,
      },
      { id: "next_steps", label: d.t("form.next_steps"), kind: "textarea", maxLength: 1000 },
    ],
  };
}

export async function handleAction(ctx: AppContext, req: ActionRequest): Promise<ActionOutcome> {
  return guarded<ActionOutcome>(
    ctx,
    "action",
    (apology) => ({ toast: { text: apology.text, tone: "danger" } }),
    async () => {
      const g = await gate(ctx, req);
      const asked = `${req.actionId} ${req.value}`;
      const refuse = (reason: string, accountId?: string) =>
        recordRefusal(ctx, req.identity, g.ok ? g.d.asker.member.id : null, asked, reason, accountId);
      if (!g.ok) {
        await refuse(g.reply.error as string);
        return { reply: g.reply, toast: { text: g.reply.summary, tone: "warning" } };
      }
      const outcome = await actionOutcome(g.d, req, refuse);
      if (!outcome.reply) return outcome;
      if (REFUSALS.has(outcome.reply.error)) await refuse(outcome.reply.error as string);
      else if (outcome.reply.audit) await refuse(outcome.reply.audit.reason, outcome.reply.audit.accountId);
      const { audit: _audit, ...shown } = outcome.reply;
      return { ...outcome, reply: shown };
    },
  );
}

/**
 * The account a write button names, when the member may write and may see it; otherwise the toast
 * that says why, with the refusal recorded.
 */
async function writableAccount(
  d: HandlerContext,
  verb: MessageKey,
  accountId: string,
  refuse: (reason: string, accountId?: string) => Promise<void>,
): Promise<NonNullable<Awaited<ReturnType<typeof readableAccount>>> | { toast: NonNullable<ActionOutcome["toast"]> }> {
  const refused = writeRefusal(d, verb);
  const a = refused ? undefined : await readableAccount(d, accountId);
  if (a) return a;
  await refuse("forbidden", accountId);
  return { toast: { text: refused?.summary ?? d.t("access.forbidden_account"), tone: "warning" } };
}

/** A button press by a known member; `refuse` records a refusal the reply itself does not carry. */
async function actionOutcome(
  d: HandlerContext,
  req: ActionRequest,
  refuse: (reason: string, accountId?: string) => Promise<void>,
): Promise<ActionOutcome> {
  // A value that does not parse did not come from a card Tend made: a forged or tampered button.
  const forged = async (): Promise<ActionOutcome> => {
    await refuse("forged");
    return { toast: { text: d.t("action.bad"), tone: "warning" } };
  };
  switch (req.actionId) {
    case "tend.run": {
      const parsed = parseCommand(req.value);
      return {
        reply: parsed.ok
          ? await runCommand(d, parsed.command)
          : usageReply(d, parsed.topic, parsed.problem, parsed.detail),
      };
    }
    case "tend.share": {
      const parsed = parseCommand(req.value);
      if (!parsed.ok) return forged();
      const reply = await runCommand(d, parsed.command);
      // Refusals and errors stay private; only real answers are shared.
      if (reply.error) return { reply };
      return { reply: { ...reply, visibility: "channel" }, share: true };
    }
    case "tend.snooze": {
      const v = SnoozeValue.safeParse(json(req.value));
      if (!v.success) return forged();
      const a = await writableAccount(d, "verb.snooze", v.data.accountId, refuse);
      if ("toast" in a) return a;
      const r = await snooze(d, a, v.data.days);
      return { toast: { text: r.summary, tone: "good" } };
    }
    case "tend.log_form": {
      const v = LogFormValue.safeParse(json(req.value));
      if (!v.success) return forged();
      const a = await writableAccount(d, "verb.log", v.data.accountId, refuse);
      if ("toast" in a) return a;
      const logged = v.data.interactionId
        ? await calendarInteraction(d.db, v.data.interactionId, a.id, d.asker.member.id)
        : undefined;
      return { form: logForm(d, a, v.data.kind, logged) };
    }
    case "tend.meeting_missed": {
      const v = MeetingValue.safeParse(json(req.value));
      if (!v.success) return forged();
      const meeting = await meetingById(d.db, v.data.meetingId);
      // Only the member whose calendar it came from says it did not happen.
      if (!meeting || meeting.memberId !== d.asker.member.id)
        return { toast: { text: ct(d.locale, "calendar.missed.bad"), tone: "warning" } };
      const undone = await unlogMeeting(d.db, meeting.id, d.asker.now);
      if (!undone) return { toast: { text: ct(d.locale, "calendar.missed.bad"), tone: "warning" } };
      const a = await readableAccount(d, undone.accountId);
      await audit(d.db, [
        {
          memberId: d.asker.member.id,
          surface: d.asker.surface,
          action: "interaction.unlog",
          accountId: undone.accountId,
          detail: { meetingId: meeting.id },
        },
      ]);
      await d.rescore?.([undone.accountId]);
      return {
        toast: { text: ct(d.locale, "calendar.missed.done", { account: a?.name ?? meeting.title }), tone: "good" },
      };
    }
    case "tend.nudge_done": {
      const v = NudgeValue.safeParse(json(req.value));
      if (!v.success) {
        await refuse("forged");
        return { toast: { text: d.t("nudge.bad"), tone: "warning" } };
      }
      const done = await nudgeDone(d, v.data.nudgeKey, async (id) => (await readableAccount(d, id)) !== undefined);
      return done
        ? { toast: { text: d.t("nudge.done"), tone: "good" } }
        : { toast: { text: d.t("nudge.bad"), tone: "warning" } };
    }
  }
}

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

export async function handleForm(ctx: AppContext, req: FormRequest): Promise<FormOutcome> {
  return guarded<FormOutcome>(
    ctx,
    "form",
    (apology) => ({ toast: { text: apology.text, tone: "danger" } }),
    async () => {
      const g = await gate(ctx, req);
      if (!g.ok) return { toast: { text: g.reply.summary, tone: "warning" } };
      const d = g.d;
      if (req.formId !== "tend.log_interaction") return { toast: { text: d.t("action.bad"), tone: "warning" } };
      const ctxValue = z
        .object({ accountId: z.string().min(1), interactionId: z.string().min(1).max(100).optional() })
        .safeParse(json(req.privateValue));
      if (!ctxValue.success) return { toast: { text: d.t("action.bad"), tone: "warning" } };
      const refused = writeRefusal(d, "verb.log");
      if (refused) return { toast: { text: refused.summary, tone: "warning" } };
      const a = await readableAccount(d, ctxValue.data.accountId);
      if (!a) return { toast: { text: d.t("access.forbidden_account"), tone: "warning" } };

      const today = d.asker.today;
      const schema = z.object({
        date: z
          .string()
          .trim()
          .regex(isoDay, { message: d.t("form.err_date") })
          .refine(
            (s) =>
              !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
            {
              message: d.t("form.err_date"),
            },
          )
          .refine((s) => s <= today, { message: d.t("form.err_date") }),
        kind: z.enum(INTERACTION_KINDS, { message: d.t("form.err_kind") }),
        notes: z
          .string()
          .trim()
          .max(2000, { message: d.t("form.err_long", { max: 2000 }) })
          .optional(),
        next_steps: z
          .string()
          .trim()
          .max(1000, { message: d.t("form.err_long", { max: 1000 }) })
          .optional(),
      });
      const parsed = schema.safeParse({
        date: req.values.date ?? "",
        kind: req.values.kind ?? "",
        notes: req.values.notes || undefined,
        next_steps: req.values.next_steps || undefined,
      });
      if (!parsed.success) {
        const errors: Record<string, string> = {};
        for (const issue of parsed.error.issues) {
          const field = String(issue.path[0] ?? "date");
          errors[field] ??= plain(issue.message); // field errors are plain text on every surface
        }
        return { errors };
      }
      const v = parsed.data;
      const logged = ctxValue.data.interactionId
        ? await calendarInteraction(d.db, ctxValue.data.interactionId, a.id, d.asker.member.id)
        : undefined;
      if (logged) {
        // Notes for the meeting the calendar logged: that interaction, not a second one.
        await updateCalendarInteraction(d.db, logged.id, {
          kind: v.kind,
          notes: v.notes ?? null,
          nextSteps: v.next_steps ?? null,
        });
        await audit(d.db, [
          {
            memberId: d.asker.member.id,
            surface: d.asker.surface,
            action: "interaction.notes",
            accountId: a.id,
            detail: { interactionId: logged.id },
          },
        ]);
        await d.rescore?.([a.id]);
        return {
          toast: { text: d.t("log.saved", { kind: d.t(`kind.${v.kind}`), name: a.name, date: v.date }), tone: "good" },
        };
      }
      const input: Parameters<typeof logInteraction>[2] = { kind: v.kind, day: v.date };
      if (v.notes) input.notes = v.notes;
      if (v.next_steps) input.nextSteps = v.next_steps;
      const reply = await logInteraction(d, a, input);
      return { toast: { text: reply.summary, tone: "good" } };
    },
  );
}

/** The member's book for Slack App Home / the playground's start screen. */
export async function homeView(ctx: AppContext, identity: Identity, member?: Asking["member"]): Promise<Reply> {
  return guarded(ctx, "home", internal, async () => {
    const g = await gate(ctx, { identity, member });
    if (!g.ok) return g.reply;
    return mine(g.d, true);
  });
}
