import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

// A stand-in of Feishu's long-connection gateway: a minimal WebSocket server (RFC 6455 binary frames)
// speaking Feishu's frame protocol - protobuf `pbbp2.Frame` {SeqID=1, LogID=2, service=3, method=4
// (0 control, 1 data), headers=5 [{key=1, value=2}], payload=8} - written out by hand here. It pushes
// events as data frames (headers type=event, message_id, sum, seq, trace_id; payload = the event
// JSON) and records the client's answers (payload {code, data: base64(JSON)}).

export interface WsFrame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: Record<string, string>;
  payload?: Buffer;
}

export interface FeishuWsStandIn {
  /** The ws:// URL the endpoint discovery call should hand out. */
  url: string;
  /** Resolves when the client is connected and reading (after its first ping). */
  connected: Promise<void>;
  received: WsFrame[];
  /** Pushes an event; resolves with the client's answer {code, data?}. */
  push(event: unknown, timeoutMs?: number): Promise<{ code: number; data?: unknown }>;
  close(): Promise<void>;
}

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// --- protobuf, the little we need --------------------------------------------------------------
function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const bytesField = (field: number, b: Buffer) => Buffer.concat([key(field, 2), varint(b.length), b]);

export function encodeFrame(f: WsFrame): Buffer {
  const parts = [
    key(1, 0),
    varint(f.SeqID),
    key(2, 0),
    varint(f.LogID),
    key(3, 0),
    varint(f.service),
    key(4, 0),
    varint(f.method),
  ];
  for (const [k, v] of Object.entries(f.headers))
    parts.push(bytesField(5, Buffer.concat([bytesField(1, Buffer.from(k)), bytesField(2, Buffer.from(v))])));
  if (f.payload) parts.push(bytesField(8, f.payload));
  return Buffer.concat(parts);
}

function readFields(buf: Buffer): { field: number; value: number | Buffer }[] {
  const out: { field: number; value: number | Buffer }[] = [];
  let i = 0;
  const readVarint = () => {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++] as number;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
  };
  while (i < buf.length) {
    const k = readVarint();
    const field = k >> 3;
    const wire = k & 7;
    if (wire === 0) out.push({ field, value: readVarint() });
    else if (wire === 2) {
      const len = readVarint();
      out.push({ field, value: buf.subarray(i, i + len) });
      i += len;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return out;
}

export function decodeFrame(buf: Buffer): WsFrame {
  const f: WsFrame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: {} };
  for (const { field, value } of readFields(buf)) {
    if (field === 1) f.SeqID = value as number;
    else if (field === 2) f.LogID = value as number;
    else if (field === 3) f.service = value as number;
    else if (field === 4) f.method = value as number;
    else if (field === 5) {
      const h = readFields(value as Buffer);
      const k = h.find((x) => x.field === 1)?.value as Buffer;
      const v = h.find((x) => x.field === 2)?.value as Buffer;
      f.headers[k.toString()] = v.toString();
    } else if (field === 8) f.payload = Buffer.from(value as Buffer);
  }
  return f;
}

// --- WebSocket framing -------------------------------------------------------------------------
function wsFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x80 | opcode, len])
      : len < 65536
        ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
        : (() => {
            const b = Buffer.alloc(10);
            b[0] = 0x80 | opcode;
            b[1] = 127;
            b.writeBigUInt64BE(BigInt(len), 2);
            return b;
          })();
  return Buffer.concat([head, payload]);
}

/** Splits client (masked) frames off the front of `buf`; returns them and what is left. */
function parseClientFrames(buf: Buffer): { frames: { opcode: number; payload: Buffer }[]; rest: Buffer } {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let i = 0;
  for (;;) {
    if (buf.length - i < 2) break;
    const opcode = (buf[i] as number) & 0x0f;
    const masked = ((buf[i + 1] as number) & 0x80) !== 0;
    let len = (buf[i + 1] as number) & 0x7f;
    let p = i + 2;
    if (len === 126) {
      if (buf.length - p < 2) break;
      len = buf.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      if (buf.length - p < 8) break;
      len = Number(buf.readBigUInt64BE(p));
      p += 8;
    }
    const mask = masked ? buf.subarray(p, p + 4) : undefined;
    if (masked) p += 4;
    if (buf.length - p < len) break;
    const payload = Buffer.from(buf.subarray(p, p + len));
    if (mask) for (let j = 0; j < payload.length; j++) payload[j] = (payload[j] as number) ^ (mask[j % 4] as number);
    frames.push({ opcode, payload });
    i = p + len;
  }
  return { frames, rest: buf.subarray(i) };
}

export async function startFeishuWsStandIn(): Promise<FeishuWsStandIn> {
  const sockets = new Set<Duplex>();
  let socket: Duplex | undefined;
  let onConnect: () => void = () => {};
  const connected = new Promise<void>((r) => {
    onConnect = r;
  });
  const waiting = new Map<string, (answer: { code: number; data?: unknown }) => void>();
  let seq = 0;
  const received: WsFrame[] = [];

  const server: Server = createServer((_req, res) => {
    res.statusCode = 426;
    res.end();
  });
  server.on("upgrade", (req, sock: Duplex) => {
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => {});
    const accept = createHash("sha1").update(`${req.headers["sec-websocket-key"]}${GUID}`).digest("base64");
    sock.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket = sock;
    let pending = Buffer.alloc(0);
    sock.on("data", (chunk: Buffer) => {
      const { frames, rest } = parseClientFrames(Buffer.concat([pending, chunk]));
      pending = Buffer.from(rest);
      for (const f of frames) {
        if (f.opcode === 8) {
          sock.end(wsFrame(8, Buffer.alloc(0)));
          continue;
        }
        if (f.opcode !== 2) continue;
        const frame = decodeFrame(f.payload);
        received.push(frame);
        // The client's first ping comes once it is open; it reads frames from the next tick on.
        if (frame.method === 0 && frame.headers.type === "ping") setImmediate(onConnect);
        const id = frame.headers.message_id;
        if (frame.method === 1 && id && waiting.has(id)) {
          const body = JSON.parse((frame.payload ?? Buffer.from("{}")).toString("utf8")) as {
            code: number;
            data?: string;
          };
          const answer: { code: number; data?: unknown } = { code: body.code };
          if (body.data) answer.data = JSON.parse(Buffer.from(body.data, "base64").toString("utf8"));
          waiting.get(id)?.(answer);
          waiting.delete(id);
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `ws://127.0.0.1:${port}/ws?device_id=dev_tend&service_id=7`,
    connected,
    received,
    push(event, timeoutMs = 5_000) {
      if (!socket) throw new Error("no client connected");
      const messageId = `msg_${++seq}`;
      const frame = encodeFrame({
        SeqID: seq,
        LogID: seq,
        service: 7,
        method: 1,
        headers: { type: "event", message_id: messageId, sum: "1", seq: "0", trace_id: `trace_${seq}` },
        payload: Buffer.from(JSON.stringify(event), "utf8"),
      });
      const answered = new Promise<{ code: number; data?: unknown }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${messageId}`)), timeoutMs);
        waiting.set(messageId, (a) => {
          clearTimeout(timer);
          resolve(a);
        });
      });
      socket.write(wsFrame(2, frame));
      return answered;
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
