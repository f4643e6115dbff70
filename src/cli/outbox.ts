import { listOutbox, outboxCounts, retryFailed } from "../delivery/outbox.js";
import type { CliCommand } from "./types.js";

const STATUSES = ["pending", "sending", "sent", "failed", "cancelled"];

export const outboxCommand: CliCommand = {
  name: "outbox",
  summary: "show proactive message delivery status (failed sends and why)",
  usage: "tend outbox [--status pending|sending|sent|failed|cancelled] [--limit N] [--retry-failed [id]]",
  async run(args, io, ctx) {
    const at = (flag: string) => {
      const i = args.indexOf(flag);
      return i >= 0 ? args[i + 1] : undefined;
    };
    if (args.includes("--retry-failed")) {
      const id = at("--retry-failed");
      const n = await retryFailed(ctx.db, ctx.now(), id?.startsWith("--") ? undefined : id);
      io.out(`${n} failed ${n === 1 ? "message" : "messages"} queued again`);
      return 0;
    }
    const status = at("--status");
    if (status !== undefined && !STATUSES.includes(status)) {
      io.err(`--status must be one of ${STATUSES.join(", ")}`);
      return 2;
    }
    const limit = Number(at("--limit") ?? 50);
    const counts = await outboxCounts(ctx.db);
    io.out(
      `outbox: ${STATUSES.map((s) => `${counts[s] ?? 0} ${s}`).join(", ")}` +
        (counts.failed ? "  (tend outbox --status failed shows why)" : ""),
    );
    for (const r of await listOutbox(ctx.db, { status, limit: Number.isFinite(limit) ? limit : 50 })) {
      const when = r.status === "sent" ? `sent ${r.sentAt}` : `next ${r.nextAttemptAt}`;
      io.out(
        `${r.status.padEnd(7)} ${r.kind.padEnd(7)} ${r.platform}:${r.recipient}  ${when}  tries ${r.attempts}  ${r.summary ?? ""}` +
          (r.lastError ? `\n        last error: ${r.lastError}` : "") +
          `\n        id ${r.id}  key ${r.key}`,
      );
    }
    return 0;
  },
};
