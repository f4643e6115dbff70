// Plain text on every surface (Slack, Feishu, CLI, playground) comes through here from
// handleCommand: a command typed as the grammar has it runs as before; anything else is read by the
// reader (src/commands/ask/read.ts) and, for what it cannot place, by the optional model. Reads run
// headed by what was understood; writes only ever ask for a one-click confirmation.

import { nameKey, resolveAccount } from "../../domain/resolve.js";
import { t as askT } from "../../i18n/catalogue.js";
import type { Block, Reply } from "../../reply/model.js";
import { accountsNamedExactly } from "../../store/repos/accounts.js";
import { type AskLexicon, askLexicon, teamNames } from "../../store/repos/ask.js";
import { audit } from "../../store/repos/audit.js";
import { canWrite, readableFilter } from "../access.js";
import type { HandlerContext } from "../handlers/common.js";
import { type Command, type ParseResult, startsWithVerb, TEAM_WORDS } from "../parse.js";
import { type ModelSettings, translate } from "./model.js";
import { commandLine, isWrite, readQuestion } from "./read.js";

type Run = (command: Command) => Promise<Reply>;

/** A scope written out: `@handle`, a Slack mention, or the word team / 团队 ("renewals at risk" is not one). */
const EXPLICIT_SCOPE = new RegExp(`(^|\\s)(@|<@)\\S|(^|\\s)(${TEAM_WORDS.join("|")})(\\s|$)`, "i");

/** True when the grammar answers the text as typed: its verb parsed and its names are known. */
async function answersAsTyped(
  d: HandlerContext,
  parsed: ParseResult,
  lexicon: () => Promise<AskLexicon>,
): Promise<boolean> {
  if (!parsed.ok) return false;
  const c = parsed.command;
  if ("name" in c) {
    if (/^id:\S+$/.test(c.name.trim())) return true;
    if ((await accountsNamedExactly(d.db, readableFilter(d.asker), c.name)).length > 0) return true;
    const r = resolveAccount(c.name, (await lexicon()).accounts);
    // "log a call with Acme" parses with the name "a", which starts many names: that is not what was typed.
    return r.kind === "exact" || (r.kind === "ambiguous" && [...nameKey(c.name)].length >= 3);
  }
  if ("scope" in c) {
    const team = c.scope.kind === "team" ? c.scope.name?.trim().toLowerCase() : undefined;
    if (!team) return true;
    return (await teamNames(d.db)).some((t) => t.toLowerCase() === team);
  }
  return true;
}

/** The command with its account named by id (what buttons and runs use), when the name is known. */
function byRef(command: Command, lex: AskLexicon, accountId?: string): Command {
  if (!("name" in command)) return command;
  const id =
    accountId ??
    (() => {
      const r = resolveAccount(command.name, lex.accounts);
      return r.kind === "exact" ? r.account.id : undefined;
    })();
  return id ? { ...command, name: `id:${id}` } : command;
}

async function answer(d: HandlerContext, command: Command, ref: Command, run: Run, byModel: boolean): Promise<Reply> {
  const line = commandLine(command);
  if (isWrite(command) && canWrite(d.asker)) {
    const text = askT(d.locale, "ask.confirm", { command: line });
    return {
      summary: text,
      blocks: [
        { type: "text", text },
        {
          type: "buttons",
          buttons: [
            {
              text: askT(d.locale, "ask.confirm_button"),
              actionId: "tend.run",
              value: commandLine(ref),
              style: "primary",
            },
          ],
        },
      ],
      tone: "neutral",
    };
  }
  const reply = await run(ref);
  const head: Block = {
    type: "context",
    text: askT(d.locale, byModel ? "ask.read_as_model" : "ask.read_as", { command: line }),
  };
  return { ...reply, blocks: [head, ...reply.blocks] };
}

export interface AskOptions {
  model?: ModelSettings | undefined;
}

/**
 * The answer to a text the grammar does not answer as typed, or undefined: then the grammar's own
 * reply stands (a usage hint, or "no account called ..." with the closest names).
 */
export async function answerPlainText(
  d: HandlerContext,
  text: string,
  parsed: ParseResult,
  run: Run,
  opts: AskOptions = {},
): Promise<Reply | undefined> {
  let lex: AskLexicon | undefined;
  const lexicon = async () => {
    lex ??= await askLexicon(d.db, readableFilter(d.asker));
    return lex;
  };
  if (await answersAsTyped(d, parsed, lexicon)) return undefined;
  // A list typed with its verb and a team or person that is not found ("risk team ____"): the
  // grammar's "nobody by that name" is the answer; reading it as another scope would show other data.
  if (
    parsed.ok &&
    "scope" in parsed.command &&
    !("name" in parsed.command) &&
    startsWithVerb(text) &&
    EXPLICIT_SCOPE.test(text)
  )
    return undefined;
  const book = await lexicon();
  const reading = readQuestion(text, book, d.asker.today);
  // A bare misspelt name ("globexx corp"): the grammar's closest names answer that better than a guess.
  if (reading.kind === "command" && reading.byTypo && reading.command.kind === "account") return undefined;
  // A grammar command with a usage problem ("log acme") keeps its usage hint unless the text reads clearly.
  if (!parsed.ok && reading.kind !== "command") return undefined;
  // A command typed with its verb whose account is not found or out of reach ("log 云帆 visit"): the
  // grammar's answer ("no account called ...", with the closest names) is the honest one, not a guess.
  if (parsed.ok && reading.kind !== "command" && "name" in parsed.command && startsWithVerb(text)) return undefined;
  if (reading.kind === "command")
    return answer(d, reading.command, byRef(reading.command, book, reading.accountId), run, false);
  if (reading.kind === "unsure") {
    const prompt = askT(d.locale, "ask.unsure");
    const choices = reading.candidates
      .slice(0, 3)
      .map((c) => ({ label: commandLine(c), command: commandLine(byRef(c, book)) }));
    return { summary: prompt, blocks: [{ type: "choices", prompt, choices }], tone: "neutral", error: "ambiguous" };
  }
  if (!opts.model) return undefined;
  const out = await translate(opts.model, text, d.asker.today, d.locale);
  await audit(d.db, [
    {
      memberId: d.asker.member.id,
      surface: d.asker.surface,
      action: "ask.model",
      detail: {
        question: text.slice(0, 500),
        command: out.ok ? commandLine(out.value) : null,
        outcome: out.ok ? "command" : out.reason,
      },
    },
  ]);
  if (!out.ok) return undefined;
  return answer(d, out.value, byRef(out.value, book), run, true);
}
