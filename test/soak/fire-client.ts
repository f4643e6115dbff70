// The load client as a process of its own (`npm run bench soak`), so the figures are the server's,
// not the server's plus a client sharing its CPU:
//   tsx test/soak/fire-client.ts <json: { url, now, commands: { body, tag }[] }>  (on stdin)
// Sends every signed body at once and prints one JSON line: { firedAt, results: [{ tag, status, ackMs, raw }] }.
import { postSigned } from "../slack/sign.js";

const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const job = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
  url: string;
  now: string;
  commands: { body: string; tag: number }[];
};
const now = new Date(job.now);
const firedAt = Date.now(); // wall clock: the parent measures "every answer arrived" from here
const results = await Promise.all(
  job.commands.map(async (c) => {
    const t0 = performance.now();
    const res = await postSigned(job.url, c.body, { now });
    const raw = await res.text();
    return { tag: c.tag, status: res.status, ackMs: performance.now() - t0, raw };
  }),
);
process.stdout.write(`${JSON.stringify({ firedAt, results })}\n`);
