/**
 * Error-body normalisation: every error shape the corpus holds, turned into one `ApiErrorBody`.
 *
 * Shapes handled (corpus file numbers in brackets):
 * - OpenAI `{error: {message, type, param, code}}` [35–38], `code` and `param` often null;
 * - Azure: `type: null`, a numeric `status` and `innererror` inside `error` [13];
 * - OpenRouter: a numeric `code`, `metadata.raw` / `metadata.provider_name`, top-level `user_id` [18];
 * - Groq: no `param` key [24]; `status_code` and `failed_generation` in an in-stream error [23];
 * - Cloudflare: `code: 502` (a number) with `type: "cf_bad_gateway"` [39];
 * - an HTML (or any text) page: the message is the page's title/text, shortened [40];
 * - in-stream errors: a top-level `error` inside a chunk [16], an `event: error` payload [23], a
 *   Responses `type: "error"` event (wrapped or flat) [34];
 * - and the common non-OpenAI forms: `{error: "text"}`, `{message}`, `{detail}` (FastAPI), `{errors: [...]}`.
 */
import { isRecord } from "../utils/checks.js";
import type { ApiErrorBody } from "./errors.js";

type Json = Record<string, unknown>;

const KNOWN_FIELDS = new Set(["message", "type", "code", "param", "metadata"]);
/** Longest message taken from a text body, in characters. */
const MAX_TEXT_MESSAGE = 300;

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  409: "Conflict",
  413: "Payload Too Large",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

function asStringOrNull(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

function fallbackMessage(status: number): string {
  const reason = REASONS[status];
  return reason ? `HTTP ${status} ${reason}` : `HTTP ${status}`;
}

/** The readable part of a text or HTML body: the `<title>` and the visible text, whitespace collapsed. */
function textMessage(text: string, status: number): string {
  const trimmed = text.trim();
  if (trimmed === "") return fallbackMessage(status);
  if (!/^\s*</.test(trimmed)) return shorten(trimmed.replace(/\s+/g, " "));
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(trimmed)?.[1]?.trim();
  const visible = trimmed
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/\s+/g, " ")
    .trim();
  const parts: string[] = [];
  if (title) parts.push(title);
  if (visible && visible !== title) parts.push(visible);
  const message = parts.join(": ");
  return message ? shorten(`${message}`) : fallbackMessage(status);
}

function shorten(text: string): string {
  return text.length > MAX_TEXT_MESSAGE ? `${text.slice(0, MAX_TEXT_MESSAGE - 1)}…` : text;
}

/**
 * Turns a decoded error body into an `ApiErrorBody`.
 *
 * `body` is the decoded JSON when the response was JSON, else its text (a string that holds JSON is
 * decoded here too, so a `text/plain` JSON error still gives its fields). Never throws.
 *
 * ```ts
 * const error = normalizeErrorBody(429, { error: { message: "Provider returned error", code: 429,
 *   metadata: { provider_name: "Google", raw: "..." } } });
 * error.code;                     // 429 (numbers stay numbers)
 * error.metadata?.provider_name;  // "Google"
 * ```
 */
export function normalizeErrorBody(status: number, body: unknown): ApiErrorBody {
  let decoded = body;
  if (typeof body === "string") {
    const trimmed = body.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        decoded = JSON.parse(trimmed);
      } catch {
        decoded = body;
      }
    }
  } else if (body instanceof Uint8Array) {
    return normalizeErrorBody(status, new TextDecoder().decode(body));
  }

  if (typeof decoded === "string") {
    return { message: textMessage(decoded, status), type: null, code: null, param: null, status, raw: body };
  }
  if (Array.isArray(decoded)) {
    // Some gateways return a list of errors; the first one speaks for the rest.
    const first = decoded.find(isRecord);
    const result = first ? normalizeErrorBody(status, first) : emptyBody(status);
    return { ...result, raw: body };
  }
  if (!isRecord(decoded)) {
    return { ...emptyBody(status), raw: body };
  }

  // Where the error fields live: `error: {...}` (OpenAI and most others), else the body itself.
  const wrapped = decoded.error;
  let fields: Json;
  let outer: Json | undefined;
  if (isRecord(wrapped)) {
    fields = wrapped;
    outer = decoded;
  } else if (typeof wrapped === "string") {
    // `{error: "model not found"}` (Ollama, Hugging Face, many proxies).
    fields = { ...decoded, message: wrapped };
    delete fields.error;
  } else if (Array.isArray(decoded.errors) && isRecord(decoded.errors[0])) {
    fields = decoded.errors[0] as Json;
    outer = decoded;
  } else {
    fields = decoded;
  }

  let message = asStringOrNull(fields.message);
  if (message === null && typeof fields.detail === "string") message = fields.detail;
  if (message === null && isRecord(fields.message)) message = JSON.stringify(fields.message);
  if (message === null || message === "") message = fallbackMessage(status);

  const code = typeof fields.code === "number" || typeof fields.code === "string" ? fields.code : null;

  const metadata: Json = {};
  // Provider extras: everything but the standard four fields, with OpenRouter's `metadata` flattened in.
  for (const key in fields) {
    if (!KNOWN_FIELDS.has(key) && fields[key] !== undefined) metadata[key] = fields[key];
  }
  if (isRecord(fields.metadata)) Object.assign(metadata, fields.metadata);
  if (outer) {
    for (const key in outer) {
      if (key !== "error" && key !== "errors" && !(key in metadata)) metadata[key] = outer[key];
    }
  }

  const result: ApiErrorBody = {
    message,
    type: asStringOrNull(fields.type),
    code,
    param: asStringOrNull(fields.param),
    status,
    raw: body,
  };
  if (Object.keys(metadata).length > 0) result.metadata = metadata;
  return result;
}

function emptyBody(status: number): ApiErrorBody {
  return { message: fallbackMessage(status), type: null, code: null, param: null, status, raw: undefined };
}

/**
 * Normalises an error reported inside a 200 stream: a chunk's top-level `error` (OpenRouter), the data
 * of an `event: error` (Groq), or a Responses `type: "error"` event (OpenAI; flat or wrapped in
 * `error`). `status` is the HTTP status the error names (`status_code`, `status`, or a numeric HTTP-like
 * `code` such as OpenRouter's 400), else `httpStatus` (the stream's own status, normally 200).
 */
export function normalizeStreamError(payload: unknown, httpStatus = 200): ApiErrorBody {
  let body = payload;
  if (isRecord(payload) && payload.type === "error" && !isRecord(payload.error)) {
    // Flat Responses error event: `{type: "error", code, message, param, sequence_number}`.
    const { type: _eventType, sequence_number: _seq, ...rest } = payload;
    body = rest;
  }
  const normalized = normalizeErrorBody(httpStatus, body);
  const named = namedStatus(normalized);
  normalized.status = named ?? httpStatus;
  normalized.raw = payload;
  return normalized;
}

function namedStatus(error: ApiErrorBody): number | undefined {
  const candidates = [error.metadata?.status_code, error.metadata?.status, error.code];
  for (const value of candidates) {
    if (typeof value === "number" && Number.isInteger(value) && value >= 400 && value <= 599) return value;
  }
  return undefined;
}

/**
 * Statuses worth retrying: 408 (timeout), 409 (lock conflict), 429 (rate limit; but see
 * `isQuotaError`) and every 5xx (500, 502 from Cloudflare or nginx, 503, 504).
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * `true` when the error is an exhausted quota (`insufficient_quota` as code or type): a 429 that waiting
 * will not fix, so it must not be retried. Accepts an `ApiErrorBody` or a raw decoded body.
 */
export function isQuotaError(body: unknown): boolean {
  const error = isNormalized(body) ? body : normalizeErrorBody(429, body);
  return error.code === "insufficient_quota" || error.type === "insufficient_quota";
}

/** `true` for an HTTP error worth retrying: a retryable status that is not an exhausted quota. */
export function isRetryableError(status: number, body: unknown): boolean {
  return isRetryableStatus(status) && !(status === 429 && isQuotaError(body));
}

function isNormalized(body: unknown): body is ApiErrorBody {
  return (
    isRecord(body) && typeof body.message === "string" && typeof body.status === "number" && "raw" in body
  );
}
