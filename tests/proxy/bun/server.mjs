// The proxy suite's Bun server: app.mjs on Bun.serve, on 127.0.0.1:$PORT, settings from the environment.
// Started and stopped by ../run.mjs.
import * as proxy from "../../../packages/core/dist/proxy/index.js";
import * as webhooks from "../../../packages/core/dist/webhooks/index.js";
import { proxyApp, SETTING_NAMES } from "../app.mjs";

const settings = Object.fromEntries(SETTING_NAMES.map((name) => [name, Bun.env[name]]));
const app = proxyApp({ proxy, webhooks }, settings);
// idleTimeout 0: a stalled stream is part of the suite (Bun's default would cut it after 10 s).
Bun.serve({
  hostname: "127.0.0.1",
  port: Number(Bun.env.PORT),
  idleTimeout: 0,
  fetch: (request) => app(request),
});
