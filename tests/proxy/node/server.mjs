// The proxy suite's Node server: app.mjs behind @hono/node-server (the adapter the docs show), on
// 127.0.0.1:$PORT, settings from the environment. Started and stopped by ../run.mjs.
import { serve } from "@hono/node-server";
import * as proxy from "../../../packages/core/dist/proxy/index.js";
import * as webhooks from "../../../packages/core/dist/webhooks/index.js";
import { proxyApp, SETTING_NAMES } from "../app.mjs";

const settings = Object.fromEntries(SETTING_NAMES.map((name) => [name, process.env[name]]));
const app = proxyApp({ proxy, webhooks }, settings);
serve({ fetch: (request) => app(request), hostname: "127.0.0.1", port: Number(process.env.PORT) });
