// The proxy server every runtime of the proxy suite runs (Node, Deno, Bun, workerd): one fetch handler
// made of @oaikit/core/proxy's createProxy and a webhook receiver (@oaikit/core/webhooks), configured from
// plain settings so each runtime's entry only reads them from its own environment. Web APIs only.
//
//   /v1/...        the proxy: tokens `tok-<user>`; the page's origin allowed; two models; a 64 KiB body
//                  limit; 30 requests a minute and 1 open stream per user; every log entry printed as
//                  `PROXYLOG <json>` (the runner checks that none holds the key)
//   POST /webhook  verifyWebhook with WEBHOOK_SECRET: 200 `{ type }`, or 400 `{ reason }`
//   GET /          "proxy test server" (readiness)

/** The settings every entry passes: where the upstream is, the key, the page's origin, the webhook secret. */
export const SETTING_NAMES = ["PROXY_UPSTREAM", "PROXY_KEY", "PROXY_ORIGIN", "WEBHOOK_SECRET"];

/** The models the test proxy allows. */
export const ALLOWED_MODELS = ["smoke-model", "gpt-4.1-mini"];

/**
 * The handler. `core` is the built @oaikit/core's proxy and webhooks entries (each runtime imports them
 * its own way); `store` a LimitStore (the memory one when undefined); `print` a log line writer.
 */
export function proxyApp(
  { proxy: { createProxy }, webhooks: { verifyWebhook } },
  settings,
  { store, print } = {},
) {
  const handler = createProxy({
    apiKey: settings.PROXY_KEY,
    upstream: settings.PROXY_UPSTREAM,
    authorize: (request) => /^Bearer tok-([\w-]+)$/.exec(request.headers.get("authorization") ?? "")?.[1],
    allow: { origins: [settings.PROXY_ORIGIN], models: ALLOWED_MODELS },
    limits: {
      maxBodyBytes: 65_536,
      requestsPerMinute: 30,
      concurrentStreams: 1,
      ...(store ? { store } : {}),
    },
    log: (entry) => (print ?? console.log)(`PROXYLOG ${JSON.stringify(entry)}`),
  });
  return async (request, env, context) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/webhook" && request.method === "POST") {
      try {
        const event = await verifyWebhook(request, settings.WEBHOOK_SECRET);
        return Response.json({ type: event.type });
      } catch (error) {
        return Response.json({ reason: error?.reason ?? String(error) }, { status: 400 });
      }
    }
    if (pathname === "/") return new Response("proxy test server");
    return handler(request, env, context);
  };
}
