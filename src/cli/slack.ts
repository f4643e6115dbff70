import { manifestFor, readManifest } from "../slack/manifest.js";
import type { CliCommand } from "./types.js";

export const slackManifestCommand: CliCommand = {
  name: "slack-manifest",
  summary: "print the Slack app manifest for this deployment (paste it at api.slack.com/apps)",
  usage: "tend slack-manifest --url https://tend.example.com | --socket",
  store: "none",
  async run(args, io) {
    const i = args.indexOf("--url");
    const url = i >= 0 ? args[i + 1] : undefined;
    const socket = args.includes("--socket");
    if (!socket && !url) {
      io.err(`usage: ${this.usage}`);
      return 2;
    }
    try {
      io.out(manifestFor(await readManifest(), { ...(url ? { url } : {}), socket }).trimEnd());
      return 0;
    } catch (err) {
      io.err(err instanceof Error ? err.message : String(err));
      return 2;
    }
  },
};
