import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { COMMANDS } from "../../src/cli/registry.js";

const run = promisify(execFile);

// The installed entry point, as `npx tend` runs it (a regression once made it print nothing).
describe("the tend executable", () => {
  it("lists its commands with --help", async () => {
    const { stdout } = await run(process.execPath, ["bin/tend.js", "--help"]);
    expect(stdout).toContain("usage: tend <command>");
    expect(stdout).toMatch(/^\s+migrate\s/m);
  });

  it("loads each command under the name it is listed by", async () => {
    for (const entry of COMMANDS) expect((await entry.load()).name).toBe(entry.name);
  });

  it("names an unknown command and exits non-zero", async () => {
    const failed = await run(process.execPath, ["bin/tend.js", "no-such-command"]).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: expect.any(Number) });
    expect((failed as { code: number }).code).not.toBe(0);
    expect(String((failed as { stderr: string }).stderr)).toContain("no-such-command");
  });
});

// Only `tend migrate` (and the service) load the schema engine; every other command checks the store
// with one query and says what to run when it is behind.
describe("migrations from the command line", () => {
  it("refuses to work on a store that is not current, names `tend migrate`, and works once it has run", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "tend-cli-migrate-"));
    const env = { TEND_DATA_DIR: dir };
    try {
      const err: string[] = [];
      const io = { out: () => {}, err: (l: string) => err.push(l) };
      expect(await runCli(["outbox"], io, { env })).toBe(78);
      expect(err.join("\n")).toMatch(/not up to date: \d+ migrations? pending/);
      expect(err.join("\n")).toContain("tend migrate");
      const out: string[] = [];
      expect(await runCli(["migrate"], { out: (l) => out.push(l), err: () => {} }, { env })).toBe(0);
      expect(out.join("\n")).toContain("up to date");
      expect(await runCli(["outbox"], { out: () => {}, err: () => {} }, { env })).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000); // initdb and every migration on a fresh data folder: slow on a busy machine
});
