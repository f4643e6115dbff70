import { App, HTTPReceiver, SocketModeReceiver, webApi } from "@slack/bolt";
import { DeliveryClaims } from "../chat/dedupe.js";
import { InFlight } from "../chat/in-flight.js";
import type { AppContext } from "../context.js";
import { tPlain } from "../i18n/catalogue.js";
import { auditRefusal } from "../store/repos/audit.js";
import { registerButtons } from "./actions/buttons.js";
import { boltLogger, type SlackConfig, slackClientOptions } from "./client.js";
import { registerTendCommand } from "./commands/tend.js";
import { CLAIM, deliveryId, SLACK_DELIVERY_PREFIX } from "./dedupe.js";
import { registerAppHome } from "./events/app-home.js";
import { AckGate, SLACK_TIMING, type SlackServices } from "./services.js";
import { registerLogInteractionView } from "./views/log-interaction.js";

// The Bolt app: global middleware (in-flight tracking, workspace allow-list, retry dedupe) and the
// listeners, one register function per kind. HTTP mode hands verified requests to Bolt's own
// HTTPReceiver (see mount.ts); Socket Mode uses Bolt's SocketModeReceiver.

export const SLACK_EVENTS_PATH = "/slack/events";

/** Context key (and request property) holding when a delivery reached us, in performance.now() ms. */
export const ARRIVED_AT = "tendArrivedAt";

function arrivedAt(req: object): number {
  const v = (req as Record<string, unknown>)[ARRIVED_AT];
  return typeof v === "number" ? v : performance.now();
}

export interface SlackApp {
  app: App;
  mode: "http" | "socket";
  /** HTTP mode only: Bolt's receiver; mount.ts feeds it requests whose signature we checked. */
  receiver: HTTPReceiver | undefined;
  /** Resolves when no listener is running (bounded by `maxMs`). */
  idle(maxMs?: number): Promise<void>;
}

export interface SlackAppOptions {
  ackBudgetMs?: number;
  /**
   * When Bolt gives up on a listener that has not acked (404). Slack's 3 s in production; tests lift
   * it with the budget so a slow machine cannot move an answer from the ack to response_url.
   */
  ackDeadlineMs?: number;
}

type AnyArgs = {
  body: Record<string, unknown>;
  context: { teamId?: string };
  next: () => Promise<void>;
  ack?: (r?: unknown) => Promise<void>;
};

export function createSlackApp(ctx: AppContext, opts: SlackAppOptions = {}): SlackApp {
  const cfg = ctx.config.slack as SlackConfig;
  const log = ctx.log.child({ part: "slack" });
  const clientOptions = slackClientOptions(cfg, ctx.log);
  const logger = boltLogger(ctx.log);

  // Bot identity (auth.test) fetched once, on first use, and fetched again if that failed.
  const authClient = new webApi.WebClient(cfg.botToken, clientOptions);
  let bot: Promise<{ botUserId?: string; botId?: string }> | undefined;
  const authorize = async () => {
    bot ??= authClient.auth.test().then((r) => ({
      ...(r.user_id ? { botUserId: r.user_id } : {}),
      ...(r.bot_id ? { botId: r.bot_id } : {}),
    }));
    try {
      return { botToken: cfg.botToken, ...(await bot) };
    } catch (err) {
      bot = undefined;
      throw err;
    }
  };

  const socket = Boolean(cfg.appToken);
  const receiver = socket
    ? undefined
    : new HTTPReceiver({
        // We verify signatures ourselves (injectable clock) before Bolt sees the request.
        signingSecret: cfg.signingSecret ?? "",
        signatureVerification: false,
        endpoints: SLACK_EVENTS_PATH,
        logger,
        unhandledRequestTimeoutMillis: (opts.ackDeadlineMs ?? SLACK_TIMING.ackDeadlineMs) + 1,
        // The ack budget counts from when the request reached us (mount.ts stamps it).
        customPropertiesExtractor: (req) => ({ [ARRIVED_AT]: arrivedAt(req) }),
      });
  const app = new App({
    ...(socket
      ? {
          socketMode: true,
          receiver: new SocketModeReceiver({
            appToken: cfg.appToken as string,
            logger,
            installerOptions: { clientOptions },
            customPropertiesExtractor: () => ({ [ARRIVED_AT]: performance.now() }),
          }),
        }
      : { receiver: receiver as HTTPReceiver }),
    authorize,
    logger,
    clientOptions,
    convoStore: false,
  });

  const inflight = new InFlight();
  app.use(async (args) => {
    await inflight.track((args as unknown as AnyArgs).next());
  });

  // Other workspaces: refused before anything is read or written.
  app.use(async (raw) => {
    const args = raw as unknown as AnyArgs;
    const team = args.context.teamId ?? teamOf(args.body);
    if (cfg.teamIds.length === 0 || (team && cfg.teamIds.includes(team))) return args.next();
    log.warn({ team }, "slack: request from a workspace not in SLACK_TEAM_IDS refused");
    await refusedWorkspace(ctx, args.body, team);
    if (args.ack)
      await (args.body.command
        ? args.ack({ response_type: "ephemeral", text: tPlain(ctx.config.locale, "slack.workspace_refused") })
        : args.ack());
  });

  // Deliveries Slack repeats (retries, a second replica) do their work once. Events (already acked)
  // wait for the claim here; commands, buttons and forms get it in their context and wait for it
  // within their ack budget (see firstDelivery).
  const dedupe = new DeliveryClaims(ctx.db, ctx.now, SLACK_DELIVERY_PREFIX);
  app.use(async (raw) => {
    const args = raw as unknown as AnyArgs & { context: Record<string, unknown> };
    const id = deliveryId(args.body);
    if (!id) return args.next();
    const claim = dedupe.claim(id).then(
      (first) => {
        if (!first) log.info({ id }, "slack: repeated delivery ignored");
        return first;
      },
      (err) => {
        // Dedupe is a guard, not a gate: if the store cannot say, do the work (it reports its own errors).
        log.warn({ err, id }, "slack: could not record the delivery id");
        return true;
      },
    );
    if (args.ack) {
      args.context[CLAIM] = claim;
      return args.next();
    }
    if (await claim) await args.next();
  });

  const services: SlackServices = {
    ctx,
    dedupe,
    ackBudgetMs: opts.ackBudgetMs ?? SLACK_TIMING.ackBudgetMs,
    gate: new AckGate(),
  };
  registerTendCommand(app, services);
  registerButtons(app, services);
  registerLogInteractionView(app, services);
  registerAppHome(app, services);
  app.error(async (err) => {
    log.error({ err }, "slack: listener failed");
  });

  return {
    app,
    mode: socket ? "socket" : "http",
    receiver,
    idle: (maxMs) => inflight.idle(maxMs),
  };
}

function teamOf(body: Record<string, unknown>): string | undefined {
  if (typeof body.team_id === "string") return body.team_id;
  const team = body.team as { id?: string } | null | undefined;
  if (team?.id) return team.id;
  const user = body.user as { team_id?: string } | undefined;
  return user?.team_id;
}

/** An attempt from another workspace, in the audit log: who, what was asked, why refused. */
async function refusedWorkspace(ctx: AppContext, body: Record<string, unknown>, team: string | undefined) {
  const user = (body.user_id ?? (body.user as { id?: string } | undefined)?.id) as string | undefined;
  const actions = body.actions as { action_id?: string; value?: string }[] | undefined;
  const asked =
    typeof body.command === "string"
      ? `${body.command} ${String(body.text ?? "")}`
      : actions?.[0]
        ? `${actions[0].action_id ?? ""} ${actions[0].value ?? ""}`
        : String(body.type ?? (body.event as { type?: string } | undefined)?.type ?? "request");
  try {
    await auditRefusal(ctx.db, {
      memberId: null,
      surface: "slack",
      asked,
      reason: "other_workspace",
      who: { slackUserId: user, slackTeamId: team },
    });
  } catch (err) {
    ctx.log.error({ err }, "audit: a refusal could not be recorded");
  }
}
