// Load on the Slack endpoint: N signed slash commands at once against the service's own HTTP server on
// the demo book, answered through a stand-in Slack (response_url, Web API). Shared by the soak test
// (correctness: every command acknowledged and answered, nothing logged as an error) and by
// `npm run bench soak` (the figures: ack p50/p99, time until every answer arrived).
import { spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { DEMO_PEOPLE, demoEmail, demoSlackUserId } from "../../src/demo/generate.js";
import { createLogger } from "../../src/log.js";
import { createService, type Service } from "../../src/service.js";
import type { Db } from "../../src/store/db.js";
import { type SlackApiStandIn, startSlackApiStandIn } from "../slack/api-stand-in.js";
import { slackTestConfig } from "../slack/config.js";
import { postSigned, slashCommandBody } from "../slack/sign.js";

/** A realistic morning mix: who asks what (demo handles, as people type it). */
export const COMMAND_MIX: readonly [handle: string, text: string][] = [
  ["alice.chen", "brief northwind"],
  ["alice.chen", "mine"],
  ["alice.chen", "health northwind"],
  ["alice.chen", "renewals 90"],
  ["grace.walsh", "brightwave"],
  ["grace.walsh", "mine"],
  ["felix.wagner", "kestrel"],
  ["ben.carter", "summit"],
  ["ben.carter", "log summit call quick check-in"],
  ["li.na", "续约 90"],
  ["li.na", "云帆"],
  ["zhang.wei", "mine"],
  ["morgan.lee", "risk team"],
  ["morgan.lee", "renewals quarter team"],
  ["morgan.lee", "metrics team year"],
  ["wang.fang", "risk team"],
  ["victor.hale", "risk team"],
  ["sam.rivera", "renewals 120"],
  ["hugo.martin", "help"],
];

export interface LogLine {
  level: number;
  msg: string;
}

export interface LoadTarget {
  url: string;
  api: SlackApiStandIn;
  service: Service;
  /** Everything logged at warn and above while the target ran. */
  logs: LogLine[];
  close(): Promise<void>;
}

/** The real service (HTTP server, Slack endpoint, ingest endpoint) over `db`, Slack's side stood in. */
export async function startLoadTarget(db: Db, now: Date): Promise<LoadTarget> {
  const api = await startSlackApiStandIn();
  for (const p of DEMO_PEOPLE) api.users[demoSlackUserId(p.handle)] = { email: demoEmail(p.handle), name: p.name };
  const logs: LogLine[] = [];
  const log = createLogger("warn", { write: (s: string) => void logs.push(JSON.parse(s) as LogLine) });
  const config = slackTestConfig(api.url);
  const service = await createService(config, log, db, () => now);
  const { port } = (await service.start()) as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    api,
    service,
    logs,
    async close() {
      await service.stop();
      await api.close();
    },
  };
}

export interface CommandOutcome {
  handle: string;
  text: string;
  status: number;
  /** Time from sending the request to having the whole ack (client side, same process). */
  ackMs: number;
  /** The answer, whether it came in the ack or later through response_url. */
  answer?: { text?: string; blocks?: unknown[] };
  answeredIn?: "ack" | "response_url";
}

export interface LoadResult {
  outcomes: CommandOutcome[];
  /** Event-loop delay while the acks were outstanding (server and client share the loop), ms. */
  loopDelay: { p50: number; p99: number; max: number };
  /** From the burst being fired to the last answer (or the give-up point), wall clock. */
  allAnsweredMs: number;
  unanswered: number;
}

/**
 * Sends `n` signed slash commands at once (the mix, round robin) and waits until each is answered
 * in its ack or through its own response_url, or `giveUpMs` passes.
 */
export async function fireSlashCommands(
  target: Pick<LoadTarget, "url" | "api">,
  n: number,
  opts: { now: Date; giveUpMs?: number; clientProcess?: boolean },
): Promise<LoadResult> {
  const started = performance.now();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const sent = Array.from({ length: n }, (_, i) => {
    const [handle, text] = COMMAND_MIX[i % COMMAND_MIX.length]!;
    const responseUrl = target.api.responseUrl();
    const body = slashCommandBody({ text, userId: demoSlackUserId(handle), responseUrl, channelId: "C0DEMOAMER" });
    return { handle, text, path: new URL(responseUrl).pathname, body };
  });
  let firedAt = Date.now();
  const acked = opts.clientProcess
    ? await fireFromChild(
        target.url,
        opts.now,
        sent.map((c) => c.body),
        (at) => {
          firedAt = at;
        },
      )
    : await Promise.all(
        sent.map(async (c) => {
          const t0 = performance.now();
          const res = await postSigned(target.url, c.body, { now: opts.now });
          const raw = await res.text();
          return { status: res.status, ackMs: performance.now() - t0, raw };
        }),
      );
  const outcomes = sent.map((c, i): CommandOutcome => {
    const { status, ackMs, raw } = acked[i]!;
    const out: CommandOutcome = { handle: c.handle, text: c.text, status, ackMs };
    const ack = raw ? (JSON.parse(raw) as CommandOutcome["answer"]) : undefined;
    if (ack && (ack.text || ack.blocks?.length)) Object.assign(out, { answer: ack, answeredIn: "ack" });
    return out;
  });
  lag.disable();
  const ms = (ns: number) => ns / 1e6;
  const loopDelay = { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) };
  const giveUpAt = started + (opts.giveUpMs ?? 300_000);
  const pending = () => outcomes.filter((o) => !o.answer);
  for (;;) {
    for (const [i, o] of outcomes.entries()) {
      if (o.answer) continue;
      const r = target.api.responses.find((x) => x.path === sent[i]!.path);
      if (r) Object.assign(o, { answer: r.body, answeredIn: "response_url" });
    }
    if (pending().length === 0 || performance.now() > giveUpAt) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { outcomes, loopDelay, allAnsweredMs: Date.now() - firedAt, unanswered: pending().length };
}

/** The same burst from a separate process (test/soak/fire-client.ts), results in request order. */
async function fireFromChild(
  url: string,
  now: Date,
  bodies: string[],
  onFired: (wallClockMs: number) => void,
): Promise<{ status: number; ackMs: number; raw: string }[]> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/soak/fire-client.ts"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  child.stdin.end(
    JSON.stringify({ url, now: now.toISOString(), commands: bodies.map((body, tag) => ({ body, tag })) }),
  );
  const code = await exited;
  if (code !== 0) throw new Error(`load client exited with ${code}`);
  const { firedAt, results } = JSON.parse(out) as {
    firedAt: number;
    results: { tag: number; status: number; ackMs: number; raw: string }[];
  };
  onFired(firedAt);
  return results.sort((a, b) => a.tag - b.tag);
}
