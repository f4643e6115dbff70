// The five accounts whose history is written by hand on top of what the seed draws, each a story
// the bot must surface (docs/demo.md). Their plans and patches: src/demo/book/story-accounts.ts.

/** Accounts that carry a story the bot must surface (docs/demo.md). */
export const DEMO_STORIES = {
  /** Strategic, champion left 18 days ago, active users down by half over five weeks. */
  championLeft: "Northwind Logistics",
  /** Went live 60 days ago, 20% of seats activated (target 60% by day 60). */
  onboarding: "Brightwave Health",
  /** Key account renewing in 45 days; an SSO promise 12 days overdue. */
  renewalPromise: "杭州云帆科技有限公司",
  /** Healthy and near its seat limit: open upsell and cross-sell. */
  expansion: "Summit Analytics",
  /** NPS 3 from the decision maker 6 days ago, with a complaint. */
  detractor: "Kestrel Retail",
} as const;

export type StoryKey = keyof typeof DEMO_STORIES;
