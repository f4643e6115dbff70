import type { AppContext } from "./context.js";
import type { HttpApp } from "./http/server.js";

// What the service mounts: each surface (ingest API, Slack, Feishu, scheduler, playground) is a door
// that adds its routes to the HTTP app and returns what to start and stop with the service. Kept
// apart from service.ts, which composes the doors, so no door imports the module that loads it.

/** Something mounted on the service: HTTP routes now, background work on start, cleanup on stop. */
export interface Door {
  name: string;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

export type MountDoor = (ctx: AppContext, http: HttpApp) => Promise<Door | undefined>;
