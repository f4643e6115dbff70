// The playground's JSON API: thin adapters from the page to the conversation core (src/conversation)
// and the proactive engine's dry run (src/proactive). No command logic lives here.
import { z } from "zod";
import type { ProactiveConfig } from "../config/proactive.js";
import type { AppContext } from "../context.js";
import { handleAction, handleCommand, handleForm, homeView } from "../conversation/index.js";
import { localDay } from "../domain/dates.js";
import type { Identity } from "../domain/identity.js";
import { resolveLocale } from "../i18n/locale.js";
import type { PlannedMessage } from "../jobs/jobs.js";
import { runJob } from "../jobs/run.js";
import { ACTION_IDS, FORM_IDS, type Reply } from "../reply/model.js";
import { renderHtml, renderHtmlAttachments, renderHtmlForm } from "../reply/render-html.js";
import { loadPeople, type MemberInfo, type TeamInfo } from "../store/repos/members.js";
import { plain } from "../text/user-data.js";

const member = z.string().trim().min(3).max(320);
export const CommandBody = z.object({ member, text: z.string().max(4000) });
export const HomeBody = z.object({ member });
export const ActionBody = z.object({ member, actionId: z.enum(ACTION_IDS), value: z.string().max(4000) });
export const FormBody = z.object({
  member,
  formId: z.enum(FORM_IDS),
  privateValue: z.string().max(4000),
  values: z.record(z.string(), z.string().max(5000).optional()),
});

/** The page acts as whoever is picked; the core identifies them by email like the CLI's --as. */
const as = (email: string): Identity => ({ surface: "web", email });

// Pictures are drawn here, inline (the page allows data: images only), after the card.
const card = (reply: Reply) => ({ reply, html: renderHtml(reply) + renderHtmlAttachments(reply) });

/** "/tend brief x" or "@Tend brief x", as people type in chat, is the command "brief x". */
export const chatText = (text: string) => text.replace(/^\s*@tend\b[\s:,]*/i, "");

export async function command(ctx: AppContext, body: z.infer<typeof CommandBody>) {
  return card(await handleCommand(ctx, { identity: as(body.member), text: chatText(body.text) }));
}

export async function home(ctx: AppContext, body: z.infer<typeof HomeBody>) {
  return card(await homeView(ctx, as(body.member)));
}

let formCounter = 0;

export async function action(ctx: AppContext, body: z.infer<typeof ActionBody>) {
  const out = await handleAction(ctx, { identity: as(body.member), actionId: body.actionId, value: body.value });
  return {
    ...(out.reply ? card(out.reply) : {}),
    ...(out.toast ? { toast: { ...out.toast, text: plain(out.toast.text) } } : {}),
    ...(out.share ? { share: true } : {}),
    ...(out.form ? { form: out.form, formHtml: renderHtmlForm(out.form, `form${++formCounter}`) } : {}),
  };
}

export async function form(ctx: AppContext, body: z.infer<typeof FormBody>) {
  const out = await handleForm(ctx, {
    identity: as(body.member),
    formId: body.formId,
    privateValue: body.privateValue,
    values: body.values,
  });
  return {
    ...(out.reply ? card(out.reply) : {}),
    ...(out.toast ? { toast: { ...out.toast, text: plain(out.toast.text) } } : {}),
    ...(out.errors ? { errors: Object.fromEntries(Object.entries(out.errors).map(([k, v]) => [k, plain(v)])) } : {}),
  };
}

export interface Person {
  email: string;
  name: string;
  role: string;
  team?: string;
  locale: string;
}

/** Everyone active, plus the three people a newcomer is offered first. */
export async function members(ctx: AppContext) {
  const { members, teams } = await loadPeople(ctx.db);
  const teamOf = new Map(teams.map((t) => [t.id, t]));
  const people: Person[] = members
    .filter((m) => m.active)
    .map((m) => {
      const team = m.teamId ? teamOf.get(m.teamId) : undefined;
      return {
        email: m.email,
        name: m.name,
        role: m.role,
        ...(team ? { team: team.name } : {}),
        locale: resolveLocale(m.locale, team?.locale, ctx.config.locale),
      };
    });
  const pick = (role: string, locale: string) => people.find((p) => p.role === role && p.locale === locale)?.email;
  return {
    members: people,
    picks: {
      csm: pick("csm", "en") ?? people.find((p) => p.role === "csm")?.email,
      manager: pick("manager", "en") ?? people.find((p) => p.role === "manager")?.email,
      zhCsm: pick("csm", "zh-CN"),
    },
  };
}

export interface MorningMessage {
  kind: PlannedMessage["kind"];
  to: string;
  summary: string;
  reply: Reply;
  html: string;
  /** Held by quiet hours until then (ISO), when later than now. */
  heldUntil?: string;
}

/**
 * What the proactive engine would send this morning to `email` and to their team: the engine's own
 * dry run (`tend run <job> --dry-run`) for the member's local day, narrowed to them. A dry run
 * writes nothing, so asking again after a snooze or a logged visit shows the engine's new answer.
 */
export async function morning(ctx: AppContext, config: ProactiveConfig, email: string) {
  const { members, teams } = await loadPeople(ctx.db);
  const m = members.find((x) => x.active && x.email.toLowerCase() === email.trim().toLowerCase());
  if (!m) return undefined;
  const team = m.teamId ? teams.find((t) => t.id === m.teamId) : undefined;
  const timeZone = m.timezone ?? team?.timezone ?? ctx.config.timezone;
  const day = localDay(ctx.now(), timeZone);
  // Only recipients in the member's and team's time zones: the engine plans nobody else.
  const zones = new Set([timeZone, team?.timezone]);
  const audience = (tz: string) => (zones.has(tz) ? day : undefined);
  const now = ctx.now();
  const seen = new Set<string>();
  const messages: MorningMessage[] = [];
  for (const job of ["digest", "nudges", "briefs"] as const) {
    // No senders: the dry run shows what every platform would get; one copy each is enough here.
    const report = await runJob(ctx, job, { dryRun: true, audience, config, senders: [] });
    for (const msg of report.plan?.messages ?? []) {
      if (!concerns(msg, m, team)) continue;
      const [kind, subject, , , period] = msg.key.split("|");
      const once = `${kind}|${subject}|${period}`;
      if (seen.has(once)) continue;
      seen.add(once);
      messages.push({
        kind: msg.kind,
        to: msg.kind === "digest" ? `team ${team?.name ?? ""}` : `${m.name} <${m.email}>`,
        summary: plain(msg.reply.summary),
        reply: msg.reply,
        html: renderHtml(msg.reply),
        ...(msg.notBefore && msg.notBefore > now ? { heldUntil: msg.notBefore.toISOString() } : {}),
      });
    }
  }
  return {
    day,
    timeZone,
    member: { email: m.email, name: m.name, role: m.role },
    ...(team ? { team: team.name } : {}),
    messages,
  };
}

function concerns(msg: PlannedMessage, m: MemberInfo, team: TeamInfo | undefined): boolean {
  if (msg.kind === "digest") return team !== undefined && msg.key.split("|")[1] === team.id;
  return msg.nudges.length > 0 && msg.nudges.every((n) => n.memberId === m.id);
}
