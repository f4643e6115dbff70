// Reads for plain-language questions: the names a question may mention (the asker's readable
// accounts, the members, the teams), and one account's records since a day for the brief's summary.
import type { AccountFilter } from "../../domain/identity.js";
import type { Db } from "../db.js";
import { type NamedRow, namedAccounts } from "./accounts.js";

export interface AskLexicon {
  accounts: NamedRow[];
  members: { handle: string; name: string }[];
  teams: string[];
}

export async function askLexicon(db: Db, filter: AccountFilter): Promise<AskLexicon> {
  const [accounts, members, teams] = await Promise.all([
    namedAccounts(db, filter),
    db.pool.query<{ handle: string; name: string }>(
      `SELECT split_part(email, '@', 1) AS handle, name FROM "Member" WHERE active ORDER BY name`,
    ),
    db.pool.query<{ name: string }>(`SELECT name FROM "Team" ORDER BY name`),
  ]);
  return { accounts, members: members.rows, teams: teams.rows.map((t) => t.name) };
}

/** Team names only: the cheap check that `renewals 90 team East` names a team. */
export async function teamNames(db: Db): Promise<string[]> {
  const { rows } = await db.pool.query<{ name: string }>(`SELECT name FROM "Team"`);
  return rows.map((r) => r.name);
}

/** One record a summary may draw on: what happened, when, in the words stored. */
export interface AccountRecord {
  kind: "interaction" | "feedback" | "survey" | "risk";
  day: string;
  /** interaction kind, feedback status, survey kind, risk cause. */
  label: string;
  text: string;
}

/** The last visit (visit, executive visit or QBR) on or before today, if any. */
export async function lastVisitDay(db: Db, accountId: string, today: string): Promise<string | null> {
  const { rows } = await db.pool.query<{ day: string }>(
    `SELECT to_char("occurredAt", 'YYYY-MM-DD') AS day FROM "Interaction"
      WHERE "accountId" = $1 AND NOT scheduled AND kind::text IN ('visit', 'exec_visit', 'qbr')
        AND "occurredAt" < $2::date + 1
      ORDER BY "occurredAt" DESC LIMIT 1`,
    [accountId, today],
  );
  return rows[0]?.day ?? null;
}

/**
 * The account's interactions with words, feedback, survey answers with comments and risks raised
 * after `since` (exclusive) and up to today, newest first, at most `limit`.
 */
export async function recordsSince(
  db: Db,
  accountId: string,
  since: string,
  today: string,
  limit = 20,
): Promise<AccountRecord[]> {
  const { rows } = await db.pool.query<AccountRecord>(
    `SELECT * FROM (
       SELECT 'interaction' AS kind, to_char(i."occurredAt", 'YYYY-MM-DD') AS day, i.kind::text AS label,
              concat_ws(' / ', i.notes, i."nextSteps") AS text
         FROM "Interaction" i
        WHERE i."accountId" = $1 AND NOT i.scheduled AND i."occurredAt" >= $2::date + 1 AND i."occurredAt" < $3::date + 1
       UNION ALL
       SELECT 'feedback', to_char(f."raisedAt", 'YYYY-MM-DD'), f.status::text, concat_ws(': ', f.title, f.detail)
         FROM "Feedback" f WHERE f."accountId" = $1 AND f."raisedAt" > $2::date AND f."raisedAt" <= $3::date
       UNION ALL
       SELECT 'survey', to_char(s."respondedAt", 'YYYY-MM-DD'), concat(s.kind::text, ' ', s.score), coalesce(s.comment, '')
         FROM "SurveyResponse" s WHERE s."accountId" = $1 AND s."respondedAt" > $2::date AND s."respondedAt" <= $3::date
       UNION ALL
       SELECT 'risk', to_char(r."raisedAt", 'YYYY-MM-DD'), r.kind::text, coalesce(r.note, '')
         FROM "RiskFlag" r WHERE r."accountId" = $1 AND r."raisedAt" > $2::date AND r."raisedAt" <= $3::date
     ) x ORDER BY day DESC, kind LIMIT $4`,
    [accountId, since, today, limit],
  );
  return rows;
}
