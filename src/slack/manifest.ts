import { readFile } from "node:fs/promises";

// manifest.yml for a given deployment: the request URLs pointed at the service, or Socket Mode.
// Line-based on purpose (the file is ours and simple), so no YAML library is needed.

export const MANIFEST_PLACEHOLDER = "https://tend.example.com";

export async function readManifest(): Promise<string> {
  return readFile(new URL("../../manifest.yml", import.meta.url), "utf8");
}

export function manifestFor(template: string, opts: { url?: string; socket?: boolean }): string {
  if (opts.socket) {
    return template
      .split("\n")
      .filter((l) => !/^\s*(url|request_url):/.test(l))
      .join("\n")
      .replace(/socket_mode_enabled: false/, "socket_mode_enabled: true");
  }
  if (!opts.url) return template;
  const base = new URL(opts.url);
  if (base.protocol !== "https:" && base.protocol !== "http:") throw new Error("the URL must start with https://");
  return template.replaceAll(MANIFEST_PLACEHOLDER, base.origin + base.pathname.replace(/\/+$/, ""));
}
