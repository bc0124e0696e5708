/**
 * The recorded provider payloads (packages/core/test/conformance) as this server sends them: the demo's
 * `replay:<file>` model and the test routes' `/__test/conformance/...` both read and wrap them here.
 */
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { wrapJsonl } from "../../../packages/core/test/conformance-wire.ts";

/** The corpus folder, resolved from this file (repo-relative, wherever the clone lives). */
export const CONFORMANCE_DIR = fileURLToPath(
  new URL("../../../packages/core/test/conformance/", import.meta.url),
);

let statuses: Promise<Map<string, number>> | undefined;

/**
 * HTTP statuses of the recorded error bodies, read from the corpus' INDEX.md: a row names its file in
 * backticks, and its status either as `(HTTP **400**)` beside the name or as a `**401**` Status column.
 */
export function recordedStatuses(): Promise<Map<string, number>> {
  statuses ??= readFile(`${CONFORMANCE_DIR}INDEX.md`, "utf8").then((index) => {
    const map = new Map<string, number>();
    for (const line of index.split("\n")) {
      const file = /^\|\s*\d+\s*\|\s*`([^`]+\.(?:json|html))`/.exec(line)?.[1];
      if (!file) continue;
      const status = /HTTP \**(\d{3})\**/.exec(line)?.[1] ?? /\|\s*\*\*(\d{3})\*\*/.exec(line)?.[1];
      map.set(file, status ? Number(status) : 200);
    }
    return map;
  });
  return statuses;
}

/** The recorded files that can be replayed (`replay:<name>`). */
export async function replayableFiles(): Promise<string[]> {
  const names = await readdir(CONFORMANCE_DIR);
  return names.filter((n) => /^\d\d-.*\.(sse|jsonl|json|html)$/.test(n)).sort();
}

const cache = new Map<string, Buffer>();

/** A file of the corpus folder by its name (never a path), or undefined. Read once, then cached. */
export async function corpusFile(name: string): Promise<Buffer | undefined> {
  if (!/^[\w.-]+$/.test(name) || name.startsWith(".")) return undefined;
  let bytes = cache.get(name);
  if (!bytes) {
    try {
      bytes = await readFile(CONFORMANCE_DIR + name);
    } catch {
      return undefined;
    }
    cache.set(name, bytes);
  }
  return bytes;
}

/** Whether a `.jsonl` recording holds Responses API events (`{"type":"response.created",...}`). */
function isResponsesJsonl(text: string): boolean {
  try {
    const line = text.split("\n").find((l) => l.trim() !== "") ?? "{}";
    const first = JSON.parse(line) as { type?: unknown; object?: unknown };
    return typeof first.type === "string" && first.object === undefined;
  } catch {
    return false;
  }
}

/**
 * The body to send for a recording and its content type: `.sse`, `.json` and `.html` byte for byte,
 * `.jsonl` wrapped as INDEX.md says (`wrap`, else by its content: Responses events as `event:`/`data:`
 * with no `[DONE]`, anything else as `data:` lines and `data: [DONE]`).
 */
export function wireBody(
  name: string,
  bytes: Buffer,
  wrap?: "data" | "event",
): { body: Buffer; contentType: string } {
  if (name.endsWith(".sse")) return { body: bytes, contentType: "text/event-stream; charset=utf-8" };
  if (name.endsWith(".jsonl")) {
    const text = bytes.toString("utf8");
    const mode = wrap ?? (isResponsesJsonl(text) ? "event" : "data");
    return {
      body: Buffer.from(wrapJsonl(text, mode), "utf8"),
      contentType: "text/event-stream; charset=utf-8",
    };
  }
  if (name.endsWith(".html")) return { body: bytes, contentType: "text/html; charset=utf-8" };
  return { body: bytes, contentType: "application/json" };
}
