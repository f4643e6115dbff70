import type * as lark from "@larksuiteoapi/node-sdk";
import type { ChatPlatform } from "../chat/contract.js";
import { feishuErrors } from "./errors.js";
import { identifyFeishuUser } from "./identity.js";
import { FEISHU_DELIVERY_PREFIX } from "./incoming.js";
import { mountFeishu } from "./mount.js";
import { createChatSender } from "./sender.js";
import { FEISHU_TIMING } from "./services.js";

/** Feishu as one implementation of the chat-platform contract (src/chat/contract.ts). */
export const feishuPlatform: ChatPlatform<lark.Client> = {
  platform: "feishu",
  mount: mountFeishu,
  identify: identifyFeishuUser,
  sender: createChatSender,
  deliveryPrefix: FEISHU_DELIVERY_PREFIX,
  timing: FEISHU_TIMING,
  errors: feishuErrors,
};
