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

export function createLogger(level = "info", destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" }, base: { app: "tend" } }, destination);
}

export const silentLogger: Logger = pino({ level: "silent" });
