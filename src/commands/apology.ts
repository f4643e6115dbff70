// What a person sees when Tend fails: a plain apology with a short error id, in their language. The
// details (the error, what was being done) go to the log under the same id, so a support question
// ("error 3fa9c1") finds them - and nobody in a chat ever reads a stack or a query.
import { randomBytes } from "node:crypto";
import { t, tPlain } from "../i18n/catalogue.js";
import type { Locale } from "../i18n/locale.js";
import { errorLine, type Logger } from "../log.js";
import { isStoreUnavailable } from "../store/db.js";

export interface Apology {
  /** Six hex characters, also logged as `errorId`. */
  id: string;
  text: string;
  /** The store out of reach is an outage, not a bug: its own words, a warning rather than an error. */
  kind: "internal" | "store_unavailable";
}

export const newErrorId = (): string => randomBytes(3).toString("hex");

/**
 * The apology for a failure: the one place that gives a kind of failure its own words. The store
 * being unreachable says so ("try again in a minute"); anything else is the generic apology.
 */
export function apologyFor(err: unknown, locale: Locale, id: string = newErrorId()): Apology {
  if (isStoreUnavailable(err)) return { id, text: t(locale, "error.store"), kind: "store_unavailable" };
  return { id, text: tPlain(locale, "error.internal", { id }), kind: "internal" };
}

/** Logs a failure under a new error id and returns the apology that names it. */
export function apologise(
  log: Logger,
  err: unknown,
  locale: Locale,
  what: string,
  fields: Record<string, unknown> = {},
): Apology {
  const a = apologyFor(err, locale);
  // An outage is one short line per failure (no stack every time a command meets it).
  if (a.kind === "store_unavailable")
    log.warn({ what, errorId: a.id, reason: errorLine(err), ...fields }, `${what}: store unavailable`);
  else log.error({ err, what, errorId: a.id, ...fields }, `${what} failed (error ${a.id})`);
  return a;
}
