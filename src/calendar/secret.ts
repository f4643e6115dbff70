import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// Secrets Tend keeps (a calendar's secret address) are sealed with AES-256-GCM under TEND_SECRET_KEY.
// The owner's id is the additional authenticated data: a sealed value copied to another member's
// row does not open there. Format: v1:<iv>:<tag>:<ciphertext>, each base64.

const VERSION = "v1";

export function seal(key: Buffer, plaintext: string, owner: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(owner, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(":");
}

/** The plaintext, or undefined when the value was sealed under another key or owner, or is damaged. */
export function unseal(key: Buffer, sealed: string, owner: string): string | undefined {
  const [version, iv, tag, body] = sealed.split(":");
  if (version !== VERSION || !iv || !tag || body === undefined) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
    decipher.setAAD(Buffer.from(owner, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}
