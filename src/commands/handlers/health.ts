import { addDays } from "../../domain/dates.js";
import type { DimensionScore, Reason } from "../../domain/health/types.js";
import { type QuadrantMove, quadrantMoves } from "../../domain/quadrant.js";
import { sparkline } from "../../domain/sparkline.js";
import { MESSAGES, type MessageKey } from "../../i18n/catalogue.js";
import { formatNumber, formatPercent, sep } from "../../i18n/locale.js";
import type { Block, Reply } from "../../reply/model.js";
import { scoreHistory } from "../../store/repos/accounts.js";
import {
  accountButtons,
  auditRead,
  day,
  type FoundAccount,
  gradeLabel,
  type HandlerContext,
  reason,
  simple,
  toneOf,
} from "./common.js";

// quadrantMoves is pure domain logic (src/domain/quadrant.ts), re-exported for existing callers.
export { type QuadrantMove, quadrantMoves };

type InputValue = number | string | boolean | null;

// How each health input reads to a person: ratios as percentages, flags as yes/no, counts whole.
const RATIOS = new Set(["activation", "activation_target", "utilisation", "stickiness", "change"]);
const AVERAGES = new Set(["active_users", "recent_avg_active", "baseline_avg_active"]);
/** Value-and-support counts are null when nothing of the kind was ever recorded. */
const RECORDED = new Set(["feedback_open_old", "promises_overdue", "milestones_overdue"]);

function inputValue(d: HandlerContext, key: string, v: InputValue): string {
  if (v === null) return d.t(RECORDED.has(key) ? "input.none_recorded" : "label.no_data");
  if (typeof v === "boolean") return d.t(v ? "input.yes" : "input.no");
  if (key === "frequency" && (v === "daily" || v === "weekly")) return d.t(`input.freq_${v}`);
  if (typeof v === "string") return v;
  if (RATIOS.has(key)) {
    const r = Math.round(v * 100) / 100 || 0; // never "-0%"
    return `${key === "change" && r > 0 ? "+" : ""}${formatPercent(d.locale, r)}`;
  }
  return formatNumber(d.locale, v, AVERAGES.has(key) ? 1 : Number.isInteger(v) ? 0 : 2);
}

/** One dimension's inputs as "label: value" pairs in the reader's language (core features as "6 of 8"). */
function inputLine(d: HandlerContext, inputs: Record<string, InputValue>): string {
  const colon = sep(d.locale, "label");
  const { core_features_used: used, core_features_total: total, ...rest } = inputs;
  const pairs: [string, string][] = [];
  if (used !== undefined || total !== undefined)
    pairs.push([
      d.t("input.core_features"),
      typeof used === "number" && typeof total === "number"
        ? d.t("input.core_features_of", { used, total })
        : d.t("label.no_data"),
    ]);
  for (const [k, v] of Object.entries(rest)) {
    const key = `input.${k}`;
    const label = key in MESSAGES.en ? d.t(key as MessageKey) : k.replace(/_/g, " ");
    pairs.push([label, inputValue(d, k, v)]);
  }
  return pairs.map(([label, value]) => `${label}${colon}${value}`).join(" · ");
}

export async function healthBreakdown(d: HandlerContext, a: FoundAccount): Promise<Reply> {
  const history = await scoreHistory(d.db, a.id, addDays(d.asker.today, -90));
  const latest = history.filter((h) => h.day <= d.asker.today).at(-1);
  await auditRead(d, "health.read", [a.id]);
  if (!latest) return simple(d.t("health.not_scored", { name: a.name }), undefined, "neutral");
  const lvl = (n: number) => d.t(`level.${Math.max(0, Math.min(2, n)) as 0 | 1 | 2}`);
  const blocks: Block[] = [
    { type: "header", text: d.t("health.title", { name: a.name }) },
    {
      type: "text",
      text: `**${gradeLabel(d, latest.grade, latest.score, latest.state)}**  ${sparkline(history.slice(-30).map((h) => h.score))}`,
    },
  ];
  const components = (Array.isArray(latest.components) ? latest.components : []) as DimensionScore[];
  for (const c of components) {
    const score = c.score === null ? d.t("label.no_data") : String(Math.round(c.score));
    const weight = `${Math.round(c.effectiveWeight * 100)}%`;
    const inputs = inputLine(d, (c.inputs ?? {}) as Record<string, InputValue>);
    blocks.push({
      type: "text",
      text: `**${d.t("health.dimension", { dimension: d.t(`dim.${c.dimension}`), score, weight })}**${inputs ? `\n${inputs}` : ""}`,
    });
  }
  const reasons = (latest.reasons ?? []) as Reason[];
  if (reasons.length > 0)
    blocks.push({
      type: "list",
      title: d.t("label.reasons"),
      items: [...reasons]
        .sort((x, y) => Math.abs(y.impact) - Math.abs(x.impact))
        .map((r) => ({ text: reason(d, r), tone: r.kind === "drag" ? ("danger" as const) : ("good" as const) })),
    });
  blocks.push({
    type: "context",
    text: d.t("health.quadrant", { usage: lvl(latest.usageLevel), value: lvl(latest.valueLevel) }),
  });
  const moves = quadrantMoves(history.filter((h) => h.day <= d.asker.today));
  const quad = (q: [number, number]) => `${lvl(q[0])}/${lvl(q[1])}`;
  blocks.push({
    type: "list",
    title: d.t("health.moves"),
    items:
      moves.length === 0
        ? [{ text: d.t("health.no_moves") }]
        : moves.slice(-5).map((m) => ({
            text: d.t(m.direction === "down" ? "health.move_down" : "health.move_up", {
              date: day(d, m.day),
              from: quad(m.from),
              to: quad(m.to),
            }),
            tone: m.direction === "down" ? ("danger" as const) : ("good" as const),
          })),
  });
  blocks.push({
    type: "buttons",
    buttons: accountButtons(d, a, `health id:${a.id}`)
      .slice(0, 1)
      .concat(accountButtons(d, a, `health id:${a.id}`).slice(2)),
  });
  return {
    summary: d.t("health.summary", { name: a.name, grade: gradeLabel(d, latest.grade, latest.score, latest.state) }),
    blocks,
    tone: latest.state === "new" ? "neutral" : toneOf(latest.grade),
  };
}
