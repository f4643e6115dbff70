import { type Catalogue, translator } from "../i18n/locale.js";

// Phrases only the Slack surface says (the conversation core has its own catalogue).
type Key =
  | "workspace_refused"
  | "rate_limited"
  | "slack_failed"
  | "not_in_channel"
  | "shared"
  | "saved_elsewhere"
  | "stale_form"
  | "too_slow";

const catalogue: Catalogue<Key> = {
  en: {
    workspace_refused: "Tend is not set up for this workspace. Ask your Tend admin to add it.",
    rate_limited: "Slack is asking us to slow down right now. Please try again in {seconds} s.",
    slack_failed: "Slack did not accept that ({error}). Please try again.",
    not_in_channel: "I can't post in this channel yet: invite me with `/invite @Tend`, then share again.",
    shared: "Shared to the channel.",
    saved_elsewhere: "Saved.",
    stale_form: "This form has expired. Open it again from the account card.",
    too_slow: "That took longer than Slack allows for opening a form. Please press the button again.",
  },
  "zh-CN": {
    workspace_refused: "此工作区未开通 Tend，请联系 Tend 管理员添加。",
    rate_limited: "Slack 暂时限流，请 {seconds} 秒后再试。",
    slack_failed: "Slack 未接受该操作（{error}），请重试。",
    not_in_channel: "我还不能在此频道发消息：请先用 `/invite @Tend` 邀请我，再分享。",
    shared: "已分享到频道。",
    saved_elsewhere: "已保存。",
    stale_form: "此表单已失效，请从客户卡片重新打开。",
    too_slow: "处理时间超过了 Slack 打开表单的时限，请再点一次按钮。",
  },
};

export const st = translator(catalogue);
