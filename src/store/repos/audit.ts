import type { Db } from "../db.js";

export interface AuditEntry {
  memberId: string | null;
  surface: string;
  action: string;
  accountId?: string | null;
  detail?: Record<string, unknown>;
}

/** One row per account read or write (who, what, when, which surface). Set-based for lists. */
export async function audit(db: Db, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.prisma.auditLog.createMany({
    data: entries.map((e) => ({
      memberId: e.memberId,
      surface: e.surface,
      action: e.action,
      accountId: e.accountId ?? null,
      detail: (e.detail ?? undefined) as never,
    })),
  });
}

/** A refused attempt: who (a member, or the platform identity of someone unknown), what, why. */
export interface Refusal {
  memberId: string | null;
  surface: string;
  /** What was asked: the command text, or the button's action and value. */
  asked: string;
  /** Why: unknown_user, inactive, forbidden, forged, other_workspace, other_tenant... */
  reason: string;
  accountId?: string | null;
  /** The platform identity (user id, tenant, email) when there is no member. */
  who?: Record<string, string | undefined>;
}

export async function auditRefusal(db: Db, r: Refusal): Promise<void> {
  await audit(db, [
    {
      memberId: r.memberId,
      surface: r.surface,
      action: "refused",
      accountId: r.accountId ?? null,
      detail: {
        asked: r.asked.slice(0, 500),
        reason: r.reason,
        ...(r.who ? { who: Object.fromEntries(Object.entries(r.who).filter(([, v]) => v !== undefined)) } : {}),
      },
    },
  ]);
}

export interface AuditQuery {
  /** A member: email (any case), id, or a platform id found in a refusal's `who`. */
  person?: string;
  /** An account: id, or name (any case). */
  account?: string;
  since?: Date;
  refusedOnly?: boolean;
  limit?: number;
}

export interface AuditRow {
  at: Date;
  who: string;
  surface: string;
  action: string;
  account: string | null;
  detail: Record<string, unknown> | null;
}

/** The audit log, newest first, filtered by person, account, time and refusals. */
export async function readAudit(db: Db, q: AuditQuery): Promise<AuditRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (q.person) {
    const v = p(q.person);
    where.push(
      `(m.id = ${v} OR lower(m.email) = lower(${v}) OR l.detail->'who' @> jsonb_build_object('slackUserId', ${v}::text)
        OR l.detail->'who' @> jsonb_build_object('feishuOpenId', ${v}::text)
        OR lower(l.detail->'who'->>'email') = lower(${v}))`,
    );
  }
  if (q.account) {
    const v = p(q.account);
    where.push(`(a.id = ${v} OR lower(a.name) = lower(${v}))`);
  }
  if (q.since) where.push(`l.at >= ${p(q.since)}::timestamp(3)`);
  if (q.refusedOnly) where.push(`l.action = 'refused'`);
  const res = await db.pool.query<{
    at: Date;
    email: string | null;
    surface: string;
    action: string;
    account: string | null;
    detail: Record<string, unknown> | null;
  }>(
    `SELECT l.at, m.email, l.surface, l.action, a.name AS account, l.detail
       FROM "AuditLog" l LEFT JOIN "Member" m ON m.id = l."memberId" LEFT JOIN "Account" a ON a.id = l."accountId"
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY l.at DESC, l.id DESC LIMIT ${p(q.limit ?? 200)}`,
    params,
  );
  return res.rows.map((r) => {
    const who = (r.detail?.who ?? {}) as Record<string, string>;
    return {
      at: r.at,
      who: r.email ?? who.email ?? who.slackUserId ?? who.feishuOpenId ?? "unknown",
      surface: r.surface,
      action: r.action,
      account: r.account,
      detail: r.detail,
    };
  });
}
