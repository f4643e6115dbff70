#!/usr/bin/env node
// `npx tend ...`: the CLI runs from TypeScript sources through tsx (no build step).
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
