import { pino } from "pino";

export type Logger = pino.Logger;

// Secrets never reach the log, whatever object they ride in on.
const SECRET_KEYS = [
  "botToken",
  "signingSecret",
  "appToken",
  "appSecret",
  "encryptKey",
  "verificationToken",
  "ingestToken",
  "token",
  "authorization",
  "password",
  "databaseUrl",
];
// pino's `*` matches one level only: cover the key at the top and up to three levels down.
const REDACT = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
  'headers["x-slack-signature"]',
  'headers["x-lark-signature"]',
];

/** One line of an error, for logs that must not carry a stack (repeated failures, outages). */
export function errorLine(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return (m.split("\n").find((l) => l.trim()) ?? m).trim().slice(0, 300);
}

export function createLogger(level = "info", destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" }, base: { app: "tend" } }, destination);
}

const LEVEL_NAMES: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};

/**
 * A destination that turns pino's JSON lines into "12:00:01 INFO message key=value" for a person at
 * a terminal. It formats what pino already redacted, so secrets stay out here too.
 */
export function prettyLines(out: { write(chunk: string): unknown }): pino.DestinationStream {
  return {
    write(line: string) {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const { time, level, msg, app: _app, pid: _pid, hostname: _host, err, ...rest } = rec;
      const clock = new Date(Number(time)).toISOString().slice(11, 19);
      const fields = Object.entries(rest)
        .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
        .join(" ");
      const stack = err && typeof err === "object" && "stack" in err ? `\n${String(err.stack)}` : "";
      out.write(`${clock} ${LEVEL_NAMES[Number(level)] ?? level} ${msg ?? ""}${fields ? `  ${fields}` : ""}${stack}\n`);
    },
  };
}

export const silentLogger: Logger = pino({ level: "silent" });
