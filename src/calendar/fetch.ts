// Reads a calendar feed with a conditional request: the validators of the last full read go out as
// If-None-Match / If-Modified-Since, and a 304 costs nothing but the round trip. The address is a
// secret: it never appears in what this returns (errors are codes, not messages with the URL).

export type FeedError = "gone" | "unauthorized" | "unreachable" | "too_large" | "unparsable" | `http_${number}`;

export type FetchResult =
  | { kind: "ok"; body: string; etag?: string; lastModified?: string }
  | { kind: "not_modified" }
  | { kind: "error"; error: FeedError };

export const FETCH_LIMITS = {
  timeoutMs: 20_000,
  /** A calendar bigger than this is refused (years of history in one feed). */
  maxBytes: 20 * 1024 * 1024,
};

/** An address as typed: webcal:// is the same feed over https. Undefined when it is not one. */
export function feedUrl(typed: string): string | undefined {
  const t = typed
    .trim()
    .replace(/^<|>$/g, "")
    .replace(/^webcals?:\/\//i, "https://");
  if (t.length > 2000) return undefined;
  try {
    const u = new URL(t);
    if (u.protocol !== "https:" && u.protocol !== "http:") return undefined;
    if (!u.hostname) return undefined;
    return u.toString();
  } catch {
    return undefined;
  }
}

export async function fetchFeed(
  url: string,
  validators: { etag?: string | null; lastModified?: string | null },
  limits = FETCH_LIMITS,
): Promise<FetchResult> {
  const headers: Record<string, string> = {
    accept: "text/calendar, */*;q=0.5",
    "user-agent": "Tend calendar reader",
  };
  if (validators.etag) headers["if-none-match"] = validators.etag;
  if (validators.lastModified) headers["if-modified-since"] = validators.lastModified;
  let res: Response;
  try {
    res = await fetch(url, { headers, redirect: "follow", signal: AbortSignal.timeout(limits.timeoutMs) });
  } catch {
    return { kind: "error", error: "unreachable" };
  }
  if (res.status === 304) {
    await res.body?.cancel();
    return { kind: "not_modified" };
  }
  if (!res.ok) {
    await res.body?.cancel();
    if (res.status === 404 || res.status === 410) return { kind: "error", error: "gone" };
    if (res.status === 401 || res.status === 403) return { kind: "error", error: "unauthorized" };
    return { kind: "error", error: `http_${res.status}` };
  }
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > limits.maxBytes) {
    await res.body?.cancel();
    return { kind: "error", error: "too_large" };
  }
  let body: string;
  try {
    body = await readLimited(res, limits.maxBytes);
  } catch (err) {
    return { kind: "error", error: err instanceof TooLarge ? "too_large" : "unreachable" };
  }
  const etag = res.headers.get("etag") ?? undefined;
  const lastModified = res.headers.get("last-modified") ?? undefined;
  return { kind: "ok", body, ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}

class TooLarge extends Error {}

async function readLimited(res: Response, max: number): Promise<string> {
  if (!res.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) throw new TooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
