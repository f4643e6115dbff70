import { enqueue, outboxKey } from "../delivery/outbox.js";
import { t } from "../i18n/catalogue.js";
import type { Locale } from "../i18n/locale.js";
import type { Reply } from "../reply/model.js";
import type { SlackServices } from "./services.js";

// Answers to `/tend` and to buttons go back through response_url (or the ack), which carries no
// files. A reply with pictures or documents is therefore also queued in the outbox for the asker's
// direct messages with Tend: one message with the answer's text, its files in the thread, sent by
// the outbox's upload path (each step recorded, a retry repeats none). The key is the interaction's
// trigger id, so a repeated delivery queues nothing more. The private answer says where the files went.

/** The reply to answer privately: with a line saying where its files are, or without them when they could not be queued. */
export async function queueReplyFiles(
  services: SlackServices,
  asker: { user: string; locale: Locale },
  trigger: string,
  reply: Reply,
): Promise<Reply> {
  if (reply.error || !reply.attachments?.length) return reply;
  const { attachments, ...text } = reply;
  const now = services.ctx.now();
  try {
    await enqueue(
      services.ctx.db.pool,
      [
        {
          kind: "reply",
          platform: "slack",
          recipient: asker.user,
          key: outboxKey({
            kind: "reply",
            subject: trigger,
            platform: "slack",
            recipient: asker.user,
            period: now.toISOString().slice(0, 10),
          }),
          reply: { ...reply, visibility: "channel" },
        },
      ],
      now,
    );
  } catch (err) {
    // The text still answers; only the files are missing.
    services.ctx.log.warn({ err, user: asker.user }, "slack: the answer's files could not be queued");
    return text;
  }
  const note = { type: "context" as const, text: t(asker.locale, "slack.files_in_dm") };
  return { ...text, blocks: [...text.blocks, note] };
}
