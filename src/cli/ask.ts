import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { handleCommand } from "../conversation/index.js";
import { attachmentFiles } from "../reply/attachments.js";
import type { Reply } from "../reply/model.js";
import { renderFeishuCard } from "../reply/render-feishu.js";
import { renderSlack } from "../reply/render-slack.js";
import { renderText } from "../reply/render-text.js";
import type { CliCommand } from "./types.js";

const FORMATS = ["text", "slack", "feishu"] as const;

/** Runs any command exactly as chat would, as the member with that email, and prints the reply. */
export const askCommand: CliCommand = {
  name: "ask",
  summary: "run a chat command as a member and print the reply (text, Slack Block Kit or Feishu card JSON)",
  usage:
    'tend ask "<command text>" --as <email> [--format text|slack|feishu] [--attachments DIR]\n' +
    "--attachments DIR writes the reply's pictures (PNG) and documents (Markdown, HTML) to DIR\n" +
    "exit 0 answered, 3 refused, 4 not found / ambiguous / malformed, 1 internal error",
  async run(args, io, ctx) {
    let as: string | undefined;
    let format: (typeof FORMATS)[number] = "text";
    let dir: string | undefined;
    const words: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (a === "--as") as = args[++i];
      else if (a.startsWith("--as=")) as = a.slice(5);
      else if (a === "--attachments" || a.startsWith("--attachments=")) {
        dir = a === "--attachments" ? args[++i] : a.slice("--attachments=".length);
        if (!dir) {
          io.err("--attachments needs a folder");
          return 2;
        }
      } else if (a === "--format" || a.startsWith("--format=")) {
        const f = a === "--format" ? args[++i] : a.slice(9);
        if (!FORMATS.includes(f as never)) {
          io.err(`--format must be one of ${FORMATS.join(", ")}`);
          return 2;
        }
        format = f as (typeof FORMATS)[number];
      } else words.push(a);
    }
    if (!as) {
      io.err(`--as <email> is required\nusage: ${this.usage}`);
      return 2;
    }
    const reply = await handleCommand(ctx, { identity: { surface: "cli", email: as }, text: words.join(" ") });
    if (format === "text") io.out(renderText(reply));
    else if (format === "slack") io.out(JSON.stringify(renderSlack(reply), null, 2));
    else io.out(JSON.stringify(renderFeishuCard(reply), null, 2));
    if (dir && reply.attachments?.length) {
      // File names are Tend's own (safeFileName): nothing a person typed becomes a path.
      const folder = resolve(dir);
      await mkdir(folder, { recursive: true });
      for (const f of attachmentFiles(reply.attachments)) {
        await writeFile(join(folder, f.fileName), f.bytes);
        io.err(`wrote ${join(folder, f.fileName)}`);
      }
    }
    return exitCode(reply.error);
  },
};

/**
 * For scripts: 0 answered; 1 internal error; 3 refused (unknown person, not allowed); 4 not answered
 * as asked (no such account, ambiguous name, malformed command); 2 is the CLI's own usage error.
 */
function exitCode(error: Reply["error"]): number {
  switch (error) {
    case undefined:
      return 0;
    case "internal":
    case "store_unavailable":
      return 1;
    case "unknown_user":
    case "forbidden":
      return 3;
    default:
      return 4;
  }
}
