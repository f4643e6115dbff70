// The people at each account: a decision maker, a champion and an admin, more roles at bigger
// accounts, their attitude drawn from the account's health. Contact.lastContact is filled once
// all interactions are known.
import { dayToDate } from "../../domain/dates.js";
import * as N from "../names.js";
import { hexOf, type Rng } from "../random.js";
import type { AccountPlan, BookContext } from "./context.js";
import type { Lang } from "./organisation.js";
import type { Attitude, ContactRole, ContactRow, DemoBook } from "./rows.js";

/**
 * The account's contacts, not yet in the book: the interactions and the story patches name them
 * (and may change them) before they are added.
 */
export function makeContacts(ctx: BookContext, p: AccountPlan): ContactRow[] {
  const { day, nextId } = ctx;
  const { r, row, lang } = p;
  const hNow = p.h(0);
  const roles: ContactRole[] = ["decision_maker", "champion", "admin"];
  if (row.tier === "strategic" || row.tier === "key") {
    if (r.chance(0.7)) roles.push("finance");
    if (r.chance(row.tier === "strategic" ? 0.8 : 0.3)) roles.push("executive");
  }
  for (let k = r.int(0, 2); k > 0; k--) roles.push("user");
  const taken = new Set<string>();
  const domain =
    lang === "zh" ? `${hexOf(row.id, 6)}.example.cn` : `${(row.aliases[0] ?? "acct").toLowerCase()}.example`;
  const out: ContactRow[] = roles.map((role, k) => {
    const name = personName(r, lang, taken);
    const attitude: Attitude =
      role === "decision_maker"
        ? hNow > 0.6
          ? "supporter"
          : hNow < 0.3 && r.chance(0.45)
            ? "opponent"
            : "neutral"
        : role === "champion"
          ? hNow < 0.25
            ? "neutral"
            : "supporter"
          : r.weighted<Attitude>([
              ["supporter", 0.4],
              ["neutral", 0.55],
              ["opponent", 0.05],
            ]);
    return {
      id: nextId("contact"),
      accountId: row.id,
      name,
      email: lang === "zh" ? `c${k + 1}@${domain}` : `${name.toLowerCase().replace(/[^a-z]+/g, ".")}@${domain}`,
      title: r.pick(N.TITLES[role][lang]),
      role,
      influence: { decision_maker: 5, executive: 5, champion: 4, finance: 3, admin: 2, user: 2 }[role],
      attitude,
      active: true,
      leftAt: null,
      lastContact: null,
    };
  });
  // Some accounts lost a champion months ago and found a new one (old news: no nudge).
  if (!p.story && r.chance(0.06)) {
    const old = out.find((c) => c.role === "champion")!;
    old.active = false;
    old.leftAt = day(-r.int(35, 200));
    out.push({ ...old, id: nextId("contact"), name: personName(r, lang, taken), active: true, leftAt: null });
  }
  return out;
}

/** Contact.lastContact follows the (held, not planned) interactions that name them. */
export function setLastContacts(book: DemoBook) {
  const last = new Map<string, string>();
  for (const i of book.interactions) {
    if (i.scheduled || !i.contactName || i.kind === "email") continue;
    const key = `${i.accountId}\u0000${i.contactName}`;
    const d = i.occurredAt.toISOString().slice(0, 10);
    if ((last.get(key) ?? "") < d) last.set(key, d);
  }
  for (const c of book.contacts) {
    const d = last.get(`${c.accountId}\u0000${c.name}`);
    c.lastContact = d ? dayToDate(d) : null;
  }
}

function personName(r: Rng, lang: Lang, taken: Set<string>): string {
  for (;;) {
    const name =
      lang === "zh" ? r.pick(N.CN_SURNAMES) + r.pick(N.CN_GIVEN) : `${r.pick(N.FIRST_NAMES)} ${r.pick(N.LAST_NAMES)}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}
