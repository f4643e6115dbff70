import { type Catalogue, translator } from "../i18n/locale.js";

// Phrases only the Feishu surface says (the conversation core has its own catalogue).
type Key =
  | "tenant_refused"
  | "rate_limited"
  | "feishu_failed"
  | "not_in_chat"
  | "working"
  | "form_sent"
  | "opened_below"
  | "shared"
  | "fix_fields"
  | "not_text"
  | "stale_card";

const catalogue: Catalogue<Key> = {
  en: {
    tenant_refused: "Tend is not set up for this organisation. Ask your Tend admin to add it.",
    rate_limited: "Feishu is asking us to slow down right now. Please try again in {seconds} s.",
    feishu_failed: "Feishu did not accept that ({error}). Please try again.",
    not_in_chat: "Tend cannot post in this chat. Add the Tend bot to the group, then try again.",
    working: "Working on it - the answer follows in this chat.",
    form_sent: "Fill in the form below.",
    opened_below: "Answer below.",
    shared: "Shared to the chat.",
    fix_fields: "Please fix: {errors}",
    not_text: "Send me a text command, e.g. `help`.",
    stale_card: "This card is out of date. Ask again to get a fresh one.",
  },
  "zh-CN": {
    tenant_refused: "此企业未开通 Tend，请联系 Tend 管理员添加。",
    rate_limited: "飞书暂时限流，请 {seconds} 秒后再试。",
    feishu_failed: "飞书未接受该操作（{error}），请重试。",
    not_in_chat: "Tend 无法在此会话中发消息，请先把 Tend 机器人加入群聊再试。",
    working: "正在处理，结果稍后发到此会话。",
    form_sent: "请在下方表单中填写。",
    opened_below: "结果见下方。",
    shared: "已分享到群聊。",
    fix_fields: "请修改：{errors}",
    not_text: "请发送文字命令，例如“帮助”。",
    stale_card: "此卡片已过期，请重新查询。",
  },
};

export const ft = translator(catalogue);
