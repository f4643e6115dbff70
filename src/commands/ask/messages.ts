// Texts of plain-language questions and the brief's "since the last visit", in English and Chinese.
import { type Catalogue, type Locale, translator } from "../../i18n/locale.js";
import { param } from "../../text/user-data.js";

const en = {
  "ask.read_as": "Read as `{command}`",
  "ask.read_as_model": "Read as `{command}` (by the language model)",
  "ask.confirm": "Read as `{command}`. Nothing is saved until you confirm.",
  "ask.confirm_button": "Confirm",
  "ask.unsure": "I'm not sure what you mean. One of these?",
  "ask.since_title": "Since the last visit ({date})",
  "ask.since_title_none": "In the last 90 days",
  "ask.since_used": "From these records:",
  "ask.since_note": "Written by the language model from the records listed, and nothing else.",
  "ask.rec_interaction": "{kind}",
  "ask.rec_feedback": "feedback ({status})",
  "ask.rec_survey": "survey {score}",
  "ask.rec_risk": "risk raised: {cause}",
};

type Key = keyof typeof en;

const zh: Record<Key, string> = {
  "ask.read_as": "理解为 `{command}`",
  "ask.read_as_model": "理解为 `{command}`（由语言模型判断）",
  "ask.confirm": "理解为 `{command}`。确认之前不会保存任何内容。",
  "ask.confirm_button": "确认",
  "ask.unsure": "我不太确定你的意思。是下面哪一个？",
  "ask.since_title": "上次拜访（{date}）以来",
  "ask.since_title_none": "最近 90 天",
  "ask.since_used": "依据以下记录：",
  "ask.since_note": "由语言模型仅根据所列记录撰写。",
  "ask.rec_interaction": "{kind}",
  "ask.rec_feedback": "反馈（{status}）",
  "ask.rec_survey": "调研 {score}",
  "ask.rec_risk": "上报风险：{cause}",
};

export const ASK_MESSAGES: Catalogue<Key> = { en, "zh-CN": zh };
const translate = translator(ASK_MESSAGES, param);
export const askText = (locale: Locale, key: Key, params?: Record<string, string | number>) =>
  translate(locale, key, params);
