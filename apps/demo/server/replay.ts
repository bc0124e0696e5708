import type { IncomingMessage, ServerResponse } from "node:http";
import { resolveDelay, type ServerContext } from "./context.ts";
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

/**
 * Replays a recorded file for model `replay:<file>`: `.json`/`.html` with the status INDEX.md gives,
 * `.sse` byte for byte (paced per event), `.jsonl` wrapped as `data: <line>` + `data: [DONE]` (chat),
 * or as `event: <type>` / `data: <line>` with no [DONE] (Responses events), paced per event too.
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
  await writeFrames(ctx, req, res, splitEvents(body), { delayMs, fault });
}
