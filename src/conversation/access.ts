// Who may see and change what. Identity -> member (or a polite refusal), then role rules:
// admin: everything; manager: their team; csm: their team's accounts (default lists = own book);
// viewer: their team, read-only.
import type { AppContext } from "../context.js";
import { localDay } from "../domain/dates.js";
import type { AccountFilter, Identity, Surface } from "../domain/identity.js";
import { type Locale, resolveLocale } from "../i18n/locale.js";
import { findMemberByIdentity, type MemberRow } from "../store/repos/members.js";

export type Role = MemberRow["role"];

export interface Asker {
  member: MemberRow;
  role: Role;
  surface: Surface;
  locale: Locale;
  timeZone: string;
  /** The asker's local calendar day. */
  today: string;
  now: Date;
}

export type Identified =
  | { ok: true; asker: Asker }
  | { ok: false; reason: "unknown_user" | "inactive"; locale: Locale };

/** The member behind `identity`; `known` (when the surface already looked them up) spares the lookup. */
export async function identify(ctx: AppContext, identity: Identity, known?: MemberRow | null): Promise<Identified> {
  const member = known !== undefined ? known : await findMemberByIdentity(ctx.db, identity);
  if (!member) return { ok: false, reason: "unknown_user", locale: ctx.config.locale };
  const asker = askerFor(ctx, member, identity.surface);
  if (!member.active) return { ok: false, reason: "inactive", locale: asker.locale };
  return { ok: true, asker };
}

/** A known member as the asker: their language, time zone and local day (the same for every surface). */
export function askerFor(ctx: AppContext, member: MemberRow, surface: Surface): Asker {
  const locale = resolveLocale(member.locale, member.team?.locale, ctx.config.locale);
  const timeZone = member.timezone ?? member.team?.timezone ?? ctx.config.timezone;
  const now = ctx.now();
  return { member, role: member.role, surface, locale, timeZone, today: localDay(now, timeZone), now };
}

/** Everything the asker may read (for name resolution and single-account access). */
export function readableFilter(asker: Asker): AccountFilter {
  if (asker.role === "admin") return { kind: "all" };
  if (!asker.member.teamId) return { kind: "owner", ownerId: asker.member.id };
  return { kind: "team", teamId: asker.member.teamId, alsoOwnerId: asker.member.id };
}

export function canRead(asker: Asker, account: { teamId: string | null; ownerId: string | null }): boolean {
  if (asker.role === "admin") return true;
  if (account.ownerId === asker.member.id) return true;
  return asker.member.teamId !== null && account.teamId === asker.member.teamId;
}

export function canWrite(asker: Asker): boolean {
  return asker.role !== "viewer";
}

export function canSeeMetrics(asker: Asker): boolean {
  return asker.role === "admin" || asker.role === "manager";
}
