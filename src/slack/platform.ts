import type { webApi } from "@slack/bolt";
import type { ChatPlatform } from "../chat/contract.js";
import { SLACK_DELIVERY_PREFIX } from "./dedupe.js";
import { slackErrors } from "./errors.js";
import { identifySlackUser } from "./identity.js";
import { mountSlack } from "./mount.js";
import { createChatSender } from "./sender.js";
import { SLACK_TIMING } from "./services.js";

/** Slack as one implementation of the chat-platform contract (src/chat/contract.ts). */
export const slackPlatform: ChatPlatform<webApi.WebClient> = {
  platform: "slack",
  mount: mountSlack,
  identify: identifySlackUser,
  sender: createChatSender,
  deliveryPrefix: SLACK_DELIVERY_PREFIX,
  timing: SLACK_TIMING,
  errors: slackErrors,
};
