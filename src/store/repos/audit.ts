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
