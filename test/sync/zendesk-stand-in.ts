import http from "node:http";
import type { AddressInfo } from "node:net";

// A stand-in of Zendesk's cursor-based incremental ticket export
// (GET /api/v2/incremental/tickets/cursor.json): tickets ordered by updated_at, pages of `pageSize`,
// an opaque cursor, organizations and metric_sets sideloaded, deleted tickets reported with status
// "deleted", Basic auth (email/token:api_token), and 429 + Retry-After on the requests told to.

export interface StandInTicket {
  id: number;
  subject: string;
  status: string;
  priority: string | null;
  organization_id: number | null;
  created_at: string;
  updated_at: string;
  satisfaction_rating?: { score: string } | null;
  reopens?: number;
  solved_at?: string | null;
}

export interface StandInOrg {
  id: number;
  name: string;
  external_id: string | null;
  domain_names: string[];
}

export async function zendeskStandIn(opts: { email: string; token: string; pageSize?: number }) {
  const tickets = new Map<number, StandInTicket>();
  const orgs = new Map<number, StandInOrg>();
  const requests: string[] = [];
  let rateLimitNext = 0;
  let seq = 0;
  // Each change gets a sequence number: the cursor is "changes after n", as Zendesk's is opaque.
  const changedAt = new Map<number, number>();
  const pageSize = opts.pageSize ?? 2;
  const auth = `Basic ${Buffer.from(`${opts.email}/token:${opts.token}`).toString("base64")}`;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push(url.pathname + url.search);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== auth) return send(401, { error: "Couldn't authenticate you" });
    if (url.pathname !== "/api/v2/incremental/tickets/cursor.json") return send(404, { error: "InvalidEndpoint" });
    if (rateLimitNext > 0) {
      rateLimitNext--;
      return send(429, { error: "APIRateLimitExceeded" }, { "retry-after": "1" });
    }
    const cursor = url.searchParams.get("cursor");
    const after = cursor ? Number(Buffer.from(cursor, "base64").toString("utf8")) : -1;
    if (!cursor && url.searchParams.get("start_time") === null) return send(400, { error: "start_time or cursor" });
    const changed = [...tickets.values()]
      .map((t) => ({ t, n: changedAt.get(t.id)! }))
      .filter((x) => x.n > after)
      .sort((a, b) => a.n - b.n);
    const page = changed.slice(0, pageSize);
    const last = page.at(-1)?.n ?? after;
    const include = (url.searchParams.get("include") ?? "").split(",");
    const orgIds = new Set(page.map((x) => x.t.organization_id).filter((id): id is number => id !== null));
    send(200, {
      tickets: page.map(({ t }) => {
        const { reopens: _r, solved_at: _s, ...rest } = t;
        return rest;
      }),
      ...(include.includes("organizations")
        ? { organizations: [...orgIds].map((id) => orgs.get(id)).filter(Boolean) }
        : {}),
      ...(include.includes("metric_sets")
        ? {
            metric_sets: page.map(({ t }) => ({
              ticket_id: t.id,
              reopens: t.reopens ?? 0,
              solved_at: t.solved_at ?? null,
            })),
          }
        : {}),
      after_cursor: Buffer.from(String(last)).toString("base64"),
      after_url: null,
      end_of_stream: changed.length <= pageSize,
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    org(o: StandInOrg) {
      orgs.set(o.id, o);
    },
    /** Adds or changes a ticket: it comes again in the next export after the cursor. */
    ticket(t: StandInTicket) {
      tickets.set(t.id, t);
      changedAt.set(t.id, ++seq);
    },
    rateLimit(n: number) {
      rateLimitNext = n;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
