#!/usr/bin/env node
// `npx tend ...`: the CLI runs from TypeScript sources through tsx (no build step).
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../src/cli/main.ts");
process.exitCode = await runCli(process.argv.slice(2));
