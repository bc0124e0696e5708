import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { BackgroundRun } from "./background.ts";

/** A file kept by the demo server after `POST /v1/files`. */
export interface StoredFile {
  object: FileObject;
  bytes: Uint8Array;
  contentType: string;
}

/** The OpenAI `file` object. */
export interface FileObject {
  id: string;
  object: "file";
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: "processed";
  expires_at: number | null;
  status_details: null;
}

/** A Responses API object as stored in memory (the wire JSON), plus the conversation it continues. */
export interface StoredResponse {
  response: Record<string, unknown>;
  /** Input items and output items of this turn and all turns before it (for `previous_response_id`). */
  history: unknown[];
  /** Pending completion of a `background: true` response. */
  timer?: ReturnType<typeof setTimeout>;
  /** The events of a `background: true, stream: true` response (background.ts). */
  run?: BackgroundRun;
}

/** Everything one running demo server keeps: its stores, its id counter and its pace. */
export interface ServerContext {
  /** Default delay between streamed pieces, in ms. */
  delayMs: number;
  responses: Map<string, StoredResponse>;
  files: Map<string, StoredFile>;
  /** Makes an id such as `chatcmpl-3f9a1c2b000001`: unique per server, ordered. */
  newId(prefix: string): string;
  /** Timers and stalled streams to clear when the server closes. */
  cleanups: Set<() => void>;
}

/** Creates a fresh context. The id stem is random so ids never repeat across restarts. */
export function createContext(delayMs: number): ServerContext {
  const stem = randomBytes(4).toString("hex");
  let counter = 0;
  return {
    delayMs,
    responses: new Map(),
    files: new Map(),
    newId(prefix) {
      counter += 1;
      return `${prefix}${stem}${String(counter).padStart(6, "0")}`;
    },
    cleanups: new Set(),
  };
}

/** Models with a pace of their own: the slow one makes the streaming visible even to a fast reader. */
const MODEL_DELAYS: Record<string, number> = { "oaikit-local-slow": 120 };

/**
 * The delay between streamed pieces for this request: the `x-oaikit-delay` header (ms, `0` in tests
 * and benchmarks) wins, then the model's own pace, then the server default.
 */
export function resolveDelay(ctx: ServerContext, req: IncomingMessage, model?: string): number {
  const header = req.headers["x-oaikit-delay"];
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && value.trim() !== "") {
    const ms = Number(value);
    if (Number.isFinite(ms) && ms >= 0) return Math.min(ms, 60_000);
  }
  if (model && MODEL_DELAYS[model] !== undefined) return MODEL_DELAYS[model];
  return ctx.delayMs;
}

/** Unix seconds, as OpenAI's `created` fields. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
