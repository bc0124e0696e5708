/**
 * Background responses that stream (`background: true, stream: true`), as OpenAI runs them: the
 * response's events are produced on the server's own clock whether or not anyone listens, a dropped
 * connection does not stop them, any number of connections read them from a cursor
 * (`GET /v1/responses/{id}?stream=true&starting_after=N`), and a cancel stops them.
 *
 * The "cut after N events" knob, for the resume tests and the demo: `x-oaikit-cut-after: <cuts>` on a
 * streaming request, a comma-separated list of `N` or `N:<how>`. The connection that sends the N-th
 * event of the response (counted from the first, whatever connection sent the earlier ones) is cut right
 * after it; a connection that starts after that event is not. `<how>`: `reset` (default: half of the
 * next event, then 50 ms later the connection closes mid-body: a network error), `end` (half of the
 * next event, then a clean end: a truncated body) or `stall` (nothing more, the connection stays open:
 * an idle timeout).
 * The header being the same on every request of a client, `3` cuts a stream once, `1,2,3,4` at each
 * of its first events.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerContext, StoredResponse } from "./context.ts";
import { HttpError } from "./http.ts";

/** How a connection is cut. */
type CutKind = "reset" | "end" | "stall";

/** One cut: after the `after`-th event of the response. */
interface Cut {
  after: number;
  kind: CutKind;
}

/** A background response's events and how far its production has come. */
export interface BackgroundRun {
  /** One SSE frame per event, in order. */
  frames: string[];
  /** Each frame's `sequence_number` (undefined when it has none: then its index counts). */
  sequence: (number | undefined)[];
  /** Frames produced so far. */
  produced: number;
  /** Production is over: every frame produced, or the response was cancelled. */
  finished: boolean;
  /** Connections waiting for the next frame. */
  waiters: Set<() => void>;
  /** Stops production (a cancel); connections end after what was produced. */
  stop(): void;
}

/** The sequence number of an SSE frame's data, if it has one. */
function sequenceOf(frame: string): number | undefined {
  const data = frame
    .split("\n")
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).trimStart())
    .join("\n");
  try {
    const value = (JSON.parse(data) as { sequence_number?: unknown }).sequence_number;
    return typeof value === "number" ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts producing `frames`, one every `delayMs` (all at once for 0), and attaches the run to `stored`.
 * `onFinished` runs once every frame is out (not after a cancel): the response takes its final state.
 */
export function startRun(
  ctx: ServerContext,
  stored: StoredResponse,
  frames: string[],
  delayMs: number,
  onFinished: () => void,
): BackgroundRun {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wake = () => {
    for (const waiter of [...run.waiters]) waiter();
  };
  const cleanup = () => {
    clearTimeout(timer);
    ctx.cleanups.delete(cleanup);
  };
  const run: BackgroundRun = {
    frames,
    sequence: frames.map(sequenceOf),
    produced: 0,
    finished: false,
    waiters: new Set(),
    stop: () => {
      if (run.finished) return;
      run.finished = true;
      cleanup();
      wake();
    },
  };
  const produce = () => {
    if (run.finished) return;
    run.produced++;
    if (run.produced >= frames.length) {
      run.finished = true;
      cleanup();
      onFinished();
    } else if (delayMs > 0) timer = setTimeout(produce, delayMs);
    else produce();
    wake();
  };
  ctx.cleanups.add(cleanup);
  stored.run = run;
  produce();
  return run;
}

/** Parses `x-oaikit-cut-after`; a clear 400 when it is not a list of `N[:reset|end|stall]`. */
export function requestedCuts(req: IncomingMessage): Cut[] {
  const header = req.headers["x-oaikit-cut-after"];
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return [];
  return value.split(",").map((entry) => {
    const match = /^\s*(\d+)\s*(?::\s*(reset|end|stall)\s*)?$/.exec(entry);
    const after = match ? Number(match[1]) : 0;
    if (!match || after < 1) {
      throw new HttpError(
        400,
        `Invalid x-oaikit-cut-after "${value}": a comma-separated list of event counts (>= 1), each optionally followed by :reset, :end or :stall, e.g. "3" or "2:end,5".`,
        { param: "x-oaikit-cut-after" },
      );
    }
    return { after, kind: (match[2] as CutKind | undefined) ?? "reset" };
  });
}

/**
 * The index of the first frame after `startingAfter` (a sequence number; frames without one count by
 * index). A 400 when it lies beyond the response's events.
 */
export function positionAfter(run: BackgroundRun, startingAfter: number): number {
  if (startingAfter >= run.frames.length) {
    throw new HttpError(
      400,
      `Invalid 'starting_after': ${startingAfter} is beyond the last event of this response (${run.frames.length - 1}).`,
      { param: "starting_after", code: "invalid_value" },
    );
  }
  const index = run.sequence.findIndex((seq, i) => (seq ?? i) > startingAfter);
  return index === -1 ? run.frames.length : index;
}

/**
 * Streams a run from frame `from` to `res`: what was produced at once, then each frame as it comes,
 * until the run is finished, the client leaves, or a cut applies.
 */
export async function streamRun(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  run: BackgroundRun,
  from: number,
  cuts: Cut[],
): Promise<void> {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  res.flushHeaders();
  req.socket.setNoDelay(true);
  let gone = false;
  let waiting: (() => void) | undefined;
  res.on("close", () => {
    gone = true;
    waiting?.();
  });
  let next = from;
  for (;;) {
    while (next < run.produced && !gone) {
      res.write(run.frames[next] as string);
      next++;
      const cut = next > from ? cuts.find((c) => c.after === next) : undefined;
      if (cut) return cutConnection(ctx, res, run.frames[next], cut.kind);
    }
    if (gone) return;
    if (run.finished) {
      res.end();
      return;
    }
    await new Promise<void>((resolve) => {
      waiting = () => {
        run.waiters.delete(waiting as () => void);
        waiting = undefined;
        resolve();
      };
      run.waiters.add(waiting);
    });
  }
}

/** Cuts a connection after an event: half of the next frame and a broken or a clean end, or a stall. */
async function cutConnection(
  ctx: ServerContext,
  res: ServerResponse,
  nextFrame: string | undefined,
  kind: CutKind,
): Promise<void> {
  if (kind === "stall") {
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
  if (nextFrame) res.write(nextFrame.slice(0, Math.ceil(nextFrame.length / 2)));
  if (kind === "end") {
    res.end();
    return;
  }
  // The connection closes in the middle of the chunked body (no final chunk): the client's fetch fails
  // with a network error. First a pause: a browser that sees the error before it has handed the bytes
  // that came with it to the reader drops them (Chromium does), and the events sent before the cut are
  // what a test checks.
  if (await pauseUnlessClosed(res, RESET_AFTER_MS)) res.socket?.end();
}

/** How long a `reset` cut waits between the half event and the broken end, in ms. */
const RESET_AFTER_MS = 50;

/** Waits `ms`; false if the response closed meanwhile. */
function pauseUnlessClosed(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.off("close", closed);
      resolve(true);
    }, ms);
    const closed = () => {
      clearTimeout(timer);
      resolve(false);
    };
    res.once("close", closed);
  });
}
