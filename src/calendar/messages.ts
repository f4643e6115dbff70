import type { Catalogue, Locale } from "../i18n/locale.js";
import { translator } from "../i18n/locale.js";
import { param } from "../reply/text.js";

// Every sentence about calendars, in English and Simplified Chinese.

const en = {
  "calendar.no_key":
    "Tend can't keep calendar addresses here: the administrator has not set TEND_SECRET_KEY. Nothing was saved.",
  "calendar.not_direct":
    "Send your calendar address to Tend in a direct message, never in a group: it is a secret. Nothing was saved. It has been seen here, so reset the secret address in your calendar's settings and send the new one privately.",
  "calendar.bad_url":
    "That is not a calendar address. Paste your calendar's secret address in iCal format (it starts with https:// and usually ends in .ics).",
  "calendar.refused": "I could not use that address: {reason}. Nothing was saved.",
  "calendar.connected":
    "Calendar connected (this reply is only for you; the address is stored encrypted). I read it every {poll} minutes: meetings with your customers get a brief {lead} minutes before and are logged after.",
  "calendar.connected_later": "I could not read it just now ({reason}); I will try again in {poll} minutes.",
  "calendar.upcoming": "Meetings with customers in the next {days} days: {count}.",
  "calendar.upcoming_item": "{when} - {account}: {title}",
  "calendar.off": "Calendar disconnected: its address is deleted, and {count} pending meeting briefs are cancelled.",
  "calendar.off_none": "No calendar is connected.",
  "calendar.status_none":
    "No calendar connected. Send `calendar <secret iCal address>` to Tend in a direct message to connect one.",
  "calendar.status": "Calendar connected since {since}. Briefs come {lead} minutes before your customer meetings.",
  "calendar.status_read": "Last read: {when}.",
  "calendar.status_never": "Not read yet (the next read is within {poll} minutes).",
  "calendar.status_error": "Last read failed {when}: {reason} ({failures} in a row since {since}).",
  "calendar.lead_saved": "Meeting briefs will come {lead} minutes before.",
  "calendar.lead_none": "Connect a calendar first: `calendar <secret iCal address>` in a direct message.",
  "calendar.usage":
    "`calendar <secret iCal address>` (in a direct message) connects your calendar; `calendar` shows how it goes; `calendar before <minutes>` sets when briefs come; `calendar off` disconnects it.",
  "error.gone": "the address no longer exists (it was reset or deleted: send the new one)",
  "error.unauthorized": "the calendar refused access (the secret address was reset, or this is not the secret address)",
  "error.unparsable": "what the address returns is not an iCalendar feed",
  "error.unreachable": "the calendar server did not answer",
  "error.too_large": "the calendar is too large to read",
  "error.http": "the calendar server answered HTTP {status}",
  "brief.header": "{account}: meeting at {time}",
  "brief.summary": "Brief for your meeting with {account} at {time}",
  "brief.meeting": "{title} - {time}, {minutes} min. With {people}.",
  "brief.meeting_all_day": "{title} - all day. With {people}.",
  "brief.someone": "their team",
  "logged.summary": "Logged from your calendar: {kind} with {account}",
  "logged.text": "Logged a {kind} with {account} on {date} from your calendar ({title}), with {people}.",
  "logged.add_notes": "Add notes",
  "logged.missed": "It did not happen",
  "missed.done": "Removed: that meeting is no longer counted as contact with {account}.",
  "missed.bad": "That meeting was already removed, or it is not yours.",
  "failing.summary": "Tend can't read your calendar",
  "failing.text":
    "I can't read your calendar since {since}: {reason}. Meeting briefs and automatic logging wait until it works again. Send `calendar <new address>` in a direct message to replace it, or `calendar off`.",
  "agenda.title": "Visits and meetings",
  "agenda.meeting": "{when} - {account}: {title}",
  "agenda.visit": "{when} - {account}: planned visit",
  "agenda.all_day": "{day}, all day",
};

type Key = keyof typeof en;

const zh: Record<Key, string> = {
  "calendar.no_key": "这里无法保存日历地址：管理员尚未设置 TEND_SECRET_KEY。未保存任何内容。",
  "calendar.not_direct":
    "请通过私聊把日历地址发给 Tend，不要发在群里：它是保密地址。未保存任何内容。它已在此处被看到，请在日历设置中重置私密地址，再私下发送新地址。",
  "calendar.bad_url": "这不是日历地址。请粘贴日历的 iCal 格式私密地址（以 https:// 开头，通常以 .ics 结尾）。",
  "calendar.refused": "无法使用该地址：{reason}。未保存任何内容。",
  "calendar.connected":
    "日历已连接（此回复仅你可见；地址已加密保存）。我每 {poll} 分钟读取一次：与客户的会议会在开始前 {lead} 分钟收到简报，结束后自动记录。",
  "calendar.connected_later": "刚才无法读取（{reason}）；{poll} 分钟后再试。",
  "calendar.upcoming": "未来 {days} 天与客户的会议：{count} 个。",
  "calendar.upcoming_item": "{when} - {account}：{title}",
  "calendar.off": "日历已断开：地址已删除，{count} 份待发的会议简报已取消。",
  "calendar.off_none": "尚未连接日历。",
  "calendar.status_none": "尚未连接日历。私聊 Tend 发送 `日历 <iCal 私密地址>` 即可连接。",
  "calendar.status": "日历自 {since} 起已连接。客户会议开始前 {lead} 分钟发送简报。",
  "calendar.status_read": "上次读取：{when}。",
  "calendar.status_never": "尚未读取（{poll} 分钟内读取）。",
  "calendar.status_error": "上次读取失败（{when}）：{reason}（自 {since} 起连续 {failures} 次）。",
  "calendar.lead_saved": "会议简报将在开始前 {lead} 分钟发送。",
  "calendar.lead_none": "请先连接日历：私聊发送 `日历 <iCal 私密地址>`。",
  "calendar.usage":
    "`日历 <iCal 私密地址>`（私聊）连接日历；`日历` 查看状态；`日历 提前 <分钟>` 设置简报提前时间；`日历 关闭` 断开连接。",
  "error.gone": "该地址已不存在（已被重置或删除：请发送新地址）",
  "error.unauthorized": "日历拒绝访问（私密地址已被重置，或这不是私密地址）",
  "error.unparsable": "该地址返回的内容不是 iCalendar 日历",
  "error.unreachable": "日历服务器没有响应",
  "error.too_large": "日历过大，无法读取",
  "error.http": "日历服务器返回 HTTP {status}",
  "brief.header": "{account}：{time} 的会议",
  "brief.summary": "{time} 与 {account} 会议的简报",
  "brief.meeting": "{title} - {time}，{minutes} 分钟。参加：{people}。",
  "brief.meeting_all_day": "{title} - 全天。参加：{people}。",
  "brief.someone": "对方团队",
  "logged.summary": "已从日历记录：与 {account} 的{kind}",
  "logged.text": "已从日历记录 {date} 与 {account} 的{kind}（{title}），参加：{people}。",
  "logged.add_notes": "添加备注",
  "logged.missed": "会议没有举行",
  "missed.done": "已移除：该会议不再计为与 {account} 的联系。",
  "missed.bad": "该会议已被移除，或不属于你。",
  "failing.summary": "Tend 无法读取你的日历",
  "failing.text":
    "自 {since} 起无法读取你的日历：{reason}。会议简报和自动记录将暂停，直到恢复。私聊发送 `日历 <新地址>` 替换，或发送 `日历 关闭`。",
  "agenda.title": "拜访与会议",
  "agenda.meeting": "{when} - {account}：{title}",
  "agenda.visit": "{when} - {account}：计划拜访",
  "agenda.all_day": "{day} 全天",
};

const CATALOGUE: Catalogue<Key> = { en, "zh-CN": zh };

export type CalendarKey = Key;
export const ct: (locale: Locale, key: Key, params?: Record<string, string | number>) => string = translator(
  CATALOGUE,
  param,
);
