import { inflateSync } from "node:zlib";

// A small PNG reader for tests (8-bit RGB/RGBA, non-interlaced: what resvg writes), so a test can
// look at the pixels of a picture Tend made.

export interface Pixels {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel. */
  rgba: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function isPng(buf: Buffer): boolean {
  return buf.length > 8 && buf.subarray(0, 8).equals(SIGNATURE);
}

export function readPng(buf: Buffer): Pixels {
  if (!isPng(buf)) throw new Error("not a PNG");
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString("latin1", pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + len);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[12] !== 0) throw new Error("only 8-bit non-interlaced PNGs");
      colorType = body[9] as number;
    } else if (type === "IDAT") idat.push(body);
    else if (type === "IEND") break;
    pos += 12 + len;
  }
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : colorType === 4 ? 2 : colorType === 0 ? 1 : 0;
  if (channels === 0) throw new Error(`colour type ${colorType} not supported`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x] as number;
      const a = x >= channels ? (out[y * stride + x - channels] as number) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + x] as number) : 0;
      const c = x >= channels && y > 0 ? (out[(y - 1) * stride + x - channels] as number) : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter] ?? 0;
      out[y * stride + x] = (v + pred) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = out.subarray(i * channels, i * channels + channels);
    const [r, g, b, al] =
      channels === 4
        ? [s[0], s[1], s[2], s[3]]
        : channels === 3
          ? [s[0], s[1], s[2], 255]
          : [s[0], s[0], s[0], channels === 2 ? s[1] : 255];
    rgba.set([r as number, g as number, b as number, al as number], i * 4);
  }
  return { width, height, rgba };
}

/** Pixels in the box that are clearly not the white background. */
export function inkIn(p: Pixels, box: { x: number; y: number; w: number; h: number }): number {
  let n = 0;
  for (let y = box.y; y < Math.min(p.height, box.y + box.h); y++)
    for (let x = box.x; x < Math.min(p.width, box.x + box.w); x++) {
      const i = (y * p.width + x) * 4;
      const lum = ((p.rgba[i] as number) + (p.rgba[i + 1] as number) + (p.rgba[i + 2] as number)) / 3;
      if (lum < 200) n++;
    }
  return n;
}

/** Distinct colours (quantised to 4 bits a channel) across the picture. */
export function colourCount(p: Pixels): number {
  const seen = new Set<number>();
  for (let i = 0; i < p.rgba.length; i += 4)
    seen.add(
      (((p.rgba[i] as number) >> 4) << 8) | (((p.rgba[i + 1] as number) >> 4) << 4) | ((p.rgba[i + 2] as number) >> 4),
    );
  return seen.size;
}
