import { createCipheriv, createHash, randomBytes } from "node:crypto";

// Event pushes built as Feishu builds them: a v2 envelope {schema, header, event}; with an encrypt key
// the body becomes {"encrypt": base64(16-byte random IV + AES-256-CBC(json))} with key
// sha256(encrypt key), and the request is signed: X-Lark-Signature = hex sha256(timestamp + nonce +
// encrypt key + raw body), X-Lark-Request-Timestamp in seconds, X-Lark-Request-Nonce random.

export const TEST_ENCRYPT_KEY = "tend-encrypt-key";
export const TEST_VERIFICATION_TOKEN = "tend-verification-token";
export const TEST_TENANT = "tenant_tend";

let seq = 0;
export const eventId = () => `ev_${Date.now().toString(16)}_${(++seq).toString(16).padStart(6, "0")}`;

export function encryptLikeFeishu(encryptKey: string, plaintext: string, iv = randomBytes(16)): string {
  const key = createHash("sha256").update(encryptKey).digest();
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, "utf8"), cipher.final()]).toString("base64");
}

export function signLikeFeishu(timestamp: string, nonce: string, encryptKey: string, body: string): string {
  return createHash("sha256")
    .update(timestamp + nonce + encryptKey + body)
    .digest("hex");
}

export function envelope(
  eventType: string,
  event: Record<string, unknown>,
  opts: { id?: string; tenant?: string; token?: string } = {},
) {
  return {
    schema: "2.0",
    header: {
      event_id: opts.id ?? eventId(),
      event_type: eventType,
      create_time: "1795442400000",
      token: opts.token ?? TEST_VERIFICATION_TOKEN,
      app_id: "cli_tend_test",
      tenant_key: opts.tenant ?? TEST_TENANT,
    },
    event,
  };
}

export function textMessage(
  openId: string,
  text: string,
  opts: {
    chatType?: "p2p" | "group";
    chatId?: string;
    messageId?: string;
    mentions?: { key: string; id: { open_id: string }; name: string }[];
  } = {},
) {
  return {
    sender: { sender_id: { open_id: openId, union_id: `on_${openId}` }, sender_type: "user", tenant_key: TEST_TENANT },
    message: {
      message_id: opts.messageId ?? `om_in_${++seq}`,
      create_time: "1795442400000",
      chat_id: opts.chatId ?? `oc_p2p_${openId}`,
      chat_type: opts.chatType ?? "p2p",
      message_type: "text",
      content: JSON.stringify({ text }),
      ...(opts.mentions ? { mentions: opts.mentions } : {}),
    },
  };
}

/** A message event to the bot (`im.message.receive_v1`), in its envelope (`id`: the event id). */
export function messagePush(openId: string, text: string, opts: Parameters<typeof textMessage>[2] = {}, id?: string) {
  return envelope("im.message.receive_v1", textMessage(openId, text, opts), id ? { id } : {});
}

export function cardAction(
  openId: string,
  value: unknown,
  opts: { formValue?: Record<string, unknown>; messageId?: string; chatId?: string } = {},
) {
  return {
    operator: { tenant_key: TEST_TENANT, open_id: openId, union_id: `on_${openId}` },
    token: "c-card-update-token",
    action: {
      value,
      tag: "button",
      ...(opts.formValue ? { name: "submit", form_value: opts.formValue } : {}),
    },
    host: "im_message",
    context: { open_message_id: opts.messageId ?? "om_card_1", open_chat_id: opts.chatId ?? `oc_p2p_${openId}` },
  };
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** The HTTP request Feishu would send for this payload (encrypted and signed when a key is given). */
export function feishuRequest(
  payload: unknown,
  opts: { encryptKey?: string; now: Date; nonce?: string; sign?: boolean },
): SignedRequest {
  const json = JSON.stringify(payload);
  if (!opts.encryptKey) return { body: json, headers: { "content-type": "application/json" } };
  const body = JSON.stringify({ encrypt: encryptLikeFeishu(opts.encryptKey, json) });
  if (opts.sign === false) return { body, headers: { "content-type": "application/json" } };
  const timestamp = String(Math.floor(opts.now.getTime() / 1000));
  const nonce = opts.nonce ?? randomBytes(8).toString("hex");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-lark-request-timestamp": timestamp,
      "x-lark-request-nonce": nonce,
      "x-lark-signature": signLikeFeishu(timestamp, nonce, opts.encryptKey, body),
    },
  };
}
