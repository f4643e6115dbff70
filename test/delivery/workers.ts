import { type ChildProcess, spawn } from "node:child_process";

/** Starts test/delivery/drain-worker.ts as a process of its own (a replica a test can SIGKILL). */
export function drainWorker(url: string, slackUrl: string, feishuUrl: string, instance: string) {
  const proc: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "test/delivery/drain-worker.ts", url, slackUrl, feishuUrl, instance],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  proc.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  return { proc, done: new Promise<string>((resolve) => proc.on("exit", () => resolve(out))) };
}
