// The command text in a Feishu message: text and rich-text (post) messages; the bot's @mention is
// removed and other people's mentions become `@<open_id>` (which the core resolves to members).

export interface Mention {
  key: string;
  id: { open_id?: string | undefined };
  name?: string;
}

type PostNode = { tag?: string; text?: string; user_id?: string };

/** The text of a message's `content` JSON, or undefined for images, files, stickers... */
export function messageText(messageType: string, content: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return undefined;
  }
  if (messageType === "text") {
    const text = (parsed as { text?: unknown }).text;
    return typeof text === "string" ? text : undefined;
  }
  if (messageType === "post") {
    // A received post is {title, content: [[node, ...], ...]} (one array per line).
    const post = parsed as { title?: string; content?: PostNode[][] };
    const lines = (post.content ?? []).map((line) =>
      line.map((n) => (n.tag === "text" ? (n.text ?? "") : n.tag === "at" ? (n.user_id ?? "") : "")).join(""),
    );
    return lines.join(" ");
  }
  return undefined;
}

/** Whether the bot is mentioned; the text with mention markup resolved. */
export function resolveMentions(
  text: string,
  mentions: Mention[] | undefined,
  botOpenId: string | undefined,
): { text: string; botMentioned: boolean } {
  let out = text;
  let botMentioned = false;
  // Longest keys first so @_user_1 never eats the start of @_user_10.
  for (const m of [...(mentions ?? [])].sort((a, b) => b.key.length - a.key.length)) {
    const isBot = botOpenId ? m.id.open_id === botOpenId : false;
    if (isBot) botMentioned = true;
    out = out.split(m.key).join(isBot || !m.id.open_id ? " " : `@${m.id.open_id}`);
  }
  // Without the bot's id (bot info unavailable) any mention in a group counts: Feishu only delivers
  // group messages that @mention the bot unless the app may read all group messages.
  if (!botOpenId && (mentions?.length ?? 0) > 0) botMentioned = true;
  return { text: out.replace(/\s+/g, " ").trim(), botMentioned };
}
