import type { Identity } from "../../domain/identity.js";
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

// Case-insensitive matching is lower() = lower(), never Prisma's `mode: "insensitive"`: that is ILIKE,
// where `_` and `%` are wildcards (new_admin@ would match new.admin@ and take over its role).
async function firstId(db: Db, sql: string, params: unknown[]): Promise<string | undefined> {
  const res = await db.pool.query<{ id: string }>(sql, params);
  return res.rows[0]?.id;
}

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
  const found = await firstId(db, `SELECT id FROM "Member" WHERE lower(email) = lower($1) ORDER BY id LIMIT 1`, [
    email,
  ]);
  const m = found ? await db.prisma.member.findUnique({ where: { id: found }, include }) : null;
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

export async function findMemberById(db: Db, id: string): Promise<MemberRow | undefined> {
  return (await db.prisma.member.findUnique({ where: { id }, include })) ?? undefined;
}

/** A member named in a command: @handle = email local part, full email, platform id or name. */
export async function findMemberByHandle(db: Db, who: string): Promise<MemberRow | undefined> {
  const w = who.trim();
  if (!w) return undefined;
  // The most exact reading wins: a platform id, the whole email, the handle (local part), a name.
  const id = await firstId(
    db,
    `SELECT id FROM "Member"
      WHERE "slackUserId" = $1 OR "feishuOpenId" = $1 OR lower(email) = lower($1)
         OR lower(split_part(email, '@', 1)) = lower($1) OR lower(name) = lower($2) OR lower(name) = lower($1)
      ORDER BY CASE WHEN "slackUserId" = $1 OR "feishuOpenId" = $1 THEN 0 WHEN lower(email) = lower($1) THEN 1
                    WHEN lower(split_part(email, '@', 1)) = lower($1) THEN 2 ELSE 3 END, id
      LIMIT 1`,
    [w, w.replace(/[._]/g, " ")],
  );
  return id ? ((await db.prisma.member.findUnique({ where: { id }, include })) ?? undefined) : undefined;
}

export async function findTeamByName(db: Db, name: string) {
  const id = await firstId(db, `SELECT id FROM "Team" WHERE lower(name) = lower($1) ORDER BY id LIMIT 1`, [
    name.trim(),
  ]);
  return id ? ((await db.prisma.team.findUnique({ where: { id } })) ?? undefined) : undefined;
}

/** Whether some member is already linked to this Slack user id. */
export async function isSlackUserLinked(db: Db, slackUserId: string): Promise<boolean> {
  return (await db.prisma.member.findUnique({ where: { slackUserId }, select: { id: true } })) !== null;
}

/** Active members not linked to a Slack user yet, by email (the start-up linking's work list). */
export async function membersWithoutSlackId(db: Db): Promise<{ id: string; email: string }[]> {
  return db.prisma.member.findMany({
    where: { active: true, slackUserId: null },
    select: { id: true, email: true },
    orderBy: { email: "asc" },
  });
}

/** Links a member to a Slack user id unless they got one meanwhile; how many were linked (0 or 1). */
export async function linkSlackUser(db: Db, memberId: string, slackUserId: string): Promise<number> {
  const updated = await db.prisma.member.updateMany({
    where: { id: memberId, slackUserId: null },
    data: { slackUserId },
  });
  return updated.count;
}

/** The active member who owns most of these accounts, else any active member (by email). */
export async function busiestOwnerEmail(db: Db, accountIds: string[]): Promise<string | undefined> {
  const { rows } = await db.pool.query<{ email: string }>(
    `SELECT m.email FROM "Member" m
       LEFT JOIN "Account" a ON a."ownerId" = m.id AND a.id = ANY($1::text[])
      WHERE m.active
      GROUP BY m.email ORDER BY count(a.id) DESC, m.email LIMIT 1`,
    [accountIds],
  );
  return rows[0]?.email;
}

/** Everyone and every team, for the proactive engine's recipients and the calendar. */
export interface MemberInfo {
  id: string;
  name: string;
  email: string;
  role: string;
  teamId: string | null;
  locale: string | null;
  timezone: string | null;
  quietStart: number | null;
  quietEnd: number | null;
  slackUserId: string | null;
  feishuOpenId: string | null;
  active: boolean;
}

export interface TeamInfo {
  id: string;
  name: string;
  locale: string;
  timezone: string;
  slackChannel: string | null;
  feishuChatId: string | null;
}

export async function loadPeople(db: Db): Promise<{ members: MemberInfo[]; teams: TeamInfo[] }> {
  const [members, teams] = await Promise.all([
    db.pool.query<MemberInfo>(
      `SELECT id, name, email, role::text AS role, "teamId", locale, timezone, "quietStart", "quietEnd",
              "slackUserId", "feishuOpenId", active FROM "Member" ORDER BY name, id`,
    ),
    db.pool.query<TeamInfo>(
      `SELECT id, name, locale, timezone, "slackChannel", "feishuChatId" FROM "Team" ORDER BY name, id`,
    ),
  ]);
  return { members: members.rows, teams: teams.rows };
}
