// Who is in the demo organisation: three teams (one Chinese-speaking, in Shanghai) and the people
// in them, with the platform ids and emails tests and docs name them by.
import { hexOf, rng } from "../random.js";
import type { DemoBook, Role } from "./rows.js";

export const DEMO_EMAIL_DOMAIN = "demo.tend";

/** The language an account's texts and names are drawn in (its team's). */
export type Lang = "en" | "zh";

export interface TeamSpec {
  key: "amer" | "emea" | "cn";
  name: string;
  locale: "en" | "zh-CN";
  lang: Lang;
  timezone: string;
  currency: string;
  /** ARR multiplier from USD bands. */
  fx: number;
  regions: readonly string[];
  /** UTC hours that are local business hours (meetings land there). */
  utcHours: readonly [number, number];
  accounts: number;
}

export const TEAMS: readonly TeamSpec[] = [
  {
    key: "amer",
    name: "Americas",
    locale: "en",
    lang: "en",
    timezone: "America/New_York",
    currency: "USD",
    fx: 1,
    regions: ["US East", "US West", "US Central", "Canada", "LATAM"],
    utcHours: [14, 21],
    accounts: 125,
  },
  {
    key: "emea",
    name: "EMEA",
    locale: "en",
    lang: "en",
    timezone: "Europe/London",
    currency: "EUR",
    fx: 0.92,
    regions: ["UK & Ireland", "DACH", "Nordics", "France", "Benelux"],
    utcHours: [8, 16],
    accounts: 80,
  },
  {
    key: "cn",
    name: "中国区",
    locale: "zh-CN",
    lang: "zh",
    timezone: "Asia/Shanghai",
    currency: "CNY",
    fx: 7.2,
    regions: [],
    utcHours: [1, 9],
    accounts: 105,
  },
];

export interface PersonSpec {
  name: string;
  handle: string;
  role: Role;
  team: TeamSpec["key"] | null;
  active?: boolean;
}

/** Everyone in the demo organisation; email is `<handle>@demo.tend`. */
export const DEMO_PEOPLE: readonly PersonSpec[] = [
  { name: "Sam Rivera", handle: "sam.rivera", role: "admin", team: null },
  { name: "Morgan Lee", handle: "morgan.lee", role: "manager", team: "amer" },
  { name: "Alice Chen", handle: "alice.chen", role: "csm", team: "amer" },
  { name: "Ben Carter", handle: "ben.carter", role: "csm", team: "amer" },
  { name: "Carla Diaz", handle: "carla.diaz", role: "csm", team: "amer" },
  { name: "David Kim", handle: "david.kim", role: "csm", team: "amer" },
  { name: "Emma Brooks", handle: "emma.brooks", role: "csm", team: "amer" },
  { name: "Victor Hale", handle: "victor.hale", role: "viewer", team: "amer" },
  { name: "Felix Wagner", handle: "felix.wagner", role: "csm", team: "emea" },
  { name: "Grace Walsh", handle: "grace.walsh", role: "csm", team: "emea" },
  { name: "Hugo Martin", handle: "hugo.martin", role: "csm", team: "emea" },
  { name: "Olivia Grant", handle: "olivia.grant", role: "csm", team: "emea", active: false },
  { name: "王芳", handle: "wang.fang", role: "manager", team: "cn" },
  { name: "李娜", handle: "li.na", role: "csm", team: "cn" },
  { name: "张伟", handle: "zhang.wei", role: "csm", team: "cn" },
  { name: "刘洋", handle: "liu.yang", role: "csm", team: "cn" },
  { name: "陈静", handle: "chen.jing", role: "csm", team: "cn" },
];

export const demoEmail = (handle: string) => `${handle}@${DEMO_EMAIL_DOMAIN}`;
/** Deterministic platform ids, shaped like the real ones (Slack U..., Feishu ou_<32 hex>). */
export const demoSlackUserId = (handle: string) =>
  `U0DEMO${String(DEMO_PEOPLE.findIndex((p) => p.handle === handle) + 1).padStart(3, "0")}`;
export const demoFeishuOpenId = (handle: string) => `ou_${hexOf(`demo-member:${handle}`, 32)}`;
export const teamId = (key: string) => `demo-team-${key}`;
export const memberId = (handle: string) => `demo-member-${handle}`;

/** The team and member rows. */
export function addTeamsAndMembers(book: DemoBook) {
  for (const t of TEAMS)
    book.teams.push({
      id: teamId(t.key),
      name: t.name,
      locale: t.locale,
      timezone: t.timezone,
      slackChannel: `C0DEMO${t.key.toUpperCase()}`,
      feishuChatId: `oc_${hexOf(`demo-team:${t.key}`, 32)}`,
    });
  for (const p of DEMO_PEOPLE)
    book.members.push({
      id: memberId(p.handle),
      email: demoEmail(p.handle),
      name: p.name,
      role: p.role,
      teamId: p.team ? teamId(p.team) : null,
      slackUserId: demoSlackUserId(p.handle),
      feishuOpenId: demoFeishuOpenId(p.handle),
      locale: null,
      timezone: null,
      active: p.active ?? true,
    });
}

/** Each member's habit, by member id: >1 means their contact gaps run longer. */
export const ownerDiligence = (seed: string) =>
  new Map(DEMO_PEOPLE.map((p) => [memberId(p.handle), rng(`${seed}:habit:${p.handle}`).range(0.75, 1.35)]));
