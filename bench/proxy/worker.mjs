// The key proxy benchmark's Worker (run by ./run.mjs with `wrangler dev --local`), in front of the
// throughput benchmark's stream server:
//   /v1/...          createProxy with no limits: the forwarding alone (the upstream's body passed on as is)
//   /counted/v1/...  createProxy counting open streams (in memory): each read handed on by passThrough
//   /bare/v1/...     the least a Worker can do (fetch the upstream, return its body): the baseline that
//                    separates the proxy's own cost from the hop through workerd
import { createProxy } from "../../packages/core/dist/proxy/index.js";

let proxies;
export default {
  fetch(request, env, ctx) {
    const options = {
      apiKey: env.PROXY_KEY,
      upstream: env.PROXY_UPSTREAM,
      authorize: (r) => (r.headers.get("authorization") === "Bearer bench" ? "bench" : null),
    };
    proxies ??= {
      plain: createProxy(options),
      counted: createProxy({ ...options, basePath: "/counted/v1", limits: { concurrentStreams: 100 } }),
    };
    const { pathname } = new URL(request.url);
    if (pathname === "/") return new Response("proxy bench");
    if (pathname.startsWith("/bare/v1/")) {
      const upstream = `${env.PROXY_UPSTREAM}${pathname.slice("/bare/v1".length)}`;
      return fetch(upstream, { method: "POST", headers: request.headers, body: request.body });
    }
    return (pathname.startsWith("/counted/") ? proxies.counted : proxies.plain)(request, env, ctx);
  },
};
