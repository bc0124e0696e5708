/**
 * `verifyWebhook`: checks a webhook delivery signed the Standard Webhooks way (OpenAI's webhooks are) and
 * returns its event, typed, or throws a `WebhookVerificationError` that says what was wrong.
 *
 * The scheme (https://www.standardwebhooks.com): the sender signs `${webhook-id}.${webhook-timestamp}.${body}`
 * with HMAC-SHA256 under the endpoint's secret (`whsec_` + base64 of 24 to 64 random bytes) and sends
 * `webhook-signature: v1,<base64> [v1,<base64> ...]`: several signatures while a secret is rotated.
 * The body is verified as the bytes that arrived (never re-serialised JSON), with Web Crypto's
 * `verify`, which compares in constant time; the timestamp must be within `tolerance` of now (replays
 * of an old delivery are refused). Several secrets may be given during a rotation on your side.
 * Only symmetric `v1` signatures are read; other versions in the header are skipped.
 */
import { OaikitError } from "../errors/errors.js";
import type { webhooks } from "../types/openapi.js";
import { describeValue, isRecord } from "../utils/checks.js";

/** Every event OpenAI's webhooks send (`response.completed`, `batch.failed`, ...), by its `type`. */
export type WebhookEvent = {
  [K in keyof webhooks]: NonNullable<webhooks[K]["post"]["requestBody"]>["content"]["application/json"];
}[keyof webhooks];

/** Why a delivery was refused. */
export type WebhookFailure =
  | "missing-header"
  | "invalid-timestamp"
  | "timestamp-too-old"
  | "timestamp-in-future"
  | "no-matching-signature"
  | "body-too-large"
  | "invalid-json";

/** A webhook delivery was refused: `reason` says why. Answer it with a 400 (the sender retries later). */
export class WebhookVerificationError extends OaikitError {
  override name = "WebhookVerificationError";
  readonly reason: WebhookFailure;
  constructor(reason: WebhookFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** A delivery as plain values: the body exactly as it arrived, and the request's headers. */
export interface WebhookDelivery {
  body: string | Uint8Array | ArrayBuffer;
  headers: Headers | Record<string, string | string[] | undefined>;
}

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** Largest distance, in seconds, between the delivery's timestamp and now (either way). Default 300. */
  tolerance?: number;
  /** The current time in ms (default `Date.now()`): for tests and replays you check on purpose. */
  now?: number;
  /** Largest body read from a `Request`, in bytes. Default 1 048 576 (1 MiB). */
  maxBodyBytes?: number;
}

const DEFAULT_TOLERANCE_S = 300;
const DEFAULT_MAX_BODY_BYTES = 1_048_576;
const encoder = new TextEncoder();

/**
 * Verifies a webhook delivery and returns its event. `secret` is the endpoint's signing secret
 * (`whsec_...`), or several during a rotation. Throws `WebhookVerificationError` for a delivery that
 * fails (answer 400) and `TypeError` for a secret that is not one.
 *
 * ```ts
 * const event = await verifyWebhook(request, env.OPENAI_WEBHOOK_SECRET);
 * if (event.type === "response.completed") console.log(event.data.id);
 * ```
 */
export async function verifyWebhook<Event = WebhookEvent>(
  delivery: Request | WebhookDelivery,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): Promise<Event> {
  const keys = await Promise.all((typeof secret === "string" ? [secret] : [...secret]).map(importSecret));
  if (keys.length === 0) throw new TypeError("verifyWebhook: pass at least one secret.");
  const { id, timestamp, signatures } = readHeaders(delivery.headers);
  checkTimestamp(timestamp, options);
  const body =
    delivery instanceof Request
      ? await readBody(delivery, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)
      : toBytes(delivery.body);
  const signed = concat(encoder.encode(`${id}.${timestamp}.`), body);
  for (const signature of signatures) {
    for (const key of keys) {
      if (await crypto.subtle.verify("HMAC", key, signature, signed)) return parse<Event>(body);
    }
  }
  throw new WebhookVerificationError(
    "no-matching-signature",
    "No webhook-signature matches the body under the given secret(s): the delivery was not signed with " +
      "this endpoint's secret, or the body was changed (verify the raw body, before any JSON parsing).",
  );
}

/** The HMAC key of a `whsec_` secret (the prefix is optional). */
async function importSecret(secret: unknown): Promise<CryptoKey> {
  const bytes = typeof secret === "string" ? base64(secret.replace(/^whsec_/, "")) : undefined;
  if (!bytes || bytes.length === 0) {
    throw new TypeError(
      `verifyWebhook: the secret must be the endpoint's signing secret, "whsec_" followed by base64 (got ${describeValue(secret)}; its value is not shown).`,
    );
  }
  return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
}

function readHeaders(headers: WebhookDelivery["headers"]) {
  const get = (name: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    if (!isRecord(headers)) return undefined;
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    const value = key === undefined ? undefined : headers[key];
    return Array.isArray(value) ? value.join(" ") : value;
  };
  const id = get("webhook-id");
  const timestamp = get("webhook-timestamp");
  const signature = get("webhook-signature");
  const missing = [
    ["webhook-id", id],
    ["webhook-timestamp", timestamp],
    ["webhook-signature", signature],
  ].find(([, value]) => !value)?.[0];
  if (missing || !id || !timestamp || !signature) {
    throw new WebhookVerificationError(
      "missing-header",
      `The delivery has no ${missing} header: it is not a Standard Webhooks delivery (or a proxy dropped the header).`,
    );
  }
  const signatures: Uint8Array<ArrayBuffer>[] = [];
  for (const entry of signature.split(" ")) {
    const [version, value] = entry.split(",", 2);
    const bytes = version === "v1" && value ? base64(value) : undefined;
    if (bytes && bytes.length > 0) signatures.push(bytes);
  }
  return { id, timestamp, signatures };
}

function checkTimestamp(timestamp: string, options: VerifyWebhookOptions): void {
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new WebhookVerificationError(
      "invalid-timestamp",
      "The webhook-timestamp header is not a Unix time in seconds.",
    );
  }
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE_S;
  if (typeof tolerance !== "number" || !(tolerance >= 0)) {
    throw new TypeError(
      `verifyWebhook: tolerance must be a number of seconds >= 0 (got ${describeValue(tolerance)}).`,
    );
  }
  const skew = Number(timestamp) - Math.floor((options.now ?? Date.now()) / 1000);
  if (skew < -tolerance) {
    throw new WebhookVerificationError(
      "timestamp-too-old",
      `The delivery is ${-skew} s old, more than the ${tolerance} s tolerance: a replay, or a clock that is off.`,
    );
  }
  if (skew > tolerance) {
    throw new WebhookVerificationError(
      "timestamp-in-future",
      `The delivery is dated ${skew} s ahead, more than the ${tolerance} s tolerance: check the server's clock.`,
    );
  }
}

/** A request's body, at most `limit` bytes. */
async function readBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () =>
    new WebhookVerificationError(
      "body-too-large",
      `The delivery's body is larger than ${limit} bytes; raise the maxBodyBytes option if that is expected.`,
    );
  if (Number(request.headers.get("content-length")) > limit) throw tooLarge();
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) break;
    size += next.value.byteLength;
    if (size > limit) {
      await reader?.cancel();
      throw tooLarge();
    }
    parts.push(next.value);
  }
  return concat(...parts);
}

function parse<Event>(body: Uint8Array): Event {
  try {
    return JSON.parse(new TextDecoder().decode(body)) as Event;
  } catch {
    throw new WebhookVerificationError(
      "invalid-json",
      "The delivery is signed correctly but its body is not JSON.",
    );
  }
}

function toBytes(body: WebhookDelivery["body"]): Uint8Array<ArrayBuffer> {
  if (typeof body === "string") return encoder.encode(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (body instanceof Uint8Array) return new Uint8Array(body);
  throw new TypeError(
    `verifyWebhook: body must be the raw body as a string, a Uint8Array or an ArrayBuffer (got ${describeValue(body)}).`,
  );
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** Standard base64 decoded, or undefined when it is not base64. */
function base64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) return undefined;
  try {
    return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}
