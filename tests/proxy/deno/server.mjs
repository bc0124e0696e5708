// The proxy suite's Deno server: app.mjs on Deno.serve, on 127.0.0.1:$PORT, settings from the
// environment. Started and stopped by ../run.mjs.
import * as proxy from "../../../packages/core/dist/proxy/index.js";
import * as webhooks from "../../../packages/core/dist/webhooks/index.js";
import { proxyApp, SETTING_NAMES } from "../app.mjs";

const settings = Object.fromEntries(SETTING_NAMES.map((name) => [name, Deno.env.get(name)]));
Deno.serve(
  { hostname: "127.0.0.1", port: Number(Deno.env.get("PORT")), onListen() {} },
  proxyApp({ proxy, webhooks }, settings),
);
