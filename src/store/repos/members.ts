import type { Identity } from "../../commands/types.js";
import type { Db } from "../db.js";

export interface MemberRow {
  id: string;
  email: string;
  name: string;
  role: "admin" | "manager" | "csm" | "viewer";
  teamId: string | null;
  active: boolean;
  locale: string | null;
  timezone: string | null;
  slackUserId: string | null;
  feishuOpenId: string | null;
  team: { id: string; name: string; locale: string; timezone: string } | null;
}

const include = { team: { select: { id: true, name: true, locale: true, timezone: true } } } as const;

/**
 * The member behind a platform identity: by Slack user id / Feishu open_id, else by email - in which
 * case the platform id is stored on the member (auto-link) so later requests need no email.
 */
export async function findMemberByIdentity(db: Db, id: Identity): Promise<MemberRow | undefined> {
  if (id.slackUserId) {
    const m = await db.prisma.member.findUnique({ where: { slackUserId: id.slackUserId }, include });
    if (m) return m;
  }
  if (id.feishuOpenId) {
    const m = await db.prisma.member.findUnique({ where: { feishuOpenId: id.feishuOpenId }, include });
    if (m) return m;
  }
  const email = id.email?.trim().toLowerCase();
  if (!email) return undefined;
  const m = await db.prisma.member.findFirst({ where: { email: { equals: email, mode: "insensitive" } }, include });
  if (!m) return undefined;
  // An email never re-points an existing link: another platform account claiming the same email
  // (another workspace, a renamed user) is not this member.
  if (id.slackUserId && m.slackUserId && m.slackUserId !== id.slackUserId) return undefined;
  if (id.feishuOpenId && m.feishuOpenId && m.feishuOpenId !== id.feishuOpenId) return undefined;
  const link: { slackUserId?: string; feishuOpenId?: string } = {};
  if (id.slackUserId && !m.slackUserId) link.slackUserId = id.slackUserId;
  if (id.feishuOpenId && !m.feishuOpenId) link.feishuOpenId = id.feishuOpenId;
  if (Object.keys(link).length === 0) return m;
  return db.prisma.member.update({ where: { id: m.id }, data: link, include });
}

/** A member named in a command: @handle = email local part, full email, platform id or name. */
export async function findMemberByHandle(db: Db, who: string): Promise<MemberRow | undefined> {
  const w = who.trim();
  const byId = await db.prisma.member.findFirst({
    where: {
      OR: [
        { slackUserId: w },
        { feishuOpenId: w },
        { email: { equals: w, mode: "insensitive" } },
        { email: { startsWith: `${w}@`, mode: "insensitive" } },
        { name: { equals: w.replace(/[._]/g, " "), mode: "insensitive" } },
        { name: { equals: w, mode: "insensitive" } },
      ],
    },
    include,
  });
  return byId ?? undefined;
}

export async function findTeamByName(db: Db, name: string) {
  return (
    (await db.prisma.team.findFirst({ where: { name: { equals: name.trim(), mode: "insensitive" } } })) ?? undefined
  );
}
