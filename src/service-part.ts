import type { AppContext } from "./context.js";
import type { HttpApp } from "./http/server.js";

// What the service mounts: each surface (ingest API, Slack, Feishu, scheduler, playground) is a part
// that adds its routes to the HTTP app and returns what to start and stop with the service. Kept
// apart from service.ts, which composes the parts, so no part imports the module that loads it.

/** Something mounted on the service: HTTP routes now, background work on start, cleanup on stop. */
export interface ServicePart {
  name: string;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

export type MountPart = (ctx: AppContext, http: HttpApp) => Promise<ServicePart | undefined>;
