import { readAudit } from "../store/repos/audit.js";
import { plain } from "../text/user-data.js";
import type { CliCommand } from "./types.js";

export const auditCommand: CliCommand = {
  name: "audit",
  summary: "read the audit log: reads, writes and refused attempts (who, what was asked, why)",
  usage: "tend audit [--person email|id] [--account name|id] [--since YYYY-MM-DD] [--refused] [--limit N]",
  async run(args, io, ctx) {
    const at = (flag: string) => {
      const i = args.indexOf(flag);
      const v = i >= 0 ? args[i + 1] : undefined;
      return v?.startsWith("--") ? undefined : v;
    };
    const known = new Set(["--person", "--account", "--since", "--refused", "--limit"]);
    const unknown = args.find((a, i) => a.startsWith("--") && !known.has(a) && !known.has(args[i - 1] ?? ""));
    if (unknown) {
      io.err(`unknown option ${unknown}\nusage: ${auditCommand.usage}`);
      return 2;
    }
    const sinceText = at("--since");
    const since = sinceText
      ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(sinceText) ? `${sinceText}T00:00:00Z` : sinceText)
      : undefined;
    if (since && Number.isNaN(since.getTime())) {
      io.err(`--since must be a date (YYYY-MM-DD) or an ISO time, not "${sinceText}"`);
      return 2;
    }
    const limit = Number(at("--limit") ?? 200);
    const person = at("--person");
    const account = at("--account");
    const rows = await readAudit(ctx.db, {
      ...(person ? { person } : {}),
      ...(account ? { account } : {}),
      ...(since ? { since } : {}),
      refusedOnly: args.includes("--refused"),
      limit: Number.isFinite(limit) && limit > 0 ? limit : 200,
    });
    if (rows.length === 0) io.out("no audit entries match");
    for (const r of rows) {
      const d = r.detail ?? {};
      const why =
        r.action === "refused" ? `  refused (${String(d.reason ?? "")}): ${JSON.stringify(d.asked ?? "")}` : "";
      const rest = r.action === "refused" ? "" : Object.keys(d).length ? `  ${JSON.stringify(d)}` : "";
      io.out(
        // plain(): a name or a typed command never drives the terminal (control characters removed).
        plain(
          `${r.at.toISOString()}  ${r.who}  ${r.surface}  ${r.action}${r.account ? `  ${r.account}` : ""}${why}${rest}`,
        ),
      );
    }
    return 0;
  },
};
