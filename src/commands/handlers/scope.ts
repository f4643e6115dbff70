import type { AccountFilter } from "../../domain/identity.js";
import type { Reply } from "../../reply/model.js";
import { findMemberByHandle, findTeamByName } from "../../store/repos/members.js";
import type { Scope } from "../parse.js";
import { type HandlerContext, simple } from "./common.js";

/** Items shown per list; the rest is summarised with a "more" line. */
export const LIST_LIMIT = 30;

export type ScopeResult = { ok: true; filter: AccountFilter; label: string } | { ok: false; reply: Reply };

/** Whose accounts a list covers, checked against the asker's role. */
export async function resolveScope(d: HandlerContext, scope: Scope): Promise<ScopeResult> {
  const me = d.asker.member;
  const admin = d.asker.role === "admin";
  const teamFilter = (teamId: string, name: string): ScopeResult => ({
    ok: true,
    filter: { kind: "team", teamId },
    label: d.t("scope.team", { name }),
  });
  if (scope.kind === "default") {
    if (admin) return { ok: true, filter: { kind: "all" }, label: d.t("scope.all") };
    if (d.asker.role === "csm" || !me.team)
      return { ok: true, filter: { kind: "owner", ownerId: me.id }, label: d.t("scope.mine") };
    return teamFilter(me.team.id, me.team.name);
  }
  if (scope.kind === "member") {
    // `@me` (what "my renewals" reads as) is the asker, whatever their handle.
    const m = /^(me|我)$/i.test(scope.who) ? me : await findMemberByHandle(d.db, scope.who);
    if (!m)
      return { ok: false, reply: simple(d.t("resolve.member_unknown", { who: scope.who }), "not_found", "warning") };
    if (!admin && m.id !== me.id && (m.teamId === null || m.teamId !== me.teamId))
      return { ok: false, reply: simple(d.t("access.forbidden_scope"), "forbidden", "warning") };
    return {
      ok: true,
      filter: { kind: "owner", ownerId: m.id },
      label: m.id === me.id ? d.t("scope.mine") : d.t("scope.member", { name: m.name }),
    };
  }
  if (!scope.name) {
    if (me.team) return teamFilter(me.team.id, me.team.name);
    if (admin) return { ok: true, filter: { kind: "all" }, label: d.t("scope.all") };
    return { ok: false, reply: simple(d.t("access.no_team"), "forbidden", "neutral") };
  }
  const team = await findTeamByName(d.db, scope.name);
  if (!team)
    return { ok: false, reply: simple(d.t("resolve.team_unknown", { name: scope.name }), "not_found", "warning") };
  if (!admin && team.id !== me.teamId)
    return { ok: false, reply: simple(d.t("access.forbidden_scope"), "forbidden", "warning") };
  return teamFilter(team.id, team.name);
}
