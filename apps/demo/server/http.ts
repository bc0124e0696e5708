import type { IncomingMessage, ServerResponse } from "node:http";

/** A JSON object as it arrives in a request body. */
export type JsonObject = Record<string, unknown>;

/** Largest request body the demo server accepts (file uploads included). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Reads the whole request body. Rejects (413) above `maxBytes` (default {@link MAX_BODY_BYTES}); the
 * test routes pass `Infinity`, since what a test sends them is the point of the test.
 */
export async function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) throw new HttpError(413, "Request body too large for the demo server.");
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** An error that the router turns into an OpenAI-style error body with this status. */
export class HttpError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  constructor(
    status: number,
    message: string,
    details: { type?: string; param?: string | null; code?: string | null } = {},
  ) {
    super(message);
    this.status = status;
    this.type = details.type ?? "invalid_request_error";
    this.param = details.param ?? null;
    this.code = details.code ?? null;
  }
}

/** Parses a JSON request body into an object; a clear 400 when it is not one. */
export function parseJsonObject(body: Buffer): JsonObject {
  if (body.length === 0) {
    throw new HttpError(400, "We could not parse the JSON body of your request: the body is empty.");
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    throw new HttpError(
      400,
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    );
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HttpError(400, "The JSON body of your request must be an object.");
  }
  return value as JsonObject;
}

/** Sends a JSON body with the given status. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** The OpenAI error envelope: `{ error: { message, type, param, code } }`. */
export function errorBody(
  message: string,
  type: string,
  param: string | null = null,
  code: string | null = null,
): { error: { message: string; type: string; param: string | null; code: string | null } } {
  return { error: { message, type, param, code } };
}

/** Sends an {@link HttpError} as OpenAI would. */
export function sendHttpError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, errorBody(error.message, error.type, error.param, error.code));
}

/** Reads a string field; `undefined` when absent, a 400 when of the wrong type. */
export function optionalString(body: JsonObject, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new HttpError(400, `Invalid type for '${key}': expected a string, but got ${typeof value}.`, {
      param: key,
      code: "invalid_type",
    });
  }
  return value;
}

/** Reads the required `model` field, as OpenAI words its absence. */
export function requireModel(body: JsonObject): string {
  const model = optionalString(body, "model");
  if (!model) throw new HttpError(400, "you must provide a model parameter", { param: "model" });
  return model;
}
