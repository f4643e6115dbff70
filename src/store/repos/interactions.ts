// Interactions people record (a `log`, a planned visit) and what `mine` shows of the day's visits.
import type { InteractionKind } from "../../generated/prisma/enums.js";
import type { Db } from "../db.js";

export interface NewInteraction {
  accountId: string;
  kind: InteractionKind;
  occurredAt: Date;
  memberId: string;
  scheduled?: boolean;
  notes?: string | null;
  nextSteps?: string | null;
}

export async function recordInteraction(db: Db, data: NewInteraction): Promise<{ id: string }> {
  return db.prisma.interaction.create({ data, select: { id: true } });
}

/** Visits planned on `day` (UTC day) on the owner's accounts not churned. */
export async function plannedVisitsOn(
  db: Db,
  ownerId: string,
  day: string,
  nextDay: string,
): Promise<{ accountId: string; account: { name: string } }[]> {
  return db.prisma.interaction.findMany({
    where: {
      account: { ownerId, stage: { not: "churned" } },
      scheduled: true,
      occurredAt: { gte: new Date(`${day}T00:00:00Z`), lt: new Date(`${nextDay}T00:00:00Z`) },
    },
    select: { accountId: true, account: { select: { name: true } } },
  });
}

/** Open promises on the owner's accounts not churned, due by `by`, soonest first (at most 10). */
export async function openPromisesDueBy(
  db: Db,
  ownerId: string,
  by: string,
): Promise<{ accountId: string; title: string; dueDate: Date; account: { name: string } }[]> {
  return db.prisma.customerPromise.findMany({
    where: {
      account: { ownerId, stage: { not: "churned" } },
      status: "open",
      dueDate: { lte: new Date(`${by}T00:00:00Z`) },
    },
    select: { accountId: true, title: true, dueDate: true, account: { select: { name: true } } },
    orderBy: { dueDate: "asc" },
    take: 10,
  });
}
