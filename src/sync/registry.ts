import type { Config } from "../config/env.js";
import { hubspotSource } from "./hubspot.js";
import { salesforceSource } from "./salesforce.js";
import { segmentSource } from "./segment.js";
import type { SyncSource } from "./types.js";
import { zendeskSource } from "./zendesk.js";

// Every source `tend sync` knows, in the order the scheduled run takes them. Add a source by
// implementing SyncSource (types.ts) and appending it here.
export const SOURCES: SyncSource[] = [hubspotSource, salesforceSource, zendeskSource, segmentSource];

export function findSource(name: string): SyncSource | undefined {
  return SOURCES.find((s) => s.name === name.toLowerCase());
}

export function configuredSources(config: Config): SyncSource[] {
  return SOURCES.filter((s) => s.configured(config));
}
