import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerContext } from "./context.ts";
import type { StreamFault } from "./faults.ts";
import { errorBody } from "./http.ts";

/** One SSE event as text: `event: <name>\n` (when named), `data: <json>\n\n`. */
export function sseFrame(data: unknown, event?: string): string {
  const json = typeof data === "string" ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ""}data: ${json}\n\n`;
}

/**
 * The `event: error` frame a Chat or legacy Completions stream sends for the `error-event` fault:
 * OpenAI's error envelope with type `server_error` and code `stream_error`.
 */
export function streamErrorFrame(message: string): string {
  return sseFrame(errorBody(message, "server_error", null, "stream_error"), "error");
}

/** The Chat Completions terminator. */
export const DONE_FRAME = "data: [DONE]\n\n";

/** How to send a list of frames. */
export interface StreamOptions {
  status?: number;
  contentType?: string;
  delayMs: number;
  fault?: StreamFault | undefined;
  /** Frames sent in place of the rest of the stream for the `error-event` fault; `sent` frames went before. */
  errorFrames?: (sent: number) => (string | Uint8Array)[];
  /** Called when the client went away before the end (to mark stored state). */
  onClientGone?: () => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Writes frames one by one, `delayMs` apart, honouring back-pressure and a client that hangs up.
 * Faults hit in the middle of the stream, after at least one frame:
 * `cut` ends the body in the middle of a line (no terminator), `reset` destroys the socket there,
 * `stall` stops sending and keeps the connection open, `stall-keepalive` does the same but sends
 * `: keep-alive` comments, `error-event` sends `errorFrames` and ends.
 */
export async function writeFrames(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  frames: (string | Uint8Array)[],
  options: StreamOptions,
): Promise<void> {
  let gone = false;
  res.on("close", () => {
    if (!res.writableFinished) {
      gone = true;
      options.onClientGone?.();
    }
  });
  res.writeHead(options.status ?? 200, {
    "content-type": options.contentType ?? "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  res.flushHeaders();
  req.socket.setNoDelay(true);

  const faultAt = options.fault ? Math.max(1, Math.floor(frames.length / 2)) : frames.length;
  for (let i = 0; i < faultAt && i < frames.length; i++) {
    if (gone) return;
    if (i > 0 && options.delayMs > 0) await sleep(options.delayMs);
    if (gone) return;
    if (!res.write(frames[i])) await waitForDrain(res);
  }
  if (gone) return;

  switch (options.fault) {
    case undefined:
      res.end();
      return;
    case "cut":
    case "reset": {
      const next = frames[faultAt] ?? frames[frames.length - 1] ?? "data: {";
      const half =
        typeof next === "string"
          ? next.slice(0, Math.ceil(next.length / 2))
          : next.subarray(0, Math.ceil(next.length / 2));
      res.write(half);
      if (options.fault === "cut") res.end();
      else setTimeout(() => res.destroy(), 5);
      return;
    }
    case "error-event":
      for (const frame of options.errorFrames?.(faultAt) ?? []) res.write(frame);
      res.end();
      return;
    case "stall":
    case "stall-keepalive": {
      // Hold the connection until the client gives up (or the server closes).
      await new Promise<void>((resolve) => {
        const timer =
          options.fault === "stall-keepalive"
            ? setInterval(() => res.write(": keep-alive\n\n"), 100)
            : undefined;
        const stop = () => {
          if (timer) clearInterval(timer);
          ctx.cleanups.delete(stop);
          resolve();
        };
        ctx.cleanups.add(stop);
        res.on("close", stop);
      });
      return;
    }
  }
}

function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/**
 * Sends a JSON body, or its broken forms for the body faults: `cut` ends it half-way, `reset` destroys
 * the socket half-way, `stall` never answers. `error-event` has no meaning without a stream: normal body.
 */
export async function writeJsonBody(
  ctx: ServerContext,
  res: ServerResponse,
  body: unknown,
  fault: StreamFault | undefined,
): Promise<void> {
  const text = JSON.stringify(body);
  if (fault === "stall" || fault === "stall-keepalive") {
    await new Promise<void>((resolve) => {
      const stop = () => {
        ctx.cleanups.delete(stop);
        resolve();
      };
      ctx.cleanups.add(stop);
      res.on("close", stop);
    });
    return;
  }
  if (fault === "cut" || fault === "reset") {
    res.writeHead(200, { "content-type": "application/json" });
    res.write(text.slice(0, Math.ceil(text.length / 2)));
    if (fault === "cut") res.end();
    else setTimeout(() => res.destroy(), 5);
    return;
  }
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}
