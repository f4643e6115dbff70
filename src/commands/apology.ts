// What a person sees when Tend fails: a plain apology with a short error id, in their language. The
// details (the error, what was being done) go to the log under the same id, so a support question
// ("error 3fa9c1") finds them - and nobody in a chat ever reads a stack or a query.
import { randomBytes } from "node:crypto";
import type { Locale } from "../i18n/locale.js";
import type { Logger } from "../log.js";

export interface Apology {
  /** Six hex characters, also logged as `errorId`. */
  id: string;
  text: string;
}

const TEXT: Record<Locale, (id: string) => string> = {
  en: (id) => `Something went wrong on our side (error ${id}). Please try again.`,
  "zh-CN": (id) => `我们这边出了点问题（错误 ${id}），请重试。`,
};

export const newErrorId = (): string => randomBytes(3).toString("hex");

/**
 * The apology for a failure. The one place to give a kind of failure its own words: the store being
 * unreachable ("Tend can't reach its store right now - try again in a minute") belongs here as a
 * case before the generic text.
 */
export function apologyFor(_err: unknown, locale: Locale, id: string = newErrorId()): Apology {
  return { id, text: TEXT[locale](id) };
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
  log.error({ err, what, errorId: a.id, ...fields }, `${what} failed (error ${a.id})`);
  return a;
}
