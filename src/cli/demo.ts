import { DEMO_STORIES } from "../demo/generate.js";
import { describeLoad, installDemo } from "../demo/load.js";
import { progress } from "./progress.js";
import type { CliCommand } from "./types.js";

const USAGE = `tend demo [--force] [--date YYYY-MM-DD]

  --force    replace what the store holds (teams, members, accounts and everything about them)
  --date D   the book's "today" (default: today in TEND_TIMEZONE); dates are relative to it`;

export const demoCommand: CliCommand = {
  name: "demo",
  summary: "fill an empty store with the demo book (3 teams, ~300 accounts, 120 days of usage)",
  usage: USAGE,
  async run(args, io, ctx) {
    const unknown = args.filter((a, i) => a !== "--force" && a !== "--date" && args[i - 1] !== "--date");
    if (unknown.length) {
      io.err(`unknown argument "${unknown[0]}"\nusage: ${USAGE}`);
      return 2;
    }
    const dateAt = args.indexOf("--date");
    const today = dateAt >= 0 ? args[dateAt + 1] : undefined;
    if (dateAt >= 0 && !(today && /^\d{4}-\d{2}-\d{2}$/.test(today) && !Number.isNaN(Date.parse(today)))) {
      io.err(`--date needs YYYY-MM-DD, got "${today ?? ""}"`);
      return 2;
    }
    const bar = progress(io.progress, "demo", "steps");
    let summary = "demo: nothing loaded";
    let result: Awaited<ReturnType<typeof installDemo>>;
    try {
      result = await installDemo(ctx, {
        today,
        force: args.includes("--force"),
        onStep: (done, total, what) => bar.update(done, total, what),
      });
      if (result.loaded) summary = "demo: book loaded and scored";
    } finally {
      bar.finish(summary);
    }
    if (!result.loaded) {
      const e = result.existing;
      io.err(
        `the store is not empty (${e.accounts} accounts, ${e.members} members, ${e.teams} teams): nothing loaded.\n` +
          "`tend demo --force` deletes them and everything about them (contacts, usage, interactions, health...) " +
          "and loads the demo book instead.",
      );
      return 1;
    }
    io.out(describeLoad(result));
    io.out(`stories: ${Object.values(DEMO_STORIES).join(", ")} (docs/demo.md)`);
    io.out("try: tend ask mine --as alice.chen@demo.tend · tend run nudges --dry-run · tend run digest --dry-run");
    return 0;
  },
};
