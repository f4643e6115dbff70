// Daily product usage for each account over the last USAGE_DAYS days: seats activated since
// go-live and engaged users that follow the account's hidden health, quieter at weekends.
import { addDays } from "../../domain/dates.js";
import { type AccountPlan, type BookContext, clamp, USAGE_DAYS, weekday } from "./context.js";

/** One usage row a day over the last USAGE_DAYS days, from go-live on, to today or the day a churned account left. */
export function addUsage(ctx: BookContext, p: AccountPlan, goLive: number) {
  const { book, today } = ctx;
  const { r, row } = p;
  const seats = row.seats;
  const target = clamp(0.3 + 0.65 * p.h(-USAGE_DAYS) + r.normal() * 0.05, 0.08, 0.99);
  const longTail = row.tier === "long_tail";
  for (let d = -(USAGE_DAYS - 1); d <= p.lastUsageDay; d++) {
    if (d < goLive) continue;
    const since = d - goLive;
    const act = p.activation ? p.activation(d) : target * (0.15 + 0.85 * Math.min(1, since / 60) ** 0.7);
    const activated = Math.max(1, Math.round(seats * act));
    const dow = weekday(addDays(today, d));
    const week = dow === 0 || dow === 6 ? 0.25 : longTail ? r.range(0.3, 1) : 1;
    const hd = p.h(d);
    const engaged = (p.engagement ? p.engagement(d) : 0.35 + 0.6 * hd) * week * (1 + r.normal() * 0.06);
    const active = clamp(Math.round(activated * engaged), 0, activated);
    book.usage.push({
      accountId: row.id,
      day: addDays(today, d),
      activeUsers: active,
      activatedUsers: activated,
      seats,
      logins: Math.round(active * (1.5 + 2 * hd)),
      coreFeaturesUsed: clamp(Math.round(8 * (0.2 + 0.75 * hd)), 1, 8),
      coreFeaturesTotal: 8,
    });
  }
}
