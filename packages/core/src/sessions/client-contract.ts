/**
 * What the sessions need from a client: the lean `Client` (configuration, transport, `call`), and
 * nothing else. The sessions call the API-area functions (`@oaikit/core/chat`, `/responses`) on it, so
 * a page with a session carries the session and the area it uses, not every endpoint.
 */
import type { Client } from "../client/client.js";
import type { RequestOptions } from "../client/config.js";

/** The client a session runs on: `createClient(...)`, `new OpenAI(...)` or a compat subclass. */
export type SessionClient = Client;

/**
 * Per-call options the sessions forward to the client: the client's own `RequestOptions` (signal,
 * headers, timeout, maxRetries, firstByteTimeout, idleTimeout), one definition for both.
 */
export interface SessionRequestOptions extends RequestOptions {}
