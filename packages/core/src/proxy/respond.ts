/**
 * What the proxy answers by itself: errors in the API's own shape (`{"error":{"message","type","param",
 * "code"}}`), so a client's typed errors and `ApiResult`s work unchanged, and the CORS headers of the
 * configured origins. Only the origins given are ever echoed; `*` is sent only when `*` is configured,
 * and never together with credentials.
 */

/** The codes of the proxy's own refusals (`error.code`). */
export type ProxyErrorCode =
  | "unauthorized"
  | "origin_not_allowed"
  | "route_not_allowed"
  | "model_not_allowed"
  | "invalid_request_body"
  | "request_too_large"
  | "rate_limit_exceeded"
  | "concurrency_limit_exceeded"
  | "upstream_unreachable"
  | "upstream_key_refused"
  | "limits_unavailable"
  | "proxy_key_unavailable";

const TYPES: Record<number, string> = { 401: "invalid_request_error", 429: "requests", 502: "server_error" };

/** An error response in OpenAI's shape. */
export function errorResponse(
  status: number,
  code: ProxyErrorCode,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const type = TYPES[status] ?? (status >= 500 ? "server_error" : "invalid_request_error");
  return new Response(JSON.stringify({ error: { message, type, param: null, code } }), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

/** The CORS policy: which origins, request headers and credentials. */
export interface CorsPolicy {
  origins: readonly string[];
  /** Request headers a page may send (lower case). */
  headers: readonly string[];
  credentials: boolean;
}

/** Response headers a page may read: the ones the client uses (request id, retry hints). */
const EXPOSED = "x-request-id, openai-processing-ms, retry-after, retry-after-ms, x-should-retry";

/**
 * Whether a page of `origin` may call the proxy: only the configured origins. The proxy's own origin is
 * not trusted by itself: the handler would read it from the request's Host, which a DNS-rebinding page
 * chooses; list it when the proxy serves the page too.
 */
export function originAllowed(policy: CorsPolicy, origin: string): boolean {
  return policy.origins.includes(origin) || policy.origins.includes("*");
}

/** The CORS headers of an answer to a page of `origin` (none when there is no Origin). */
export function corsHeaders(policy: CorsPolicy, origin: string | null): Record<string, string> {
  if (origin === null) return {};
  const headers: Record<string, string> = {
    // A listed origin is echoed; "*" (configured, never with credentials) answers any other.
    "access-control-allow-origin": policy.origins.includes(origin) ? origin : "*",
    "access-control-expose-headers": EXPOSED,
    vary: "Origin",
  };
  if (policy.credentials) headers["access-control-allow-credentials"] = "true";
  return headers;
}

/** The answer to a CORS preflight: 204 with what may be sent, or 403 when the origin, method or a header is not allowed. */
export function preflight(request: Request, policy: CorsPolicy, methods: ReadonlySet<string>): Response {
  const origin = request.headers.get("origin");
  const method = request.headers.get("access-control-request-method") ?? "";
  const asked = (request.headers.get("access-control-request-headers") ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const refused = asked.find((name) => !policy.headers.includes(name));
  if (origin === null || !originAllowed(policy, origin) || !methods.has(method) || refused !== undefined) {
    if (origin === null || !originAllowed(policy, origin)) {
      return errorResponse(
        403,
        "origin_not_allowed",
        `Pages of ${origin ?? "this origin"} may not call this proxy (allow.origins).`,
      );
    }
    const why =
      refused !== undefined
        ? `The header ${refused} is not forwarded by this proxy (allow.headers).`
        : `This proxy forwards no ${method} request.`;
    return errorResponse(403, "route_not_allowed", why);
  }
  return new Response(null, {
    status: 204,
    headers: {
      ...corsHeaders(policy, origin),
      "access-control-allow-methods": [...methods].join(", "),
      "access-control-allow-headers": policy.headers.join(", "),
      "access-control-max-age": "600",
    },
  });
}
