import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { gunzipSync } from "node:zlib";
import type { AppContext } from "../context.js";
import {
  BatchSchema,
  MAX_BATCH_BYTES,
  MAX_EVENT_BYTES,
  type MessageKind,
  parseMessages,
  toRow,
} from "../domain/signals/segment.js";
import { type HttpApp, HttpError, readBody, sendJson } from "../http/server.js";
import type { ServicePart } from "../service-part.js";
import { isStoreUnavailable } from "../store/db.js";
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
    const limit = kind === "batch" ? MAX_BATCH_BYTES : MAX_EVENT_BYTES;
    let text: string;
    try {
      text = decode(req, await readBody(req, limit), limit);
      if (Buffer.byteLength(text) > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
    } catch (err) {
      if (err instanceof HttpError && err.status === 413) {
        intake.tally("too_large", 0, err.message);
        sendJson(
          res,
          413,
          { error: `${err.message}: Segment's limits are 500 KB a batch and 32 KB an event` },
          { connection: "close" },
        );
        return;
      }
      throw err;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      intake.tally("bad_request", 0, "body is not JSON");
      return sendJson(res, 400, { error: "body is not JSON" });
    }
    let raw: unknown[];
    let sentAt: string | number | undefined;
    let bodyKey: string | undefined;
    if (kind === "batch") {
      const b = BatchSchema.safeParse(body);
      if (!b.success) {
        intake.tally("bad_request", 0, "not a batch");
        return sendJson(res, 400, { error: 'a batch is {"batch": [messages...]}' });
      }
      raw = b.data.batch;
      sentAt = b.data.sentAt;
      bodyKey = b.data.writeKey;
    } else {
      if (!body || typeof body !== "object" || Array.isArray(body)) {
        intake.tally("bad_request", 0, "not an object");
        return sendJson(res, 400, { error: `a ${kind} call is one JSON object` });
      }
      raw = [body];
      const o = body as { writeKey?: unknown; sentAt?: unknown };
      bodyKey = typeof o.writeKey === "string" ? o.writeKey : undefined;
    }
    const given = basicUser(req) ?? bodyKey;
    if (!given || !keyMatches(given, writeKey)) {
      intake.tally("unauthorized", 0);
      return sendJson(
        res,
        401,
        { error: given ? "wrong write key" : "missing write key (HTTP Basic, the write key as user name)" },
        { "www-authenticate": 'Basic realm="tend-segment"' },
      );
    }
    // Each event within Segment's 32 KB, checked on what was sent.
    const big = raw.findIndex((m) => Buffer.byteLength(JSON.stringify(m ?? null)) > MAX_EVENT_BYTES);
    if (big >= 0) {
      intake.tally("too_large", raw.length, `event ${big} larger than 32 KB`);
      return sendJson(res, 413, {
        error: `event ${big} is larger than ${MAX_EVENT_BYTES} bytes (32 KB): nothing taken`,
      });
    }
    const parsed = parseMessages(raw, kind === "batch" ? undefined : kind);
    if (!parsed.ok) {
      const first = parsed.problems[0]!;
      intake.tally("bad_request", raw.length, `${first.path}: ${first.message}`);
      return sendJson(res, 400, {
        error: `${parsed.problems.length} problem${parsed.problems.length === 1 ? "" : "s"} in the events: nothing taken`,
        problems: parsed.problems,
      });
    }
    // The real time of receipt (not the injectable clock): it is set against the sender's own clock.
    const receivedAt = new Date();
    const rows = parsed.messages
      .filter((m) => m.type !== "alias")
      .map((m) => toRow(m, intake.mapping, intake.config, receivedAt, sentAt));
    if (!rows.length) return sendJson(res, 200, { success: true, stored: 0, duplicates: 0 });
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
