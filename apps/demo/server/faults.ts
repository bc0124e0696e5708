import type { IncomingMessage, ServerResponse } from "node:http";
import { errorBody, HttpError, sendJson } from "./http.ts";

/** Every fault the demo server can inject, by `x-oaikit-fault: <kind>` or model `fault:<kind>`. */
export const FAULT_KINDS = [
  "401",
  "429",
  "500",
  "cut",
  "reset",
  "stall",
  "stall-keepalive",
  "error-event",
] as const;

/** One fault kind. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that happen inside a 200 stream (or body), after some data went out. */
export type StreamFault = Exclude<FaultKind, "401" | "429" | "500">;

/** Seconds a 429 asks the client to wait (short, so retry tests stay fast). */
export const RETRY_AFTER_SECONDS = 1;

/**
 * The fault this request asks for: the `x-oaikit-fault` header wins over a `fault:<kind>` model name.
 * Unknown kinds are a 400 that lists the known ones.
 */
export function requestedFault(req: IncomingMessage, model: unknown): FaultKind | undefined {
  const header = req.headers["x-oaikit-fault"];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const fromModel = typeof model === "string" && model.startsWith("fault:") ? model.slice(6) : undefined;
  const kind = fromHeader?.trim() || fromModel;
  if (kind === undefined || kind === "") return undefined;
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new HttpError(400, `Unknown fault "${kind}". Use one of: ${FAULT_KINDS.join(", ")}.`, {
      param: fromHeader ? "x-oaikit-fault" : "model",
    });
  }
  return kind as FaultKind;
}

/**
 * Answers a status fault (401, 429, 500) with the body OpenAI sends for it. Returns false for the
 * other kinds, which the endpoint handlers inject into their own output.
 */
export function sendStatusFault(res: ServerResponse, kind: FaultKind): boolean {
  if (kind === "401") {
    sendJson(
      res,
      401,
      errorBody(
        "Incorrect API key provided: sk-demo****************************fake. You can find your API key at https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        null,
        "invalid_api_key",
      ),
    );
    return true;
  }
  if (kind === "429") {
    sendJson(
      res,
      429,
      errorBody(
        `Rate limit reached for oaikit-local in organization org-demo on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${RETRY_AFTER_SECONDS}s.`,
        "requests",
        null,
        "rate_limit_exceeded",
      ),
      {
        "retry-after": String(RETRY_AFTER_SECONDS),
        "retry-after-ms": String(RETRY_AFTER_SECONDS * 1000),
        "x-ratelimit-limit-requests": "3",
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": `${RETRY_AFTER_SECONDS}s`,
      },
    );
    return true;
  }
  if (kind === "500") {
    sendJson(
      res,
      500,
      errorBody(
        "The server had an error while processing your request. Sorry about that! (The oaikit demo server injected this fault on purpose.)",
        "server_error",
      ),
    );
    return true;
  }
  return false;
}
