import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A local stand-in of the HubSpot CRM v3 API parts Tend's sync uses, shaped after HubSpot's
// documented responses: object lists paged by `after`, search (GTE on last-modified, ascending,
// 10,000-result cap, CONTAINS_TOKEN), owners, properties, v4 association batch reads, note and task
// creation with associations. Faults on demand: 429 with Retry-After, the ten-second limit, 401,
// 5xx, dropped connections (also after a write), deletes and merges.

type ObjType = "companies" | "contacts" | "deals" | "notes" | "tasks";
interface Obj {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  associations?: { companies?: string[] };
}

const MODIFIED: Record<ObjType, string> = {
  companies: "hs_lastmodifieddate",
  contacts: "lastmodifieddate",
  deals: "hs_lastmodifieddate",
  notes: "hs_lastmodifieddate",
  tasks: "hs_lastmodifieddate",
};

export interface Fault {
  /** Only requests whose "METHOD path" contains this (ending in "$": is exactly this). */
  match?: string;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Destroy the connection without an answer (before handling, or "after" the write happened). */
  drop?: "before" | "after";
  /** How many matching requests it hits. */
  times: number;
  /** Matching requests let through before it starts. */
  skip?: number;
}

export class HubSpotStandIn {
  token = "pat-test-token";
  objects: Record<ObjType, Map<string, Obj>> = {
    companies: new Map(),
    contacts: new Map(),
    deals: new Map(),
    notes: new Map(),
    tasks: new Map(),
  };
  owners: { id: string; email: string; firstName: string; lastName: string }[] = [];
  /** Property names the portal has, per object type (the dry run reports mapped ones missing). */
  propertyNames: Record<string, string[]> = {};
  faults: Fault[] = [];
  private sorted: Partial<Record<ObjType, Obj[]>> = {};
  /** Requests per rolling 10 s before a 429 (HubSpot's ten-secondly limit). */
  tenSecondLimit = Number.POSITIVE_INFINITY;
  requests: { method: string; path: string; at: number }[] = [];
  private clock = Date.parse("2026-11-01T00:00:00Z");
  private nextId = 1000;
  private server = createServer((req, res) => {
    this.handle(req, res).catch((err) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "error", message: String(err) }));
    });
  });
  url = "";

  async start() {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Changes from now on happen at `iso` (and a second apart after it). */
  setClock(iso: string) {
    this.clock = Date.parse(iso);
  }

  /** Each change is a second later than the last: last-modified order is change order. */
  private tick() {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  put(type: ObjType, id: string, properties: Record<string, string | null>, companies?: string[]) {
    const at = this.tick();
    const old = this.objects[type].get(id);
    const obj: Obj = {
      id,
      createdAt: old?.createdAt ?? at,
      updatedAt: at,
      properties: { ...old?.properties, ...properties, [MODIFIED[type]]: at, hs_object_id: id },
      associations: companies ? { companies } : old?.associations,
    };
    if (old) return Object.assign(old, obj); // in place: the cached id order stays valid
    delete this.sorted[type];
    this.objects[type].set(id, obj);
    return obj;
  }

  delete(type: ObjType, id: string) {
    this.objects[type].delete(id);
    delete this.sorted[type];
  }

  /** HubSpot's merge: `gone` disappears, `survivor` lists it in hs_merged_object_ids. */
  merge(survivor: string, gone: string) {
    const s = this.objects.companies.get(survivor);
    const prior = s?.properties.hs_merged_object_ids;
    this.delete("companies", gone);
    this.put("companies", survivor, { hs_merged_object_ids: prior ? `${prior};${gone}` : gone });
  }

  count(path: string) {
    return this.requests.filter((r) => `${r.method} ${r.path}`.includes(path)).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const u = new URL(req.url ?? "/", "http://x");
    const key = `${req.method} ${u.pathname}`;
    const now = Date.now();
    this.requests.push({ method: req.method ?? "", path: u.pathname, at: now });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(json));
    };
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return send(401, {
        status: "error",
        message: "Authentication credentials not found.",
        category: "INVALID_AUTHENTICATION",
      });
    const recent = this.requests.filter((r) => r.at > now - 10_000).length;
    if (recent > this.tenSecondLimit)
      return send(
        429,
        {
          status: "error",
          message: "You have reached your ten_secondly_rolling limit.",
          errorType: "RATE_LIMIT",
          policyName: "TEN_SECONDLY_ROLLING",
        },
        { "retry-after": "1" },
      );
    const fault = this.faults.find((f) => {
      if (f.times <= 0) return false;
      if (f.match?.endsWith("$") ? key !== f.match.slice(0, -1) : f.match && !key.includes(f.match)) return false;
      if (f.skip) {
        f.skip--;
        return false;
      }
      return true;
    });
    if (fault) {
      fault.times--;
      if (fault.drop === "before") return res.socket?.destroy();
      if (!fault.drop)
        return send(fault.status ?? 500, fault.body ?? { status: "error", message: "injected" }, fault.headers);
    }
    const out = this.route(req.method ?? "GET", u, body);
    if (fault?.drop === "after") return res.socket?.destroy();
    send(out[0], out[1]);
  }

  private view(o: Obj, props: string[]) {
    const properties: Record<string, string | null> = {};
    for (const p of props) if (p in o.properties) properties[p] = o.properties[p] ?? null;
    properties.hs_object_id = o.id;
    return { id: o.id, properties, createdAt: o.createdAt, updatedAt: o.updatedAt, archived: false };
  }

  // biome-ignore lint/suspicious/noExplicitAny: request bodies of several shapes, read as HubSpot documents them
  private route(method: string, u: URL, body: any): [number, unknown] {
    const p = u.pathname.replace(/\/+$/, "");
    const list = p.match(/^\/crm\/v3\/objects\/(\w+)$/);
    if (list && method === "GET") {
      const type = list[1] as ObjType;
      const props = u.searchParams.getAll("properties").flatMap((s) => s.split(","));
      const limit = Math.min(Number(u.searchParams.get("limit") ?? 10), 100);
      const after = Number(u.searchParams.get("after") ?? 0);
      this.sorted[type] ??= [...this.objects[type].values()].sort((a, b) => Number(a.id) - Number(b.id));
      const all = this.sorted[type];
      const page = all.slice(after, after + limit);
      const next = after + limit < all.length ? String(after + limit) : undefined;
      return [
        200,
        {
          results: page.map((o) => this.view(o, props)),
          ...(next ? { paging: { next: { after: next, link: `${p}?after=${next}` } } } : {}),
        },
      ];
    }
    if (list && method === "POST") {
      const type = list[1] as ObjType;
      const id = String(this.nextId++);
      const o = this.put(type, id, body.properties ?? {});
      o.associations = { companies: (body.associations ?? []).map((a: { to: { id: string } }) => String(a.to.id)) };
      return [201, this.view(o, Object.keys(o.properties))];
    }
    const search = p.match(/^\/crm\/v3\/objects\/(\w+)\/search$/);
    if (search && method === "POST") {
      const type = search[1] as ObjType;
      const filters: { propertyName: string; operator: string; value: string }[] = (body.filterGroups ?? []).flatMap(
        (g: { filters: unknown[] }) => g.filters,
      );
      const limit = Math.min(body.limit ?? 10, 200);
      const after = Number(body.after ?? 0);
      if (after + limit > 10_000)
        return [
          400,
          { status: "error", message: "The search API returns at most 10,000 results", category: "VALIDATION_ERROR" },
        ];
      let rows = [...this.objects[type].values()].filter((o) =>
        filters.every((f) => {
          const v = o.properties[f.propertyName];
          if (f.operator === "GTE") return v != null && Date.parse(v) >= Number(f.value);
          if (f.operator === "CONTAINS_TOKEN") return v?.includes(f.value);
          if (f.operator === "EQ") return v === f.value;
          return false;
        }),
      );
      const mod = MODIFIED[type];
      rows = rows.sort(
        (a, b) =>
          Date.parse(a.properties[mod] ?? "0") - Date.parse(b.properties[mod] ?? "0") || Number(a.id) - Number(b.id),
      );
      const page = rows.slice(after, after + limit);
      const next = after + limit < rows.length ? String(after + limit) : undefined;
      return [
        200,
        {
          total: rows.length,
          results: page.map((o) => this.view(o, body.properties ?? [])),
          ...(next ? { paging: { next: { after: next, link: "" } } } : {}),
        },
      ];
    }
    if (p === "/crm/v3/owners" && method === "GET") {
      const limit = Number(u.searchParams.get("limit") ?? 100);
      const after = Number(u.searchParams.get("after") ?? 0);
      const page = this.owners.slice(after, after + limit);
      const next = after + limit < this.owners.length ? String(after + limit) : undefined;
      return [
        200,
        {
          results: page.map((o) => ({
            ...o,
            userId: Number(o.id),
            createdAt: "2026-01-01T00:00:00.000Z",
            updatedAt: "2026-01-01T00:00:00.000Z",
            archived: false,
          })),
          ...(next ? { paging: { next: { after: next } } } : {}),
        },
      ];
    }
    const props = p.match(/^\/crm\/v3\/properties\/(\w+)$/);
    if (props && method === "GET") {
      const names = this.propertyNames[props[1] as string] ?? [];
      return [
        200,
        {
          results: names.map((name) => ({
            name,
            label: name,
            type: "string",
            fieldType: "text",
            groupName: "info",
            options: [],
          })),
        },
      ];
    }
    const assoc = p.match(/^\/crm\/v4\/associations\/(\w+)\/(\w+)\/batch\/read$/);
    if (assoc && method === "POST") {
      const from = assoc[1] as ObjType;
      const results = (body.inputs as { id: string }[])
        .map((i) => this.objects[from].get(String(i.id)))
        .filter((o): o is Obj => Boolean(o?.associations?.companies?.length))
        .map((o) => ({
          from: { id: o.id },
          to: (o.associations?.companies ?? []).map((c) => ({
            toObjectId: Number(c),
            associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: 5, label: null }],
          })),
        }));
      const now = new Date().toISOString();
      return [200, { status: "COMPLETE", results, startedAt: now, completedAt: now }];
    }
    return [404, { status: "error", message: `no route ${method} ${p}` }];
  }
}
