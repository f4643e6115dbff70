import { findSource, SOURCES } from "../sync/registry.js";
import { errorText, formatReport, runSync, SyncBusy, syncStatus } from "../sync/run.js";
import type { CliCommand } from "./types.js";

export const syncCommand: CliCommand = {
  name: "sync",
  summary: "sync accounts, contacts and renewals from a CRM now, or show how the syncs stand",
  usage: `tend sync <${SOURCES.map((s) => s.name).join("|") || "source"}> [--dry-run] [--full]\n       tend sync status`,
  async run(args, io, ctx) {
    const [name, ...flags] = args;
    if (!name) {
      io.err(`usage: ${this.usage}`);
      return 2;
    }
    if (name === "status") {
      for (const line of await syncStatus(ctx)) io.out(line);
      return 0;
    }
    const source = findSource(name);
    if (!source) {
      io.err(`unknown source "${name}". Sources: ${SOURCES.map((s) => s.name).join(", ") || "none"}`);
      return 2;
    }
    const unknown = flags.filter((f) => f !== "--dry-run" && f !== "--full");
    if (unknown.length) {
      io.err(`unknown option ${unknown[0]}. usage: ${this.usage}`);
      return 2;
    }
    if (!source.configured(ctx.config)) {
      io.err(`${source.name} is not configured: see docs/crm.md for the settings it needs`);
      return 78;
    }
    try {
      const report = await runSync(ctx, source, {
        dryRun: flags.includes("--dry-run"),
        full: flags.includes("--full"),
      });
      for (const line of formatReport(report)) io.out(line);
      return 0;
    } catch (err) {
      io.err(`${source.name} sync ${err instanceof SyncBusy ? "not started" : "failed"}: ${errorText(err)}`);
      if (!(err instanceof SyncBusy))
        io.err("progress so far is kept: the next run resumes from the checkpoint (tend sync status)");
      return err instanceof SyncBusy ? 75 : 1;
    }
  },
};
