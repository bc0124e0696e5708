import type { IncomingMessage, ServerResponse } from "node:http";
import { requestedCuts, startRun, streamRun } from "./background.ts";
import { resolveDelay, type ServerContext, type StoredResponse } from "./context.ts";
import { corpusFile, recordedStatuses, replayableFiles, wireBody } from "./corpus.ts";
import type { StreamFault } from "./faults.ts";
import { HttpError } from "./http.ts";
import { writeFrames } from "./sse.ts";

export { CONFORMANCE_DIR, recordedStatuses, replayableFiles } from "./corpus.ts";

/** Splits an SSE body after each blank line, keeping every byte (the frames join back to the body). */
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

/** The response a recorded Responses event carries (`response.created`, ..., the terminal event), if any. */
function eventResponse(frame: Buffer): Record<string, unknown> | undefined {
  const data = frame
    .toString("utf8")
    .split("\n")
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).trimStart())
    .join("\n");
  try {
    const response = (JSON.parse(data) as { response?: unknown }).response;
    return response && typeof response === "object" ? (response as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A recorded Responses stream run as a background response (background.ts), under the id the
 * recording names: resumable with `GET /v1/responses/{id}?stream=true&starting_after=N`, cut by
 * `x-oaikit-cut-after`. Replays of the same file share that id; their events are the same.
 */
async function replayInBackground(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  frames: Buffer[],
  delayMs: number,
): Promise<void> {
  const responses = frames.map(eventResponse);
  const first = responses.find((response) => typeof response?.id === "string");
  if (!first) {
    throw new HttpError(
      400,
      `The recording "${name}" names no response id: it cannot run in the background.`,
      {
        param: "background",
      },
    );
  }
  const cuts = requestedCuts(req);
  const last = responses.findLast((response) => response !== undefined) ?? first;
  const stored: StoredResponse = { response: first, history: [] };
  ctx.responses.set(first.id as string, stored);
  const run = startRun(
    ctx,
    stored,
    frames.map((frame) => frame.toString("utf8")),
    delayMs,
    () => {
      stored.response = last;
    },
  );
  await streamRun(ctx, req, res, run, 0, cuts);
}

/**
 * Replays a recorded file for model `replay:<file>`: `.json`/`.html` with the status INDEX.md gives,
 * `.sse` byte for byte (paced per event), `.jsonl` wrapped as `data: <line>` + `data: [DONE]` (chat),
 * or as `event: <type>` / `data: <line>` with no [DONE] (Responses events), paced per event too. A
 * Responses recording asked for with `background: true` runs as a background response.
 */
export async function handleReplay(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  model: string,
  fault: StreamFault | undefined,
  background = false,
): Promise<void> {
  const name = model.slice("replay:".length);
  const files = await replayableFiles();
  const bytes = files.includes(name) ? await corpusFile(name) : undefined;
  if (!bytes) {
    throw new HttpError(404, `No recorded file "${name}" to replay. Use one of: ${files.join(", ")}.`, {
      param: "model",
      code: "model_not_found",
    });
  }
  const { body, contentType } = wireBody(name, bytes);
  if (name.endsWith(".json") || name.endsWith(".html")) {
    const status = (await recordedStatuses()).get(name) ?? 200;
    res.writeHead(status, { "content-type": contentType, "content-length": String(body.length) });
    res.end(body);
    return;
  }
  const delayMs = resolveDelay(ctx, req, model);
  if (background) return replayInBackground(ctx, req, res, name, splitEvents(body), delayMs);
  await writeFrames(ctx, req, res, splitEvents(body), { delayMs, fault });
}
