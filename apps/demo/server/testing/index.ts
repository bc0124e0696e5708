/**
 * The test routes of the one fake server, mounted under `/__test` when the server starts with
 * `testRoutes: true` (never for `pnpm demo`: the page cannot reach them by accident). Every suite but the
 * throughput bench talks to them: Vitest (Node and Chromium, through `inject("testServerUrl")` or a server
 * of its own), Playwright, the runtime smoke suite.
 *
 *   /ping, /echo, /status/NNN, /flaky, /chunks, /sse, /cut, /slow, ...  http-routes.ts (the HTTP layer)
 *   /stream-fault/<kind>                 stream-faults.ts (stalls, cuts, bad JSON, error events)
 *   /conformance/<chunking>/<file>       conformance.ts (the recorded corpus, with chosen read boundaries)
 *   /scenarios, /scenarios/<id>/...      scenarios.ts (scripted answers, recorded requests, a words model)
 *   /smoke/v1/...                        smoke.ts (the runtime smoke cases; strict CORS)
 *   /azure, /azure/<id>/openai/...       azure.ts (Azure OpenAI's URL forms, key headers and error bodies)
 *   /pages/<file>                        static files a test registers (a page of this origin)
 *
 * To add a route: write `export function myRoutes(app: TestApp)` in a file of this folder, register its
 * routes with `app.get(path, node(handler))` (`node()`: the handler writes to Node's response, see
 * ../node-route.ts), and call it from `testRoutes()` below. Keep per-server state inside the function.
 */
import { Hono } from "hono";
import { type NodeEnv, node, nodeError } from "../node-route.ts";
import { azureRoutes } from "./azure.ts";
import { conformanceRoutes } from "./conformance.ts";
import { httpRoutes } from "./http-routes.ts";
import { Scenarios, scenarioRoutes } from "./scenarios.ts";
import { type SmokeState, smokeRoutes } from "./smoke.ts";
import { streamFaultRoutes } from "./stream-faults.ts";

/** Where the test routes are mounted. */
export const TEST_PREFIX = "/__test";

/** The app the route modules register on (paths relative to {@link TEST_PREFIX}). */
export type TestApp = Hono<NodeEnv>;

/** A file served under `/__test/pages/`. */
export interface StaticFile {
  type: string;
  body: string | Uint8Array;
}

/** What a test in the same process can read and change on a running server. */
export interface TestRoutes {
  /** The scenarios (scenarios.ts): create them in-process, read their recorded requests. */
  scenarios: Scenarios;
  /** Files served at `/__test/pages/<path>` (`/` is `/index.html`), by path (`/index.html`). */
  pages: Map<string, StaticFile>;
  /** The smoke routes' memory (which stalled streams saw their client go away). */
  smoke: SmokeState;
}

/** Builds the test routes (fresh state: counters, scenarios, pages). */
export function testRoutes(): { app: TestApp; routes: TestRoutes } {
  const app: TestApp = new Hono<NodeEnv>();
  const scenarios = new Scenarios();
  const pages = new Map<string, StaticFile>();
  httpRoutes(app);
  streamFaultRoutes(app);
  conformanceRoutes(app);
  scenarioRoutes(app, scenarios);
  const smoke = smokeRoutes(app);
  azureRoutes(app);
  app.get(
    "/pages/*",
    node((_req, res, url) => {
      const path = url.pathname.slice(`${TEST_PREFIX}/pages`.length);
      const file = pages.get(path === "/" || path === "" ? "/index.html" : path);
      if (!file) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" });
      res.end(file.body);
    }),
  );
  // Anything else under /__test: a plain 404, as the HTTP layer's tests expect it.
  app.all(
    "*",
    node((_req, res) => {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }),
  );
  // A route that throws (a scenario's `respond` included): a 500 that names the error.
  app.onError((error, c) =>
    nodeError(c, (res) => res.writeHead(500, { "content-type": "text/plain" }).end(String(error))),
  );
  return { app, routes: { scenarios, pages, smoke } };
}
