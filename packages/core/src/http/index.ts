/**
 * `@oaikit/core/http`: the Astra-style request builder (`request()`), on the same transport as the
 * client (ky: retries, timeouts, hooks), and the transport's `send()` itself.
 */

export { isQuotaError, isRetryableError, isRetryableStatus } from "../errors/error-body.js";
export { redactUrl } from "../errors/errors.js";
export type { ApiKeyContext, ApiKeyFunction, AuthHeader, Credential } from "../transport/credential.js";
export type { Hooks, RetryOptions, SendInit, TransportOptions } from "../transport/send.js";
export { send } from "../transport/send.js";
export type { BodyValue, FileOptions, FormValue } from "./body.js";
export type { SseEvent } from "./events.js";
export type { FileDetails, RequestDetails } from "./request.js";
export { HttpRequest, HttpStream, request } from "./request.js";
export { HttpBody, HttpResponse } from "./response.js";
