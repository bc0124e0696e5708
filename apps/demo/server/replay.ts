import { readdir, readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { resolveDelay, type ServerContext } from "./context.ts";
import type { StreamFault } from "./faults.ts";
import { HttpError } from "./http.ts";
import { DONE_FRAME, writeFrames } from "./sse.ts";

/** The recorded provider payloads, resolved from this file (repo-relative, wherever the clone lives). */
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

/** Splits an SSE body after each blank line, keeping every byte (the frames join back to the file). */
function splitEvents(bytes: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let start = 0;
  for (let i = bytes.indexOf("\n\n"); i !== -1; i = bytes.indexOf("\n\n", start)) {
    frames.push(bytes.subarray(start, i + 2));
    start = i + 2;
  }
  if (start < bytes.length) frames.push(bytes.subarray(start));
  return frames;
}

/** Whether a `.jsonl` recording holds Responses API events (`{"type":"response.created",...}`). */
function isResponsesJsonl(lines: string[]): boolean {
  try {
    const first = JSON.parse(lines[0] ?? "{}") as { type?: unknown; object?: unknown };
    return typeof first.type === "string" && first.object === undefined;
  } catch {
    return false;
  }
}

/**
 * Replays a recorded file for model `replay:<file>`: `.json`/`.html` with the status INDEX.md gives,
 * `.sse` byte for byte (paced per event), `.jsonl` wrapped as `data: <line>` + `data: [DONE]` (chat),
 * or as `event: <type>` / `data: <line>` with no [DONE] (Responses events).
 */
export async function handleReplay(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  model: string,
  fault: StreamFault | undefined,
): Promise<void> {
  const name = model.slice("replay:".length);
  const files = await replayableFiles();
  if (!/^[\w.-]+$/.test(name) || !files.includes(name)) {
    throw new HttpError(404, `No recorded file "${name}" to replay. Use one of: ${files.join(", ")}.`, {
      param: "model",
      code: "model_not_found",
    });
  }
  const bytes = await readFile(`${CONFORMANCE_DIR}${name}`);
  const delayMs = resolveDelay(ctx, req, model);
  if (name.endsWith(".json") || name.endsWith(".html")) {
    const status = (await recordedStatuses()).get(name) ?? 200;
    res.writeHead(status, {
      "content-type": name.endsWith(".html") ? "text/html; charset=utf-8" : "application/json",
      "content-length": String(bytes.length),
    });
    res.end(bytes);
    return;
  }
  if (name.endsWith(".sse")) {
    await writeFrames(ctx, req, res, splitEvents(bytes), { delayMs, fault });
    return;
  }
  const lines = bytes
    .toString("utf8")
    .split("\n")
    .filter((line) => line.trim() !== "");
  const frames = isResponsesJsonl(lines)
    ? lines.map((line) => `event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`)
    : [...lines.map((line) => `data: ${line}\n\n`), DONE_FRAME];
  await writeFrames(ctx, req, res, frames, { delayMs, fault });
}
