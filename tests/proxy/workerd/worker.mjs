// The proxy suite's Worker: app.mjs in workerd (`wrangler dev --local`), its limits counted by Durable
// Objects (@oaikit/sessions/cloudflare's ProxyLimitsDurableObject), settings from `--var`s. Started and
// stopped by ../run.mjs.
import * as proxy from "../../../packages/core/dist/proxy/index.js";
import * as webhooks from "../../../packages/core/dist/webhooks/index.js";
import {
  createDurableObjectLimitStore,
  ProxyLimitsDurableObject,
} from "../../../packages/sessions/dist/cloudflare/index.js";
import { proxyApp } from "../app.mjs";

export { ProxyLimitsDurableObject };

let app;
export default {
  fetch(request, env, ctx) {
    app ??= proxyApp({ proxy, webhooks }, env, { store: createDurableObjectLimitStore(env.LIMITS) });
    return app(request, env, ctx);
  },
};
