/**
 * `@oaikit/core/realtime`: the ephemeral client secret of the Realtime API's WebRTC flow. Your server
 * (which holds the API key) creates it and hands its `value` to the browser, which uses it as the
 * bearer token of its WebRTC offer; the media connection itself is the browser's (`RTCPeerConnection`).
 * See examples/realtime for a runnable page.
 *
 * ```ts
 * // on the server
 * import { createClient } from "@oaikit/core";
 * import { createRealtimeClientSecret } from "@oaikit/core/realtime";
 * const secret = await createRealtimeClientSecret(createClient(apiKey), {
 *   type: "realtime", model: "gpt-realtime", audio: { output: { voice: "marin" } },
 * });
 * if (secret.ok) respond({ value: secret.data.value, expires_at: secret.data.expires_at });
 * ```
 */
import type { Client } from "../client/client.js";
import type { RequestOptions } from "../client/config.js";
import { callInit, describeValue } from "../client/payload.js";
import type { ApiResult } from "../client/result.js";
import type { RouteBody, RouteData } from "../client/routes.js";

type Body = RouteBody<"POST /realtime/client_secrets">;

/** The session a client secret is for (`type: "realtime"` or `"transcription"`, model, voice, ...). */
export type RealtimeSessionConfig = NonNullable<Body["session"]>;
/** A created client secret: `value` (the ephemeral key), `expires_at` and the `session`. */
export type RealtimeClientSecret = RouteData<"POST /realtime/client_secrets">;

/** Options of `createRealtimeClientSecret`: the per-call options and the secret's lifetime. */
export interface RealtimeClientSecretOptions extends RequestOptions {
  /** How long the secret lives: `{ anchor: "created_at", seconds }` (10 to 7200; the API's default is 600). */
  expires_after?: Body["expires_after"];
}

/**
 * `POST /realtime/client_secrets`: an ephemeral key for one Realtime session, for a browser to connect
 * with (WebRTC) without ever seeing your API key. Call it on your server.
 */
export function createRealtimeClientSecret(
  client: Client,
  session: RealtimeSessionConfig,
  options: RealtimeClientSecretOptions = {},
): Promise<ApiResult<RealtimeClientSecret>> {
  if (typeof session !== "object" || session === null || Array.isArray(session)) {
    throw new TypeError(
      `createRealtimeClientSecret(client, session): session must be an object such as { type: "realtime", model: "gpt-realtime" } (got ${describeValue(session)}).`,
    );
  }
  const { expires_after, ...request } = options;
  const body: Body = { session };
  if (expires_after !== undefined) body.expires_after = expires_after;
  return client.call("POST /realtime/client_secrets", callInit(request, { body }));
}
