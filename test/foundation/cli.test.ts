import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

// The installed entry point, as `npx tend` runs it (a regression once made it print nothing).
describe("the tend executable", () => {
  it("lists its commands with --help", async () => {
    const { stdout } = await run(process.execPath, ["bin/tend.js", "--help"]);
    expect(stdout).toContain("usage: tend <command>");
    expect(stdout).toMatch(/^\s+migrate\s/m);
  });

  it("names an unknown command and exits non-zero", async () => {
    const failed = await run(process.execPath, ["bin/tend.js", "no-such-command"]).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: expect.any(Number) });
    expect((failed as { code: number }).code).not.toBe(0);
    expect(String((failed as { stderr: string }).stderr)).toContain("no-such-command");
  });
});
