import { z } from "zod";

// The parts of Feishu's events we read, checked at the edge (the SDK hands us the v2 envelope with
// its header and event flattened into one object). Unknown fields are kept and ignored.

const Meta = {
  event_id: z.string().optional(),
  event_type: z.string().optional(),
  tenant_key: z.string().optional(),
};

export const MessageEvent = z.looseObject({
  ...Meta,
  sender: z.looseObject({
    sender_id: z.looseObject({ open_id: z.string().optional() }).optional(),
    sender_type: z.string(),
    tenant_key: z.string().optional(),
  }),
  message: z.looseObject({
    message_id: z.string().min(1),
    chat_id: z.string(),
    chat_type: z.string(),
    message_type: z.string(),
    content: z.string(),
    mentions: z
      .array(
        z.looseObject({
          key: z.string(),
          id: z.looseObject({ open_id: z.string().optional() }),
          name: z.string().optional(),
        }),
      )
      .optional(),
  }),
});
export type MessageEvent = z.infer<typeof MessageEvent>;

export const MenuEvent = z.looseObject({
  ...Meta,
  operator: z.looseObject({ operator_id: z.looseObject({ open_id: z.string().optional() }).optional() }).optional(),
  event_key: z.string().optional(),
});
export type MenuEvent = z.infer<typeof MenuEvent>;

export const CardActionEvent = z.looseObject({
  ...Meta,
  operator: z.looseObject({ open_id: z.string().optional(), tenant_key: z.string().optional() }).optional(),
  action: z
    .looseObject({
      value: z.unknown().optional(),
      tag: z.string().optional(),
      name: z.string().optional(),
      form_value: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  context: z.looseObject({ open_message_id: z.string().optional(), open_chat_id: z.string().optional() }).optional(),
});
export type CardActionEvent = z.infer<typeof CardActionEvent>;
