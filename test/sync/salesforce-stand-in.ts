import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A local stand-in of the Salesforce REST API parts Tend's sync uses, shaped after Salesforce's
// documented responses: the OAuth 2.0 client credentials token endpoint, SOQL query / queryAll
// paged by nextRecordsUrl (query-more), describe, limits, and Task creation. It understands the
// SOQL Tend writes (fields, FROM, LastModifiedDate >=, Type =, IsDeleted, Subject LIKE). Faults on
// demand: an error answer (5xx, 400 with Salesforce's error body), a dropped connection (before the
// request is handled, or after a write happened).

export interface SfFault {
  /** Only requests whose "METHOD path" contains this. */
  match?: string;
  status?: number;
  /** Salesforce's error code in the answer's body (with `status`). */
  errorCode?: string;
  drop?: "before" | "after";
  times: number;
  /** Matching requests let through before it starts. */
  skip?: number;
}

type Rec = Record<string, unknown> & { Id: string; LastModifiedDate?: string };

export class SalesforceStandIn {
  clientId = "cid";
  clientSecret = "csecret";
  /** The token the token endpoint hands out; set `expired` to answer 401 until a new one is issued. */
  token = "sf-token-1";
  expired = false;
  pageSize = 50;
  tables: Record<string, Map<string, Rec>> = {
    User: new Map(),
    Account: new Map(),
    Contact: new Map(),
    Opportunity: new Map(),
    Task: new Map(),
  };
  /** Deleted (and merged) records, as queryAll still sees them. */
  deleted = new Map<string, Rec>();
  tokensIssued = 0;
  faults: SfFault[] = [];
  requests: string[] = [];
  /** Expire the session after this many more API requests (a session timing out mid-run). */
  expireAfter = Number.POSITIVE_INFINITY;
  private cursors = new Map<string, Rec[]>();
  private clock = Date.parse("2026-11-01T00:00:00Z");
  private nextId = 1;
  url = "";
  private server = createServer((req, res) => {
    this.handle(req, res).catch((err) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify([{ errorCode: "UNKNOWN_EXCEPTION", message: String(err) }]));
    });
  });

  async start() {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  setClock(iso: string) {
    this.clock = Date.parse(iso);
  }

  put(table: string, id: string, fields: Record<string, unknown>) {
    this.clock += 1000;
    const old = this.tables[table]?.get(id);
    const rec: Rec = {
      ...old,
      ...fields,
      Id: id,
      LastModifiedDate: new Date(this.clock).toISOString().replace("Z", "+0000"),
    };
    this.tables[table]?.set(id, rec);
    return rec;
  }

  merge(master: string, gone: string) {
    const rec = this.tables.Account?.get(gone);
    this.tables.Account?.delete(gone);
    this.clock += 1000;
    const at = new Date(this.clock).toISOString().replace("Z", "+0000");
    if (rec) this.deleted.set(gone, { ...rec, IsDeleted: true, MasterRecordId: master, LastModifiedDate: at });
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const u = new URL(req.url ?? "/", "http://x");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let send = (status: number, json: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(json));
    };
    if (u.pathname === "/services/oauth2/token" && req.method === "POST") {
      const form = new URLSearchParams(raw);
      if (
        form.get("grant_type") !== "client_credentials" ||
        form.get("client_id") !== this.clientId ||
        form.get("client_secret") !== this.clientSecret
      )
        return send(400, { error: "invalid_client", error_description: "invalid client credentials" });
      this.tokensIssued++;
      this.token = `sf-token-${this.tokensIssued}`;
      this.expired = false;
      return send(200, {
        access_token: this.token,
        instance_url: this.url,
        id: `${this.url}/id/00D/005`,
        token_type: "Bearer",
        issued_at: String(Date.now()),
        signature: "x",
      });
    }
    const key = `${req.method} ${u.pathname}`;
    this.requests.push(key);
    const fault = this.faults.find((f) => f.times > 0 && (!f.match || key.includes(f.match)));
    if (fault) {
      if (fault.skip) fault.skip--;
      else {
        fault.times--;
        if (fault.drop === "before") return void req.socket.destroy();
        // The request is handled (a Task is created) but its answer never arrives.
        if (fault.drop === "after") send = () => void req.socket.destroy();
        else
          return send(fault.status ?? 503, [
            { errorCode: fault.errorCode ?? "SERVER_UNAVAILABLE", message: "stand-in fault" },
          ]);
      }
    }
    if (--this.expireAfter < 0) {
      this.expired = true;
      this.expireAfter = Number.POSITIVE_INFINITY;
    }
    if (this.expired || req.headers.authorization !== `Bearer ${this.token}`)
      return send(401, [{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }]);
    const m = u.pathname.match(/^\/services\/data\/v\d+\.0\/(.*)$/);
    const rest = m?.[1] ?? "";
    if ((rest === "query" || rest === "queryAll") && req.method === "GET")
      return send(200, this.query(u.searchParams.get("q") ?? "", rest === "queryAll"));
    const more = rest.match(/^query\/(.+)$/);
    if (more) return send(200, this.page(more[1] as string));
    if (rest === "limits") return send(200, { DailyApiRequests: { Max: 15000, Remaining: 14000 } });
    const describe = rest.match(/^sobjects\/(\w+)\/describe$/);
    if (describe) {
      const names = new Set<string>([
        "Id",
        "LastModifiedDate",
        "OwnerId",
        "Name",
        "Website",
        "Industry",
        "AnnualRevenue",
      ]);
      for (const r of this.tables[describe[1] as string]?.values() ?? []) for (const k of Object.keys(r)) names.add(k);
      return send(200, { name: describe[1], fields: [...names].map((name) => ({ name, type: "string" })) });
    }
    const create = rest.match(/^sobjects\/(\w+)$/);
    if (create && req.method === "POST") {
      const id = `00T${String(this.nextId++).padStart(12, "0")}`;
      this.put(create[1] as string, id, JSON.parse(raw));
      return send(201, { id, success: true, errors: [] });
    }
    return send(404, [{ errorCode: "NOT_FOUND", message: `no route ${req.method} ${u.pathname}` }]);
  }

  private query(soql: string, all: boolean) {
    const from = soql.match(/FROM\s+(\w+)/i)?.[1] ?? "";
    const fields = (soql.match(/SELECT\s+(.+?)\s+FROM/i)?.[1] ?? "Id").split(",").map((f) => f.trim());
    let rows = [...(this.tables[from]?.values() ?? [])];
    if (all && from === "Account") rows = [...rows, ...this.deleted.values()];
    const since = soql.match(/LastModifiedDate\s*>=\s*(\S+)/i)?.[1];
    if (since)
      rows = rows.filter((r) => Date.parse(String(r.LastModifiedDate).replace("+0000", "Z")) >= Date.parse(since));
    const type = soql.match(/Type\s*=\s*'([^']*)'/i)?.[1];
    if (type !== undefined) rows = rows.filter((r) => r.Type === type);
    if (/IsDeleted\s*=\s*true/i.test(soql)) rows = rows.filter((r) => r.IsDeleted === true);
    if (/MasterRecordId != null/i.test(soql)) rows = rows.filter((r) => r.MasterRecordId);
    const ids = soql.match(/Id IN \(([^)]*)\)/i)?.[1];
    if (ids) {
      const want = new Set(ids.split(",").map((s) => s.trim().replace(/^'|'$/g, "")));
      rows = rows.filter((r) => want.has(r.Id));
    }
    const like = soql.match(/Subject LIKE '%(.*)'/i)?.[1];
    if (like !== undefined) rows = rows.filter((r) => String(r.Subject ?? "").endsWith(like.replace(/\\'/g, "'")));
    if (/IsActive = true/i.test(soql)) rows = rows.filter((r) => r.IsActive !== false);
    rows.sort(
      (a, b) => String(a.LastModifiedDate).localeCompare(String(b.LastModifiedDate)) || a.Id.localeCompare(b.Id),
    );
    const view = rows.map((r) => {
      const o: Record<string, unknown> = {
        attributes: { type: from, url: `/services/data/v62.0/sobjects/${from}/${r.Id}` },
      };
      for (const f of fields) o[f] = r[f] ?? null;
      return o as Rec;
    });
    const key = `01g${Math.random().toString(36).slice(2, 10)}`;
    this.cursors.set(key, view);
    return this.page(`${key}-0`, view.length);
  }

  private page(locator: string, total?: number) {
    const [key, offsetText] = locator.split("-");
    const rows = this.cursors.get(key as string) ?? [];
    const offset = Number(offsetText ?? 0);
    const records = rows.slice(offset, offset + this.pageSize);
    const done = offset + this.pageSize >= rows.length;
    return {
      totalSize: total ?? rows.length,
      done,
      records,
      ...(done ? {} : { nextRecordsUrl: `/services/data/v62.0/query/${key}-${offset + this.pageSize}` }),
    };
  }
}
