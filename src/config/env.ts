import { hostname } from "node:os";
import cron from "node-cron";
import { z } from "zod";

// The only module that reads process.env. Everything else receives a validated Config.

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const onOff = z
  .enum(["on", "off", "true", "false", "1", "0"])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === "on" || v === "true" || v === "1"));

/** An IANA time zone name this runtime knows (also used to check imported rows). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The 32-byte key TEND_SECRET_KEY spells (hex or base64), or undefined when it spells none. */
export function secretKeyBytes(v: string): Buffer | undefined {
  if (/^[0-9a-f]{64}$/i.test(v)) return Buffer.from(v, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(v)) {
    const b = Buffer.from(v.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    return b.length === 32 ? b : undefined;
  }
  return undefined;
}

const timezone = z
  .string()
  .default("UTC")
  .refine(isTimeZone, { message: "not an IANA time zone (e.g. Europe/Berlin, Asia/Shanghai)" });

export const EnvSchema = z
  .object({
    NODE_ENV: optional,
    DATABASE_URL: optional.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
      message: "must start with postgresql:// (leave unset for the embedded store)",
    }),
    TEND_DATA_DIR: z.string().default("./data"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: optional,
    TEND_TIMEZONE: timezone,
    TEND_LOCALE: z.enum(["en", "zh-CN"]).default("en"),
    TEND_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    TEND_LOG_FORMAT: z.enum(["auto", "json", "pretty"]).default("auto"),
    TEND_DEMO: onOff,
    TEND_PLAYGROUND: onOff,
    TEND_SCHEDULER: onOff,
    SLACK_BOT_TOKEN: optional,
    SLACK_SIGNING_SECRET: optional,
    SLACK_APP_TOKEN: optional,
    SLACK_API_URL: optional.refine((v) => v === undefined || /^https?:\/\//.test(v), { message: "must be a URL" }),
    SLACK_TEAM_IDS: optional, // comma-separated workspace ids allowed to use the app; unset = any
    FEISHU_APP_ID: optional,
    FEISHU_APP_SECRET: optional,
    FEISHU_VERIFICATION_TOKEN: optional,
    FEISHU_ENCRYPT_KEY: optional,
    FEISHU_DOMAIN: optional.refine((v) => v === undefined || v === "feishu" || v === "lark" || /^https?:\/\//.test(v), {
      message: "must be feishu, lark or a base URL",
    }),
    FEISHU_MODE: z.enum(["http", "ws"]).default("http"),
    FEISHU_TENANT_KEYS: optional, // comma-separated tenant keys allowed; unset = any
    FEISHU_LOCALE: z.enum(["en", "zh-CN"]).default("zh-CN"), // Feishu users without a member/team locale
    TEND_INGEST_TOKEN: optional,
    TEND_PROACTIVE_CONFIG: optional, // JSON file overriding the proactive engine's defaults (docs/proactive.md)
    TEND_HEALTH_CONFIG: optional, // JSON file overriding the health model's defaults (docs/health.md)
    TEND_UNIT_ECONOMICS: optional, // JSON file: gross margin and CAC per segment (docs/renewals.md)
    // This replica's name, the same across its restarts and different from every other replica's
    // (default: the host name). A restarted replica takes back its own outbox claims at once.
    TEND_INSTANCE_ID: optional,
    // PostgreSQL waits (milliseconds): opening or getting a connection, and one statement.
    TEND_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
    TEND_DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
    // 32 bytes (64 hex characters, or base64) that encrypt secrets Tend stores, such as calendar
    // addresses (docs/calendar.md). Unset: nothing secret can be stored.
    TEND_SECRET_KEY: optional.refine((v) => v === undefined || secretKeyBytes(v) !== undefined, {
      message: "must be 32 bytes as 64 hex characters or base64 (e.g. `openssl rand -base64 32`)",
    }),
    // CRM syncs (docs/crm.md): when the configured sources run, and the mapping file.
    TEND_SYNC_CRON: z
      .string()
      .default("*/15 * * * *")
      .refine((v) => cron.validate(v), { message: "not a cron expression (e.g. */15 * * * *)" }),
    TEND_SYNC_CONFIG: optional,
    // Days of daily usage kept before the nightly roll-up makes them weekly (docs/scale.md). At least
    // 90: the health engine reads 56 days, score backfills 30 more.
    TEND_USAGE_DAILY_DAYS: z.coerce.number().int().min(90).max(36_500).default(400),
    // Product events in the Segment tracking spec (docs/signals.md): the write key turns the intake on.
    TEND_SEGMENT_WRITE_KEY: optional,
    TEND_EVENTS_CONFIG: optional, // JSON file mapping event names to core features (docs/signals.md)
    // Zendesk tickets (docs/signals.md): a subdomain or a full API base URL, an agent email and API token.
    ZENDESK_SUBDOMAIN: optional.refine((v) => v === undefined || /^[a-z0-9][a-z0-9-]*$/i.test(v), {
      message: "the part before .zendesk.com (e.g. acme)",
    }),
    ZENDESK_API_URL: optional.refine((v) => v === undefined || /^https?:\/\//.test(v), { message: "must be a URL" }),
    ZENDESK_EMAIL: optional,
    ZENDESK_API_TOKEN: optional,
    HUBSPOT_ACCESS_TOKEN: optional, // private app token (docs/crm.md lists the scopes)
    HUBSPOT_API_URL: optional.refine((v) => v === undefined || /^https?:\/\//.test(v), { message: "must be a URL" }),
    SALESFORCE_LOGIN_URL: optional.refine((v) => v === undefined || /^https?:\/\//.test(v), {
      message: "must be a URL",
    }),
    SALESFORCE_CLIENT_ID: optional,
    SALESFORCE_CLIENT_SECRET: optional,
    SALESFORCE_INSTANCE_URL: optional.refine((v) => v === undefined || /^https?:\/\//.test(v), {
      message: "must be a URL",
    }),
    SALESFORCE_ACCESS_TOKEN: optional,
    SALESFORCE_API_VERSION: z
      .string()
      .regex(/^\d{2}\.0$/, { message: "an API version like 62.0" })
      .default("62.0"),
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["SLACK_SIGNING_SECRET"],
        message: "needed with SLACK_BOT_TOKEN for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)",
      });
    }
    if ((env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN) && !env.SLACK_BOT_TOKEN) {
      ctx.addIssue({ code: "custom", path: ["SLACK_BOT_TOKEN"], message: "needed to talk to Slack" });
    }
    const zendesk = [env.ZENDESK_SUBDOMAIN ?? env.ZENDESK_API_URL, env.ZENDESK_EMAIL, env.ZENDESK_API_TOKEN];
    if (zendesk.some(Boolean) && !zendesk.every(Boolean)) {
      ctx.addIssue({
        code: "custom",
        path: [!zendesk[0] ? "ZENDESK_SUBDOMAIN" : !zendesk[1] ? "ZENDESK_EMAIL" : "ZENDESK_API_TOKEN"],
        message: "Zendesk needs ZENDESK_SUBDOMAIN (or ZENDESK_API_URL), ZENDESK_EMAIL and ZENDESK_API_TOKEN together",
      });
    }
    if (Boolean(env.SALESFORCE_CLIENT_ID) !== Boolean(env.SALESFORCE_CLIENT_SECRET)) {
      ctx.addIssue({
        code: "custom",
        path: [env.SALESFORCE_CLIENT_ID ? "SALESFORCE_CLIENT_SECRET" : "SALESFORCE_CLIENT_ID"],
        message: "SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET go together",
      });
    }
    if (env.SALESFORCE_CLIENT_ID && !env.SALESFORCE_LOGIN_URL && !env.SALESFORCE_INSTANCE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["SALESFORCE_LOGIN_URL"],
        message: "the client credentials flow needs your org's My Domain URL (https://<domain>.my.salesforce.com)",
      });
    }
    if (env.SALESFORCE_ACCESS_TOKEN && !env.SALESFORCE_INSTANCE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["SALESFORCE_INSTANCE_URL"],
        message: "needed with SALESFORCE_ACCESS_TOKEN",
      });
    }
    if (Boolean(env.FEISHU_APP_ID) !== Boolean(env.FEISHU_APP_SECRET)) {
      ctx.addIssue({
        code: "custom",
        path: [env.FEISHU_APP_ID ? "FEISHU_APP_SECRET" : "FEISHU_APP_ID"],
        message: "FEISHU_APP_ID and FEISHU_APP_SECRET go together",
      });
    }
  });

const list = (v: string | undefined) =>
  v
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean) ?? [];

export function parseConfig(env: Record<string, string | undefined>) {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const slackEnabled = Boolean(e.SLACK_BOT_TOKEN && (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN));
  const feishuEnabled = Boolean(e.FEISHU_APP_ID && e.FEISHU_APP_SECRET);
  return {
    env: e.NODE_ENV ?? "development",
    databaseUrl: e.DATABASE_URL,
    dataDir: e.TEND_DATA_DIR,
    port: e.PORT,
    host: e.HOST,
    timezone: e.TEND_TIMEZONE,
    locale: e.TEND_LOCALE,
    logLevel: e.TEND_LOG_LEVEL,
    logFormat: e.TEND_LOG_FORMAT,
    demo: e.TEND_DEMO ?? true,
    scheduler: e.TEND_SCHEDULER ?? true,
    // The browser playground is for trying Tend without a chat platform.
    playground: e.TEND_PLAYGROUND ?? !(slackEnabled || feishuEnabled),
    slack: slackEnabled
      ? {
          botToken: e.SLACK_BOT_TOKEN as string,
          signingSecret: e.SLACK_SIGNING_SECRET,
          appToken: e.SLACK_APP_TOKEN,
          apiUrl: e.SLACK_API_URL,
          teamIds: list(e.SLACK_TEAM_IDS),
        }
      : undefined,
    feishu: feishuEnabled
      ? {
          appId: e.FEISHU_APP_ID as string,
          appSecret: e.FEISHU_APP_SECRET as string,
          verificationToken: e.FEISHU_VERIFICATION_TOKEN,
          encryptKey: e.FEISHU_ENCRYPT_KEY,
          domain: e.FEISHU_DOMAIN ?? "feishu",
          mode: e.FEISHU_MODE,
          tenantKeys: list(e.FEISHU_TENANT_KEYS),
          locale: e.FEISHU_LOCALE,
        }
      : undefined,
    ingestToken: e.TEND_INGEST_TOKEN,
    proactiveConfigFile: e.TEND_PROACTIVE_CONFIG,
    healthConfigFile: e.TEND_HEALTH_CONFIG,
    unitEconomicsFile: e.TEND_UNIT_ECONOMICS,
    instanceId: e.TEND_INSTANCE_ID ?? hostname(),
    secretKey: e.TEND_SECRET_KEY ? secretKeyBytes(e.TEND_SECRET_KEY) : undefined,
    usageDailyDays: e.TEND_USAGE_DAILY_DAYS,
    segmentWriteKey: e.TEND_SEGMENT_WRITE_KEY,
    eventsConfigFile: e.TEND_EVENTS_CONFIG,
    zendesk:
      (e.ZENDESK_SUBDOMAIN || e.ZENDESK_API_URL) && e.ZENDESK_EMAIL && e.ZENDESK_API_TOKEN
        ? {
            apiUrl: (e.ZENDESK_API_URL ?? `https://${e.ZENDESK_SUBDOMAIN}.zendesk.com`).replace(/\/+$/, ""),
            email: e.ZENDESK_EMAIL,
            apiToken: e.ZENDESK_API_TOKEN,
          }
        : undefined,
    sync: {
      cron: e.TEND_SYNC_CRON,
      configFile: e.TEND_SYNC_CONFIG,
      hubspot: e.HUBSPOT_ACCESS_TOKEN
        ? { accessToken: e.HUBSPOT_ACCESS_TOKEN, apiUrl: e.HUBSPOT_API_URL ?? "https://api.hubapi.com" }
        : undefined,
      salesforce:
        e.SALESFORCE_CLIENT_ID || e.SALESFORCE_ACCESS_TOKEN
          ? {
              loginUrl: e.SALESFORCE_LOGIN_URL ?? e.SALESFORCE_INSTANCE_URL,
              clientId: e.SALESFORCE_CLIENT_ID,
              clientSecret: e.SALESFORCE_CLIENT_SECRET,
              instanceUrl: e.SALESFORCE_INSTANCE_URL,
              accessToken: e.SALESFORCE_ACCESS_TOKEN,
              version: e.SALESFORCE_API_VERSION,
            }
          : undefined,
    },
    storeTimeouts: { connectMs: e.TEND_DB_CONNECT_TIMEOUT_MS, statementMs: e.TEND_DB_STATEMENT_TIMEOUT_MS },
  };
}

export type Config = ReturnType<typeof parseConfig>;

export class ConfigError extends Error {}

/** Reads the process environment once (the only process.env access in the project). */
export function loadConfig(overrides: Record<string, string | undefined> = {}): Config {
  return parseConfig({ ...process.env, ...overrides });
}
