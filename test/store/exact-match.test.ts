// Identity and names match exactly (case aside): `_`, `%` and `\` are characters, not patterns. With
// ILIKE a Slack user whose email is new_admin@… was linked to the member new.admin@… and got their
// admin role; `team ____`, `@b_n.carter` and `@%` found someone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/context.js";
import { handleCommand } from "../../src/conversation/index.js";
import type { Db } from "../../src/store/db.js";
import { findMemberByHandle, findMemberByIdentity, findTeamByName } from "../../src/store/repos/members.js";
import { PEOPLE, seedBook } from "../commands/book.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

describe.each(STORE_KINDS)("exact identity and name matching on %s", (kind) => {
  let db: Db;
  let ctx: AppContext;
  beforeAll(async () => {
    db = await testDb(kind);
    await seedBook(db);
    const east = await db.prisma.team.findFirstOrThrow({ where: { name: "East" } });
    await db.prisma.member.create({ data: { email: "new.admin@tend.test", name: "New Admin", role: "admin" } });
    await db.prisma.member.create({
      data: { email: "bin.carter@tend.test", name: "Bin Carter", role: "csm", teamId: east.id },
    });
    ctx = testContext(db, { now: new Date("2026-11-23T15:00:00Z") });
  });
  afterAll(async () => db?.close());

  const ask = (text: string) => handleCommand(ctx, { identity: { surface: "cli", email: PEOPLE.manager }, text });

  it("`_`: a Slack user new_admin@ is not linked to the member new.admin@ and gets nothing", async () => {
    const r = await handleCommand(ctx, {
      identity: { surface: "slack", slackUserId: "U0INTRUDER", email: "new_admin@tend.test" },
      text: "risk",
    });
    expect(r.error).toBe("unknown_user");
    const admin = await db.prisma.member.findUniqueOrThrow({ where: { email: "new.admin@tend.test" } });
    expect(admin.slackUserId).toBeNull();
    // The same person with their real email (any case) is still found and linked.
    const real = await findMemberByIdentity(db, {
      surface: "slack",
      slackUserId: "U0NEWADMIN",
      email: "New.Admin@TEND.test",
    });
    expect(real?.id).toBe(admin.id);
  });

  it("`_`: team ____ and @b_n.carter find nobody; the real names do", async () => {
    expect((await ask("risk team ____")).error).toBe("not_found");
    expect(await findTeamByName(db, "____")).toBeUndefined();
    expect(await findTeamByName(db, "EAST")).toBeDefined();
    expect((await ask("risk @b_n.carter")).error).toBe("not_found");
    expect(await findMemberByHandle(db, "b_n.carter")).toBeUndefined();
    expect((await findMemberByHandle(db, "Bin.Carter"))?.email).toBe("bin.carter@tend.test");
    expect((await ask("risk @bin.carter")).error).toBeUndefined();
  });

  it("`%`: @% and team % find nobody, and an email % is nobody", async () => {
    expect((await ask("risk @%")).error).toBe("not_found");
    expect(await findMemberByHandle(db, "%")).toBeUndefined();
    expect(await findMemberByHandle(db, "%@tend.test")).toBeUndefined();
    expect(await findTeamByName(db, "%")).toBeUndefined();
    expect((await ask("risk team %")).error).toBe("not_found");
    const r = await handleCommand(ctx, {
      identity: { surface: "slack", slackUserId: "U0PCT", email: "%" },
      text: "mine",
    });
    expect(r.error).toBe("unknown_user");
  });

  it("`\\`: an escaped character is not a pattern either", async () => {
    // ILIKE reads `\s` as an escaped `s`: "Ea\st" matched East, "bin\.carter" matched bin.carter.
    expect(await findTeamByName(db, "Ea\\st")).toBeUndefined();
    expect((await ask("risk team Ea\\st")).error).toBe("not_found");
    expect(await findMemberByHandle(db, "bin\\.carter")).toBeUndefined();
    const r = await handleCommand(ctx, {
      identity: { surface: "slack", slackUserId: "U0BSL", email: "new\\.admin@tend.test" },
      text: "mine",
    });
    expect(r.error).toBe("unknown_user");
  });
});
