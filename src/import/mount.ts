import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { AppContext } from "../context.js";
import { localDay } from "../domain/dates.js";
import { rescoreAccounts } from "../health/rescore.js";
import { type HttpApp, readBody, sendJson } from "../http/server.js";
import type { ServicePart } from "../service-part.js";
import { DATE_ORDERS, type DateOrder } from "./dates.js";
import { IMPORT_KINDS } from "./kinds.js";
import { ImportConflict, importRows } from "./run.js";
import { csvSource, jsonSource, type RowSource } from "./source.js";

// POST /api/v1/<kind>: how a product's usage pipeline (or a CRM sync) pushes rows. The body is the
// same rows `tend import` reads: a JSON array, NDJSON, or CSV by content type. All rows or none.

/** Bodies past this are refused (413) before they are buffered; bigger loads go through `tend import`. */
export const INGEST_MAX_BYTES = 10 * 1024 * 1024;

const PREFIX = "/api/v1/";

/** Constant-time: hashing first makes both sides the same length, so length leaks nothing either. */
function tokenMatches(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
  return m?.[1]?.trim();
}

function sourceOf(req: IncomingMessage, body: string): RowSource | Promise<RowSource> {
  const type = (req.headers["content-type"] ?? "application/json").split(";")[0]!.trim().toLowerCase();
  if (type === "text/csv") return csvSource([body]);
  return jsonSource(body, { ndjson: type === "application/x-ndjson" || type === "application/jsonl" });
}

export async function mountIngest(ctx: AppContext, http: HttpApp): Promise<ServicePart> {
  http.route("POST", `${PREFIX}*`, async (req, res) => {
    const token = ctx.config.ingestToken;
    if (!token) {
      sendJson(res, 403, {
        error: "the ingest API is off: set TEND_INGEST_TOKEN on the service to turn it on (docs/import.md)",
      });
      return;
    }
    const given = bearer(req);
    if (!given || !tokenMatches(given, token)) {
      sendJson(
        res,
        401,
        { error: given ? "wrong token" : "missing bearer token (Authorization: Bearer <TEND_INGEST_TOKEN>)" },
        { "www-authenticate": 'Bearer realm="tend-ingest"' },
      );
      return;
    }
    const name = new URL(req.url ?? "/", "http://localhost").pathname.slice(PREFIX.length);
    const kind = IMPORT_KINDS.find((k) => k === name);
    if (!kind) {
      sendJson(res, 404, { error: `unknown kind "${name}"`, kinds: IMPORT_KINDS });
      return;
    }
    const params = new URL(req.url ?? "/", "http://localhost").searchParams;
    const dryRun = params.get("dry_run") === "true";
    const dateFormat = params.get("date_format")?.toUpperCase();
    if (dateFormat !== undefined && !DATE_ORDERS.includes(dateFormat as DateOrder)) {
      sendJson(res, 400, { error: `date_format must be DMY or MDY, got "${params.get("date_format")}"` });
      return;
    }
    // The whole push - reading it, the import's transaction, scoring what it touched - is one long
    // write: /healthz and acks must not queue behind it on the embedded store's one connection.
    const unhold = ctx.db.holdForWrite();
    try {
      let body: Buffer;
      try {
        body = await readBody(req, INGEST_MAX_BYTES);
      } catch (err) {
        // Refused before reading it all: close the connection rather than drain what is left.
        if ((err as { status?: number }).status === 413) {
          sendJson(
            res,
            413,
            { error: `body larger than ${INGEST_MAX_BYTES} bytes: send it in parts or use tend import` },
            { connection: "close" },
          );
          return;
        }
        throw err;
      }
      try {
        const r = await importRows(ctx, kind, await sourceOf(req, body.toString("utf8")), {
          dryRun,
          surface: "api",
          ...(dateFormat ? { dateOrder: dateFormat as DateOrder } : {}),
        });
        if (!r.ok) {
          const n = r.problems.length + r.moreProblems;
          sendJson(res, 400, {
            error: `${n} problem${n === 1 ? "" : "s"} in the rows: nothing written`,
            problems: r.problems,
            more: r.moreProblems,
          });
          return;
        }
        sendJson(res, 200, {
          kind,
          dryRun: r.dryRun,
          rows: r.rows,
          created: r.created,
          updated: r.updated,
          unchanged: r.unchanged,
          ...(r.ignoredColumns.length ? { ignoredColumns: r.ignoredColumns } : {}),
          ...(r.warnings.length ? { warnings: r.warnings, moreWarnings: r.moreWarnings } : {}),
          // The accounts the rows touched are scored before the answer, so the next card is current.
          ...(!dryRun && r.touched.length
            ? {
                scored: await rescoreAccounts(ctx, r.touched, localDay(ctx.now(), ctx.config.timezone), {
                  ...(r.since ? { since: r.since } : {}),
                }),
              }
            : {}),
        });
      } catch (err) {
        if (err instanceof ImportConflict) {
          sendJson(res, 409, { error: err.message });
          return;
        }
        throw err;
      }
    } finally {
      unhold();
    }
  });
  return { name: "ingest" };
}
