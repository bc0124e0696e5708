/**
 * `@oaikit/core/proxy`: the key proxy. `createProxy(options)` is a Web-standard `(request) =>
 * Promise<Response>` handler that keeps your API key on your server: it authorises each request,
 * forwards only the routes, models and sizes you allow, counts per-user limits, adds the key, and
 * streams the answer back untouched. Runs on Cloudflare Workers, Deno.serve, Bun.serve and Node (through
 * a fetch adapter such as @hono/node-server). Nothing here is for pages: they never import it.
 */
export { type LimitStore, memoryLimitStore, type ProxyLimits } from "./limits.js";
export {
  DEFAULT_PROXY_MAX_BODY_BYTES,
  type ProxyKeyContext,
  type ProxyLogEntry,
  type ProxyOptions,
} from "./options.js";
export { createProxy, type ProxyHandler, type WaitUntilContext } from "./proxy.js";
export type { ProxyErrorCode } from "./respond.js";
export { DEFAULT_ROUTES, ROUTE_GROUPS, type RouteGroup, type RouteTemplate } from "./routes.js";
