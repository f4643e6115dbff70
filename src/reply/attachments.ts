import { renderChart } from "../charts/render.js";
import { plain } from "../text/user-data.js";
import type { Attachment } from "./model.js";

// An attachment as the bytes a surface uploads or writes: charts drawn to PNG, documents as UTF-8.

export interface AttachmentFile {
  /** A safe file name: letters, digits, dot, dash and underscore only. */
  fileName: string;
  title: string;
  /** Pictures: what a screen reader reads. */
  alt?: string;
  mime: "image/png" | "text/markdown" | "text/html";
  image: boolean;
  bytes: Buffer;
}

/** Only letters, digits, `.`, `-` and `_`; never a path, never hidden, never empty. */
export function safeFileName(name: string, ext: string): string {
  const stem =
    name
      .normalize("NFKC")
      .replace(/\.[a-z0-9]+$/i, "")
      .replace(/[^\p{L}\p{N}._-]+/gu, "-")
      .replace(/^[.-]+|[.-]+$/g, "")
      .slice(0, 80) || "attachment";
  return `${stem}.${ext}`;
}

export function attachmentFile(a: Attachment): AttachmentFile {
  if (a.kind === "chart")
    return {
      fileName: safeFileName(a.name, "png"),
      title: plain(a.title),
      alt: plain(a.alt),
      mime: "image/png",
      image: true,
      bytes: renderChart(a.chart),
    };
  return {
    fileName: safeFileName(a.name, a.format === "markdown" ? "md" : "html"),
    title: plain(a.title),
    mime: a.format === "markdown" ? "text/markdown" : "text/html",
    image: false,
    bytes: Buffer.from(a.text, "utf8"),
  };
}

/** Distinct file names for one reply's attachments (a second `trend.png` becomes `trend-2.png`). */
export function attachmentFiles(list: Attachment[] | undefined): AttachmentFile[] {
  const seen = new Map<string, number>();
  return (list ?? []).map((a) => {
    const f = attachmentFile(a);
    const n = (seen.get(f.fileName) ?? 0) + 1;
    seen.set(f.fileName, n);
    return n === 1 ? f : { ...f, fileName: f.fileName.replace(/(\.[a-z]+)$/, `-${n}$1`) };
  });
}
