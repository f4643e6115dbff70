import { createHash } from "node:crypto";
import { z } from "zod";

// Product events in the Segment tracking spec (track, identify, group, page, screen), as Segment's
// own libraries, Segment/RudderStack webhook destinations or an app's own code send them. Pure: the
// shapes, their validation, and how one message becomes one stored event row.

/** Segment's documented limits: one event at most 32 KB, one batch at most 500 KB. */
export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

export const MESSAGE_KINDS = ["track", "identify", "group", "page", "screen", "alias"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

// Ids may come as numbers from some libraries; they are stored as text.
const id = z.union([z.string().min(1).max(500), z.number().finite()]).transform((v) => String(v));
const when = z.union([z.string().max(64), z.number().finite()]).optional();
const record = z.record(z.string(), z.unknown());

const base = {
  messageId: id.optional(),
  userId: id.optional().nullable(),
  anonymousId: id.optional().nullable(),
  timestamp: when,
  originalTimestamp: when,
  sentAt: when,
  context: z.object({ groupId: id.optional().nullable() }).passthrough().optional().nullable(),
  properties: record.optional().nullable(),
  traits: record.optional().nullable(),
  integrations: z.unknown().optional(),
};

export const MessageSchema = z
  .object({
    type: z.enum(MESSAGE_KINDS),
    event: z.string().max(500).optional().nullable(),
    name: z.string().max(500).optional().nullable(),
    category: z.string().max(500).optional().nullable(),
    groupId: id.optional().nullable(),
    previousId: id.optional().nullable(),
    ...base,
  })
  .passthrough()
  .superRefine((m, ctx) => {
    if (m.userId == null && m.anonymousId == null)
      ctx.addIssue({ code: "custom", path: ["userId"], message: "userId or anonymousId is required" });
    if (m.type === "track" && !m.event?.trim())
      ctx.addIssue({ code: "custom", path: ["event"], message: "a track call needs an event name" });
    if (m.type === "group" && m.groupId == null)
      ctx.addIssue({ code: "custom", path: ["groupId"], message: "a group call needs a groupId" });
  });
export type Message = z.infer<typeof MessageSchema>;

export const BatchSchema = z
  .object({
    batch: z.array(z.unknown()).max(10_000),
    sentAt: when,
    writeKey: z.string().optional(),
    context: record.optional(),
  })
  .passthrough();

/** One bad message of a request, for a 400 naming where and why. */
export interface MessageProblem {
  index: number;
  path: string;
  message: string;
}

/** Validates each message; any problem refuses the whole request (nothing half-taken). */
export function parseMessages(
  raw: unknown[],
  forcedType?: MessageKind,
): { ok: true; messages: Message[] } | { ok: false; problems: MessageProblem[] } {
  const messages: Message[] = [];
  const problems: MessageProblem[] = [];
  raw.forEach((item, index) => {
    const input =
      forcedType && item && typeof item === "object" ? { ...(item as object), type: forcedType } : (item ?? {});
    const r = MessageSchema.safeParse(input);
    if (r.success) messages.push(r.data);
    else
      for (const i of r.error.issues.slice(0, 3))
        problems.push({ index, path: i.path.join(".") || "(message)", message: i.message });
  });
  return problems.length ? { ok: false, problems: problems.slice(0, 20) } : { ok: true, messages };
}

// ---- the mapping file (TEND_EVENTS_CONFIG) ----

const patterns = z.array(z.string().min(1).max(200)).max(500);

export const EventsConfigSchema = z
  .object({
    /** Core feature -> the track event names (and page names) that mean it was used; `*` is a wildcard. */
    features: z.record(z.string().min(1).max(100), patterns).default({}),
    /** Event names that count as a login. */
    logins: patterns.default(["Signed In", "Logged In", "Login", "User Logged In"]),
    /** Event names that are not use of the product (heartbeats, emails opened...). */
    ignore: patterns.default([]),
    /** The group trait holding the account's external id (CRM id); absent: the groupId itself. */
    accountTrait: z.string().min(1).max(100).optional(),
  })
  .strict();
export type EventsConfig = z.infer<typeof EventsConfigSchema>;

export const EVENTS_DEFAULTS: EventsConfig = EventsConfigSchema.parse({});

function matcher(list: readonly string[]): (name: string) => boolean {
  if (!list.length) return () => false;
  const exact = new Set(list.filter((p) => !p.includes("*")).map((p) => p.toLowerCase()));
  const globs = list
    .filter((p) => p.includes("*"))
    .map((p) => new RegExp(`^${p.split("*").map(escapeRegExp).join(".*")}$`, "i"));
  return (name) => exact.has(name.toLowerCase()) || globs.some((g) => g.test(name));
}

function escapeRegExp(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface EventMapping {
  features: string[];
  /** The core feature a name maps to, or null; `login` and `ignored` as configured. */
  map(name: string): { feature: string | null; login: boolean; ignored: boolean };
}

export function compileMapping(config: EventsConfig): EventMapping {
  const features = Object.entries(config.features).map(([f, list]) => ({ f, test: matcher(list) }));
  const login = matcher(config.logins);
  const ignore = matcher(config.ignore);
  const cache = new Map<string, { feature: string | null; login: boolean; ignored: boolean }>();
  return {
    features: features.map((x) => x.f),
    map(name) {
      let hit = cache.get(name);
      if (!hit) {
        hit = {
          feature: features.find((x) => x.test(name))?.f ?? null,
          login: login(name),
          ignored: ignore(name),
        };
        // Bounded: a client sending unique names must not grow this for ever.
        if (cache.size < 10_000) cache.set(name, hit);
      }
      return hit;
    },
  };
}

// ---- one message -> one stored row ----

export interface EventRow {
  messageId: string;
  /**
   * The time the client stamped on the message (originalTimestamp, else timestamp) as sent, before
   * any clock correction; null when it stamped none. A retry resends it unchanged, so with the
   * messageId it is the event's identity in the store.
   */
  stampedAt: Date | null;
  ts: Date;
  kind: MessageKind;
  name: string | null;
  userKey: string;
  groupId: string | null;
  feature: string | null;
  login: boolean;
  /** Counts as use of the product (track, page, screen; not ignored names). */
  active: boolean;
  /** A track/page name no feature claims (counted and listed). */
  unmapped: boolean;
  /** group calls: the account's external id (the groupId, or the configured trait) and the group's name. */
  externalId?: string;
  groupName?: string | null;
}

/** Years 1 to 9999: what the store's timestamps take (a date outside them is treated as absent). */
const MIN_MS = Date.parse("0001-01-01T00:00:00Z");
const MAX_MS = Date.parse("9999-12-31T23:59:59.999Z");

function toDate(v: string | number | undefined): Date | null {
  if (v === undefined) return null;
  const d = new Date(v);
  const t = d.getTime();
  return Number.isNaN(t) || t < MIN_MS || t > MAX_MS ? null : d;
}

/** A clock further off than this (the sender's sentAt against our receipt) is corrected, as Segment does. */
const SKEW_MS = 60_000;

export function toRow(
  m: Message,
  mapping: EventMapping,
  config: Pick<EventsConfig, "accountTrait">,
  receivedAt: Date,
  sentAt: string | number | undefined,
): EventRow {
  // The client's own stamp first: a Segment or RudderStack webhook forwards the client's time as
  // originalTimestamp and recomputes timestamp per delivery, so a forwarded retry differs only there.
  const stampedAt = toDate(m.originalTimestamp) ?? toDate(m.timestamp);
  let ts = stampedAt ?? receivedAt;
  const sent = toDate(m.sentAt ?? sentAt);
  if (sent && Math.abs(receivedAt.getTime() - sent.getTime()) > SKEW_MS)
    ts = new Date(ts.getTime() + (receivedAt.getTime() - sent.getTime()));
  // An event dated in the future is taken as now (a wrong clock must not fill days yet to come).
  if (ts.getTime() > receivedAt.getTime() + SKEW_MS) ts = receivedAt;
  const userKey = m.userId != null ? m.userId : `anon:${m.anonymousId}`;
  const name =
    m.type === "track"
      ? (m.event ?? "").trim()
      : m.type === "page" || m.type === "screen"
        ? m.name?.trim() || null
        : null;
  const used = m.type === "track" || m.type === "page" || m.type === "screen";
  const hit = used && name ? mapping.map(name) : { feature: null, login: false, ignored: false };
  const groupId = m.type === "group" ? (m.groupId ?? null) : (m.context?.groupId ?? null);
  const row: EventRow = {
    // No messageId: the same content sent twice is still one event.
    messageId: m.messageId ?? `content:${createHash("sha256").update(JSON.stringify(m)).digest("hex").slice(0, 32)}`,
    stampedAt,
    ts,
    kind: m.type,
    name,
    userKey,
    groupId,
    feature: hit.feature,
    login: hit.login,
    active: used && !hit.ignored,
    unmapped: m.type === "track" && !!name && !hit.feature && !hit.login && !hit.ignored,
  };
  if (m.type === "group" && groupId) {
    const trait = config.accountTrait ? m.traits?.[config.accountTrait] : undefined;
    row.externalId = typeof trait === "string" || typeof trait === "number" ? String(trait) : groupId;
    const n = m.traits?.name;
    row.groupName = typeof n === "string" ? n.slice(0, 300) : null;
  }
  return row;
}
