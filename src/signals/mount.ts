import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { gunzipSync } from "node:zlib";
import type { AppContext } from "../context.js";
import {
  BatchSchema,
  MAX_BATCH_BYTES,
  MAX_EVENT_BYTES,
  type Message,
  type MessageKind,
  parseMessages,
  toRow,
} from "../domain/signals/segment.js";
import { type HttpApp, HttpError, readBody, sendJson } from "../http/server.js";
import type { ServicePart } from "../service-part.js";
import { isStoreUnavailable } from "../store/db.js";
import type { IntakeOutcome } from "../store/repos/product-events.js";
import { EventIntake, type IntakeOptions, loadEventsConfig, Overloaded } from "./intake.js";

// POST /segment/v1/{batch,track,identify,group,page,screen}: the Segment tracking spec's HTTP API, so
// Segment's own libraries (host pointed at Tend), Segment or RudderStack webhook destinations and an
// app's own code send here unchanged. HTTP Basic with the write key as user name (or `writeKey` in the
// body, as Segment's HTTP API allows). Answers as those clients expect: 200 once stored, 400 with the
// reason, 401, 413 past the size limits, 429 with Retry-After when the store falls behind.

export const SEGMENT_PREFIX = "/segment/v1/";
const SINGLE: MessageKind[] = ["track", "identify", "group", "page", "screen", "alias"];

function keyMatches(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The write key from `Authorization: Basic base64(key:)` (Segment's libraries), else none. */
function basicUser(req: IncomingMessage): string | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? "");
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const i = decoded.indexOf(":");
  return i >= 0 ? decoded.slice(0, i) : decoded;
}

function decode(req: IncomingMessage, body: Buffer, limit: number): string {
  const enc = (req.headers["content-encoding"] ?? "").toLowerCase();
  if (enc === "gzip") {
    try {
      return gunzipSync(body, { maxOutputLength: limit + 1 }).toString("utf8");
    } catch (err) {
      if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
        throw new HttpError(413, `body larger than ${limit} bytes once unzipped`);
      throw new HttpError(400, "body is not valid gzip");
    }
  }
  if (enc && enc !== "identity") throw new HttpError(415, `content-encoding ${enc} is not supported (gzip is)`);
  return body.toString("utf8");
}

export async function mountSegment(
  ctx: AppContext,
  http: HttpApp,
  opts: Partial<IntakeOptions> = {},
): Promise<ServicePart & { intake?: EventIntake }> {
  const writeKey = ctx.config.segmentWriteKey;
  const off = (_req: IncomingMessage, res: ServerResponse) =>
    sendJson(res, 404, {
      error: "the event intake is off: set TEND_SEGMENT_WRITE_KEY on the service to turn it on (docs/signals.md)",
    });
  if (!writeKey) {
    http.route("POST", `${SEGMENT_PREFIX}*`, off);
    return { name: "segment (off)" };
  }
  const intake = new EventIntake(ctx, await loadEventsConfig(ctx.config.eventsConfigFile), opts);

  const handle = (kind: MessageKind | "batch") => async (req: IncomingMessage, res: ServerResponse) => {
    const taken = await takeMessages(req, kind, writeKey);
    if ("refused" in taken) {
      const r = taken.refused;
      intake.tally(r.outcome, r.events, r.note);
      return sendJson(res, r.status, r.body, r.headers);
    }
    // The real time of receipt (not the injectable clock): it is set against the sender's own clock.
    const receivedAt = new Date();
    const rows = taken.messages
      .filter((m) => m.type !== "alias")
      .map((m) => toRow(m, intake.mapping, intake.config, receivedAt, taken.sentAt));
    if (!rows.length) return sendJson(res, 200, { success: true, stored: 0, duplicates: 0 });
    await store(intake, rows, res);
  };

  http.route("POST", `${SEGMENT_PREFIX}batch`, handle("batch"));
  http.route("POST", "/segment/v1/import", handle("batch")); // Segment's older name for batch
  for (const k of SINGLE) http.route("POST", `${SEGMENT_PREFIX}${k}`, handle(k));
  return {
    name: "segment",
    intake,
    async start() {
      intake.start();
    },
    async stop() {
      await intake.stop();
    },
  };
}

/** A request turned away: the answer, and what the intake counts. */
interface Refusal {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  outcome: IntakeOutcome;
  events: number;
  note?: string;
}

const refuse = (
  outcome: IntakeOutcome,
  events: number,
  note: string | undefined,
  status: number,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
): { refused: Refusal } => ({ refused: { status, body, outcome, events, note, ...(headers ? { headers } : {}) } });

/** The request's messages, read, authorized and checked, or why they are refused (nothing taken). */
async function takeMessages(
  req: IncomingMessage,
  kind: MessageKind | "batch",
  writeKey: string,
): Promise<{ messages: Message[]; sentAt: string | number | undefined } | { refused: Refusal }> {
  const text = await bodyText(req, kind);
  if (typeof text !== "string") return text;
  const envelope = unwrap(text, kind);
  if ("refused" in envelope) return envelope;
  const { raw, sentAt, bodyKey } = envelope;
  const given = basicUser(req) ?? bodyKey;
  if (!given || !keyMatches(given, writeKey))
    return refuse(
      "unauthorized",
      0,
      undefined,
      401,
      { error: given ? "wrong write key" : "missing write key (HTTP Basic, the write key as user name)" },
      { "www-authenticate": 'Basic realm="tend-segment"' },
    );
  // Each event within Segment's 32 KB, checked on what was sent.
  const big = raw.findIndex((m) => Buffer.byteLength(JSON.stringify(m ?? null)) > MAX_EVENT_BYTES);
  if (big >= 0)
    return refuse("too_large", raw.length, `event ${big} larger than 32 KB`, 413, {
      error: `event ${big} is larger than ${MAX_EVENT_BYTES} bytes (32 KB): nothing taken`,
    });
  const parsed = parseMessages(raw, kind === "batch" ? undefined : kind);
  if (!parsed.ok) {
    const first = parsed.problems[0]!;
    return refuse("bad_request", raw.length, `${first.path}: ${first.message}`, 400, {
      error: `${parsed.problems.length} problem${parsed.problems.length === 1 ? "" : "s"} in the events: nothing taken`,
      problems: parsed.problems,
    });
  }
  return { messages: parsed.messages, sentAt };
}

/** The body as text, within the limit of its kind (unzipped when gzipped). */
async function bodyText(req: IncomingMessage, kind: MessageKind | "batch"): Promise<string | { refused: Refusal }> {
  const limit = kind === "batch" ? MAX_BATCH_BYTES : MAX_EVENT_BYTES;
  try {
    const text = decode(req, await readBody(req, limit), limit);
    if (Buffer.byteLength(text) > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
    return text;
  } catch (err) {
    if (err instanceof HttpError && err.status === 413)
      return refuse(
        "too_large",
        0,
        err.message,
        413,
        { error: `${err.message}: Segment's limits are 500 KB a batch and 32 KB an event` },
        { connection: "close" },
      );
    throw err;
  }
}

/** A batch's messages, or one call's message, with the sent time and a write key given in the body. */
function unwrap(
  text: string,
  kind: MessageKind | "batch",
): { raw: unknown[]; sentAt?: string | number; bodyKey?: string } | { refused: Refusal } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return refuse("bad_request", 0, "body is not JSON", 400, { error: "body is not JSON" });
  }
  if (kind === "batch") {
    const b = BatchSchema.safeParse(body);
    if (!b.success)
      return refuse("bad_request", 0, "not a batch", 400, { error: 'a batch is {"batch": [messages...]}' });
    return { raw: b.data.batch, sentAt: b.data.sentAt, bodyKey: b.data.writeKey };
  }
  if (!body || typeof body !== "object" || Array.isArray(body))
    return refuse("bad_request", 0, "not an object", 400, { error: `a ${kind} call is one JSON object` });
  const o = body as { writeKey?: unknown; sentAt?: unknown };
  return { raw: [body], bodyKey: typeof o.writeKey === "string" ? o.writeKey : undefined };
}

/** Hands the rows to the intake: 200 once stored, 429 when it falls behind, 503 without a store. */
async function store(intake: EventIntake, rows: ReturnType<typeof toRow>[], res: ServerResponse): Promise<void> {
  try {
    const w = await intake.submit(rows);
    sendJson(res, 200, { success: true, stored: w.inserted, duplicates: w.duplicates });
  } catch (err) {
    if (err instanceof Overloaded) {
      intake.tally("overloaded", rows.length);
      return sendJson(res, 429, { error: err.message }, { "retry-after": String(err.retryAfterSeconds) });
    }
    intake.tally("failed", rows.length, isStoreUnavailable(err) ? "store unreachable" : "store error");
    // The clients retry a 5xx: nothing is lost, and the messageIds keep the retry from counting twice.
    if (isStoreUnavailable(err))
      return sendJson(res, 503, { error: "the store is not reachable: try again" }, { "retry-after": "5" });
    throw err;
  }
}
