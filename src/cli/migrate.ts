import type { CliCommand } from "./types.js";

export const migrateCommand: CliCommand = {
  name: "migrate",
  summary: "apply pending database migrations (also done at start-up)",
  usage: "tend migrate",
  store: "migrate",
  async run(_args, io, ctx) {
    // Opening the store applied anything pending (reported by runCli); confirm the result.
    const pending = await ctx.db.pending();
    io.out(pending.length ? `still pending: ${pending.join(", ")}` : `store (${ctx.db.kind}) is up to date`);
    return pending.length ? 1 : 0;
  },
};
