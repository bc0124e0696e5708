/**
 * The oaikit demo server: a deterministic OpenAI-compatible server (hono's router and `cors()`, handlers
 * on node:http's response: see node-route.ts). The demo page talks to it when no key is set. It is also
 * the one fake server of the test suites: started with `testRoutes: true`, it adds the test routes under
 * `/__test` (testing/index.ts), which `pnpm demo` never serves.
 *
 * Under `/v1`: models, chat/completions, responses (+ get, delete, cancel), completions, embeddings,
 * moderations, images/generations, files. Faults by `x-oaikit-fault` or model `fault:<kind>`;
 * recordings by model `replay:<file>`; pace by `x-oaikit-delay` (ms) or the `delayMs` option.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { handleChatCompletions } from "./chat.ts";
import { createContext, type ServerContext } from "./context.ts";
import {
  DEMO_MODELS,
  handleCompletions,
  handleEmbeddings,
  handleImages,
  handleModels,
  handleModerations,
} from "./endpoints.ts";
import { requestedFault, type StreamFault, sendStatusFault } from "./faults.ts";
import {
  handleDeleteFile,
  handleFileContent,
  handleGetFile,
  handleListFiles,
  handleUploadFile,
} from "./files.ts";
import {
  errorBody,
  HttpError,
  type JsonObject,
  parseJsonObject,
  readBody,
  sendHttpError,
  sendJson,
} from "./http.ts";
import { answer, type NodeEnv, type NodeHandler, node, nodeError } from "./node-route.ts";
import { handleReplay } from "./replay.ts";
import {
  handleCancelResponse,
  handleCreateResponse,
  handleDeleteResponse,
  handleGetResponse,
} from "./responses.ts";
import { handleStructured } from "./structured.ts";
import { handleSync } from "./sync.ts";
import { TEST_PREFIX, type TestRoutes, testRoutes } from "./testing/index.ts";
import { SMOKE_ALLOWED_HEADERS } from "./testing/smoke.ts";

export { DEMO_MODELS } from "./endpoints.ts";
export { FAULT_KINDS, type FaultKind } from "./faults.ts";
export type { StaticFile, TestRoutes } from "./testing/index.ts";
export type {
  RecordedRequest,
  Scenario,
  ScenarioOptions,
  ScriptedAnswer,
  WordsModel,
} from "./testing/scenarios.ts";

/** Options of {@link startDemoServer}. */
export interface DemoServerOptions {
  /** Port to listen on; 0 or absent picks a free one. */
  port?: number;
  /** Interface to bind; loopback by default. */
  host?: string;
  /**
   * Delay between streamed pieces in ms (default 15, so a page visibly streams). Use 0 in tests and
   * benchmarks; a request can also set it with the `x-oaikit-delay` header.
   */
  delayMs?: number;
  /** Serve the test routes under `/__test` (testing/index.ts). Off by default: the demo never serves them. */
  testRoutes?: boolean;
}

/** A running demo server. */
export interface DemoServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:5174`; the API is under `${url}/v1`. */
  url: string;
  /** Stops listening, ends open streams (stalled ones too) and resolves when the server is closed. */
  close(): Promise<void>;
  /** With `testRoutes: true`: their base URL (`${url}/__test`) and their state, for tests in this process. */
  test?: { url: string; routes: TestRoutes };
}

/** Default pace of streamed pieces (ms). */
export const DEFAULT_DELAY_MS = 15;

/** Starts the demo server. */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const { port = 0, host = "127.0.0.1", delayMs = DEFAULT_DELAY_MS } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`startDemoServer: port must be an integer from 0 to 65535, got ${String(port)}.`);
  }
  if (typeof delayMs !== "number" || !(delayMs >= 0)) {
    throw new TypeError(`startDemoServer: delayMs must be a number >= 0, got ${String(delayMs)}.`);
  }
  const ctx = createContext(delayMs);
  const app = new Hono<NodeEnv>({ strict: false });
  const tests = options.testRoutes ? testRoutes() : undefined;
  // One CORS policy per mount; the first whose prefix the path starts with applies.
  const policies: [prefix: string, policy: MiddlewareHandler][] = [];
  if (tests) policies.push([`${TEST_PREFIX}/smoke/`, SMOKE_CORS], [`${TEST_PREFIX}/`, TEST_CORS]);
  policies.push(["/", DEMO_CORS]);
  app.use((c, next) => policies.find(([prefix]) => c.req.path.startsWith(prefix))![1](c, next));
  if (tests) app.route(TEST_PREFIX, tests.app);
  demoRoutes(app, ctx, tests ? `${TEST_PREFIX}/` : undefined);

  // @hono/node-server's listener on a plain node:http server; `overrideGlobalObjects: false` leaves the
  // process's own Request and Response alone (tests run the client under test in the same process).
  const server = createServer(getRequestListener(app.fetch, { overrideGlobalObjects: false }));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port: actual } = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  const url = `http://${shownHost}:${actual}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        for (const cleanup of [...ctx.cleanups]) cleanup();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    ...(tests ? { test: { url: `${url}${TEST_PREFIX}`, routes: tests.routes } } : {}),
  };
}

/** The demo's CORS: any origin, the requested headers, every response header exposed. */
const DEMO_CORS = cors({
  origin: (origin) => origin || "*",
  allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
  // "*" covers requests without credentials; the names cover the ones with credentials.
  exposeHeaders: [
    "*",
    "retry-after",
    "retry-after-ms",
    "x-request-id",
    "openai-processing-ms",
    "x-ratelimit-limit-requests",
    "x-ratelimit-remaining-requests",
    "x-ratelimit-reset-requests",
  ],
  maxAge: 600,
});

/** The test routes' CORS: whatever a browser test asks for (any origin, method and header). */
const TEST_CORS = cors({
  origin: (origin) => origin || "*",
  allowMethods: (_origin, c) => [c.req.header("access-control-request-method") ?? "*"],
  exposeHeaders: ["*"],
});

/** The smoke routes' CORS: only the headers an OpenAI-compatible call needs (testing/smoke.ts). */
const SMOKE_CORS = cors({
  origin: "*",
  allowHeaders: SMOKE_ALLOWED_HEADERS,
  allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
  exposeHeaders: ["*"],
});

/**
 * The demo's routes on `app`: `/` (what this server is), the API under `/v1` and session sync under
 * `/sync`; every other path is a 404 as OpenAI words it. Paths under `skip` (the test routes' mount)
 * get none of the demo's headers.
 */
function demoRoutes(app: Hono<NodeEnv>, ctx: ServerContext, skip: string | undefined): void {
  app.use(async (c, next) => {
    if (skip === undefined || !c.req.path.startsWith(skip)) {
      c.header("x-request-id", ctx.newId("req_"));
      c.header("vary", "Origin");
    }
    await next();
  });
  app.onError((error, c) =>
    nodeError(c, (res) => {
      if (error instanceof HttpError) sendHttpError(res, error);
      else sendJson(res, 500, errorBody(`Demo server error: ${String(error)}`, "server_error"));
    }),
  );
  app.notFound((c) =>
    answer(c, (req, res, url) =>
      sendHttpError(res, new HttpError(404, `Invalid URL (${req.method ?? "GET"} ${url.pathname})`)),
    ),
  );

  /** A route that answers the status faults (`x-oaikit-fault: 401 | 429 | 500`) before `handler`. */
  const faultable = (handler: NodeHandler) =>
    node((req, res, url, c) => {
      const fault = requestedFault(req, undefined);
      if (fault && sendStatusFault(res, fault)) return;
      return handler(req, res, url, c);
    });
  /**
   * `POST /v1/<route>` with a JSON body: faults by header or by model `fault:<kind>` (status faults
   * answered here, stream faults passed on), where `replayable` recordings by model `replay:<file>`, then
   * structured outputs and scripted tool calls (structured.ts) when the request asks for them.
   */
  const jsonPost = (route: string, handler: JsonHandler, replayable = false) =>
    app.post(
      `/v1/${route}`,
      node(async (req, res) => {
        const body = parseJsonObject(await readBody(req));
        const fault = requestedFault(req, body.model);
        if (fault && sendStatusFault(res, fault)) return;
        const streamFault = fault as StreamFault | undefined;
        if (replayable && typeof body.model === "string" && body.model.startsWith("replay:")) {
          const background = route === "responses" && body.background === true && body.stream === true;
          return handleReplay(ctx, req, res, body.model, streamFault, background);
        }
        if (await handleStructured(ctx, req, res, route, body, streamFault)) return;
        return handler(req, res, body, streamFault);
      }),
    );
  const id = (c: Context<NodeEnv>) => c.req.param("id") ?? "";

  app.get(
    "/",
    node((_req, res) =>
      sendJson(res, 200, {
        name: "oaikit demo server",
        api: "/v1",
        models: DEMO_MODELS,
        faults: "x-oaikit-fault header or model fault:<kind>",
        replay: "model replay:<file from packages/core/test/conformance>",
      }),
    ),
  );
  app.get(
    "/v1/models",
    faultable((_req, res) => handleModels(res)),
  );
  app.get(
    "/v1/models/:id",
    faultable((_req, res, _url, c) => handleModels(res, id(c))),
  );
  jsonPost(
    "chat/completions",
    (req, res, body, fault) => handleChatCompletions(ctx, req, res, body, fault),
    true,
  );
  jsonPost("responses", (req, res, body, fault) => handleCreateResponse(ctx, req, res, body, fault), true);
  app.get(
    "/v1/responses/:id",
    faultable((req, res, url, c) => handleGetResponse(ctx, req, res, url, id(c))),
  );
  app.delete(
    "/v1/responses/:id",
    faultable((_req, res, _url, c) => handleDeleteResponse(ctx, res, id(c))),
  );
  app.post(
    "/v1/responses/:id/cancel",
    faultable(async (req, res, _url, c) => {
      await readBody(req); // a cancel has no body; drain whatever came
      handleCancelResponse(ctx, res, id(c));
    }),
  );
  jsonPost("completions", (req, res, body, fault) => handleCompletions(ctx, req, res, body, fault), true);
  jsonPost("embeddings", (_req, res, body) => handleEmbeddings(res, body));
  jsonPost("moderations", (_req, res, body) => handleModerations(ctx, res, body));
  jsonPost("images/generations", (_req, res, body) => handleImages(res, body));
  app.post(
    "/v1/files",
    faultable((req, res) => handleUploadFile(ctx, req, res)),
  );
  app.get(
    "/v1/files",
    faultable((_req, res, url) => handleListFiles(ctx, res, url)),
  );
  app.get(
    "/v1/files/:id",
    faultable((_req, res, _url, c) => handleGetFile(ctx, res, id(c))),
  );
  app.get(
    "/v1/files/:id/content",
    faultable((_req, res, _url, c) => handleFileContent(ctx, res, id(c))),
  );
  app.delete(
    "/v1/files/:id",
    faultable((_req, res, _url, c) => handleDeleteFile(ctx, res, id(c))),
  );
  // Session sync (sync.ts): @oaikit/sessions' sync handler, for the page's "Sync to the local server".
  const sync = node((req, res, url) => handleSync(req, res, url));
  app.all("/sync", sync);
  app.all("/sync/*", sync);
}

/** A JSON POST's handler: the parsed body, and the stream fault the request asked for. */
type JsonHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  body: JsonObject,
  fault: StreamFault | undefined,
) => void | Promise<void>;
