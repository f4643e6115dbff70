import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

// A stand-in of Slack's Socket Mode endpoint: a minimal WebSocket server (RFC 6455 text frames,
// ping/pong, close) that says hello, pushes envelopes and records what the app sends back.

export interface SocketStandIn {
  url: string;
  /** Messages the app sent (acks: {envelope_id, payload?}). */
  received: Record<string, unknown>[];
  connected: Promise<void>;
  push(envelope: Record<string, unknown>): void;
  /** Resolves with the app's ack for an envelope id. */
  ackFor(envelopeId: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x80 | opcode, len])
      : len < 65536
        ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLen(len)]);
  return Buffer.concat([head, payload]);
}

function bigLen(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

export async function startSocketStandIn(): Promise<SocketStandIn> {
  const sockets = new Set<Duplex>();
  let markConnected: () => void = () => {};
  const waiters: (() => void)[] = [];
  const standIn: SocketStandIn = {
    url: "",
    received: [],
    connected: new Promise((r) => {
      markConnected = r;
    }),
    push(envelope) {
      for (const s of sockets) s.write(frame(0x1, Buffer.from(JSON.stringify(envelope))));
    },
    async ackFor(envelopeId, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = standIn.received.find((m) => m.envelope_id === envelopeId);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no ack for ${envelopeId}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  const server: Server = createServer((_req, res) => {
    res.writeHead(426);
    res.end();
  });
  server.on("upgrade", (req, socket) => {
    const accept = createHash("sha1").update(`${req.headers["sec-websocket-key"]}${GUID}`).digest("base64");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => sockets.delete(socket));
    let buf = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (buf.length < 2) return;
        const opcode = (buf[0] as number) & 0x0f;
        let len = (buf[1] as number) & 0x7f;
        let at = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          at = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          at = 10;
        }
        const masked = ((buf[1] as number) & 0x80) !== 0;
        const maskAt = at;
        if (masked) at += 4;
        if (buf.length < at + len) return;
        const payload = Buffer.from(buf.subarray(at, at + len));
        if (masked)
          for (let i = 0; i < len; i++) payload[i] = (payload[i] as number) ^ (buf[maskAt + (i % 4)] as number);
        buf = buf.subarray(at + len);
        if (opcode === 0x1) {
          standIn.received.push(JSON.parse(payload.toString("utf8")));
          for (const w of waiters.splice(0)) w();
        } else if (opcode === 0x9) socket.write(frame(0xa, payload));
        else if (opcode === 0x8) {
          socket.end(frame(0x8, payload));
        }
      }
    });
    socket.write(
      frame(
        0x1,
        Buffer.from(
          JSON.stringify({
            type: "hello",
            num_connections: 1,
            debug_info: { host: "stand-in", approximate_connection_time: 3600 },
            connection_info: { app_id: "A_TEND" },
          }),
        ),
      ),
    );
    markConnected();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  standIn.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link`;
  return standIn;
}
