/** The options of `createProxy`, their checks and defaults (every mistake is a `TypeError` at creation). */
import type { ApiKeyContext, AuthHeader } from "../transport/credential.js";
import { checkHeader, checkHeaderName } from "../transport/headers.js";
import { describeValue, isRecord } from "../utils/checks.js";
import { FORWARDED_REQUEST_HEADERS } from "./forward.js";
import { type LimitStore, memoryLimitStore, type ProxyLimits } from "./limits.js";
import type { CorsPolicy } from "./respond.js";
import { compileRoutes, type RouteGroup, type RouteTemplate } from "./routes.js";

/** What the server's key function is told: the key was refused (`refresh`), the request's signal, the platform's `env`. */
export interface ProxyKeyContext<Env> extends ApiKeyContext {
  /** The handler's second argument: a Worker's `env`, Deno's `info`, Bun's `server` (undefined in Node). */
  env: Env;
}

/** One line of the proxy's log: what happened to a request. It never holds the key or a body. */
export interface ProxyLogEntry {
  /** `forwarded` (upstream answered, whatever its status), `refused` (the proxy said no), `failed` (upstream unreachable, key unavailable). */
  outcome: "forwarded" | "refused" | "failed";
  /** The status the page got. */
  status: number;
  method: string;
  /** The matched route's template (`"POST /chat/completions"`), when one matched. */
  route?: string;
  /** The user `authorize` named, once it did. */
  user?: string;
  model?: string;
  stream?: boolean;
  /** The refusal's or failure's code (`rate_limit_exceeded`, `upstream_unreachable`, ...). */
  code?: string;
  /** A failure's message (the transport's, with no key in it). */
  error?: string;
  /** Milliseconds until the page got its response head (a stream goes on after it). */
  ms: number;
}

/** Options of `createProxy`. */
export interface ProxyOptions<Env = unknown> {
  /**
   * The server's API key, or a function that fetches it (called for every request; after a 401 from the
   * upstream, once more with `refresh: true`, and the request goes again). Read it from a secret
   * (`env.OPENAI_API_KEY` in a Worker, `Deno.env`, `process.env`): it never appears in an answer or a log.
   */
  apiKey: string | ((context: ProxyKeyContext<Env>) => string | Promise<string>);
  /** The API base the proxy forwards to, e.g. `"https://api.openai.com/v1"`. */
  upstream: string;
  /** How the key is sent upstream: `"authorization"` (Bearer, the default) or `"api-key"` (Azure OpenAI). */
  authHeader?: AuthHeader;
  /** Headers sent upstream with every request, e.g. `{ "OpenAI-Project": "proj_..." }`. */
  upstreamHeaders?: Record<string, string>;
  /**
   * Decides who the request is from: a user id (the limits count per user), or null/undefined to refuse
   * it with 401. Read a bearer token, a cookie, Cloudflare Access' header, anything; do not read the body.
   * A throw refuses the request too. Nothing is forwarded before it said yes.
   */
  authorize(request: Request, env: Env): string | null | undefined | Promise<string | null | undefined>;
  /** What may pass. */
  allow?: {
    /** Route groups and templates (`"GET /batches/{id}"`). Default: `DEFAULT_ROUTES` (chat, Responses, embeddings, moderations, audio, images, models). */
    routes?: readonly (RouteGroup | RouteTemplate)[];
    /** The models a request may name: a list, or a function of the model and the user. Default: any. */
    models?: readonly string[] | ((model: string, user: string) => boolean);
    /**
     * Origins whose pages may call the proxy (`"https://app.example.com"`; `"*"` for any). A request with
     * another `Origin` is refused before anything else, its own origin included unless listed (the Host
     * a request names is not trusted). Requests without an `Origin` (servers, curl) are not affected.
     * Default: none.
     */
    origins?: readonly string[];
    /** Whether pages may send cookies (CORS credentials; never with `"*"`). Default false. */
    credentials?: boolean;
    /** Request headers forwarded upstream besides Content-Type and Accept (e.g. `"openai-beta"`). */
    headers?: readonly string[];
    /** Upstream response headers passed to the page besides the ones the client reads. */
    responseHeaders?: readonly string[];
  };
  /** Body size, requests per minute and open streams per user, and where they are counted. */
  limits?: ProxyLimits;
  /** The path the proxy is mounted at: the client's `baseURL` is `<origin><basePath>`. Default `"/v1"`. */
  basePath?: string;
  /** The fetch used upstream. Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Receives one entry per request (no key, no body): send it to your logs. */
  log?: (entry: ProxyLogEntry) => void;
}

/** The options after their checks. */
export interface ProxySettings<Env> {
  options: ProxyOptions<Env>;
  upstream: string;
  basePath: string;
  routes: ReturnType<typeof compileRoutes>;
  methods: ReadonlySet<string>;
  models: ((model: string, user: string) => boolean) | undefined;
  cors: CorsPolicy;
  requestHeaders: readonly string[];
  responseHeaders: readonly string[];
  maxBodyBytes: number;
  requestsPerMinute: number | undefined;
  concurrentStreams: number | undefined;
  store: LimitStore;
}

/** Default largest request body: 4 MiB. */
export const DEFAULT_PROXY_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Checks the options (a `TypeError` names the mistake) and fills in the defaults. */
export function proxySettings<Env>(options: ProxyOptions<Env>): ProxySettings<Env> {
  if (!isRecord(options))
    throw new TypeError(`createProxy(options): options must be an object (got ${describeValue(options)}).`);
  const { apiKey, authorize, allow = {}, limits = {} } = options;
  if (typeof apiKey !== "function" && (typeof apiKey !== "string" || apiKey === "")) {
    throw new TypeError(
      `createProxy: apiKey must be the server's key or a function that returns it (got ${describeValue(apiKey)}).`,
    );
  }
  if (typeof apiKey === "string") checkHeader("authorization", apiKey, "createProxy: apiKey");
  if (typeof authorize !== "function") {
    throw new TypeError(
      "createProxy: authorize(request) is required: it names the user of a request (or refuses it). " +
        "A proxy that forwards everyone's requests with your key is an open relay.",
    );
  }
  if (
    options.authHeader !== undefined &&
    options.authHeader !== "authorization" &&
    options.authHeader !== "api-key"
  ) {
    throw new TypeError(
      `createProxy: authHeader must be "authorization" or "api-key" (got ${describeValue(options.authHeader)}).`,
    );
  }
  for (const [name, value] of Object.entries(options.upstreamHeaders ?? {})) {
    checkHeader(name, value, "createProxy: upstreamHeaders");
  }
  const routes = compileRoutes(allow.routes);
  if (allow.credentials === true && allow.origins?.includes("*")) {
    throw new TypeError(
      'createProxy: allow.credentials cannot go with allow.origins "*": any site could then call the proxy with your users\' cookies. List the origins.',
    );
  }
  const models = allow.models;
  if (models !== undefined && typeof models !== "function" && !Array.isArray(models)) {
    throw new TypeError(
      `createProxy: allow.models must be a list of models or a function (got ${describeValue(models)}).`,
    );
  }
  return {
    options,
    upstream: checkUpstream(options.upstream),
    basePath: checkBasePath(options.basePath ?? "/v1"),
    routes,
    methods: new Set(routes.map((route) => route.method)),
    models:
      models === undefined
        ? undefined
        : typeof models === "function"
          ? models
          : (model) => models.includes(model),
    cors: {
      origins: checkOrigins(allow.origins ?? []),
      headers: [
        "authorization",
        ...FORWARDED_REQUEST_HEADERS,
        ...headerNames(allow.headers, "allow.headers", NEVER_SENT),
      ],
      credentials: allow.credentials === true,
    },
    requestHeaders: headerNames(allow.headers, "allow.headers", NEVER_SENT),
    responseHeaders: headerNames(allow.responseHeaders, "allow.responseHeaders", NEVER_RETURNED),
    maxBodyBytes: positive(limits.maxBodyBytes, "limits.maxBodyBytes") ?? DEFAULT_PROXY_MAX_BODY_BYTES,
    requestsPerMinute: positive(limits.requestsPerMinute, "limits.requestsPerMinute"),
    concurrentStreams: positive(limits.concurrentStreams, "limits.concurrentStreams"),
    store: checkStore(limits.store) ?? memoryLimitStore(),
  };
}

function checkUpstream(upstream: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof upstream === "string" ? new URL(upstream) : undefined;
  } catch {
    url = undefined;
  }
  if (
    !url ||
    (url.protocol !== "https:" && url.protocol !== "http:") ||
    url.search ||
    url.hash ||
    url.username
  ) {
    throw new TypeError(
      `createProxy: upstream must be the API's base URL, like "https://api.openai.com/v1" (got ${describeValue(upstream)}).`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

function checkBasePath(path: unknown): string {
  if (typeof path !== "string" || !(path === "" || /^(\/[\w.-]+)+$/.test(path))) {
    throw new TypeError(
      `createProxy: basePath must be "" or a path like "/v1" or "/api/openai" (got ${describeValue(path)}).`,
    );
  }
  return path;
}

function checkOrigins(origins: unknown): string[] {
  if (!Array.isArray(origins))
    throw new TypeError(`createProxy: allow.origins must be a list (got ${describeValue(origins)}).`);
  return origins.map((origin: unknown) => {
    if (origin === "*") return origin;
    let parsed: URL | undefined;
    try {
      parsed = typeof origin === "string" ? new URL(origin) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin) {
      throw new TypeError(
        `createProxy: allow.origins has ${typeof origin === "string" ? JSON.stringify(origin) : describeValue(origin)}, ` +
          'which is not an origin: scheme, host and port only, like "https://app.example.com".',
      );
    }
    return origin;
  });
}

/** Request headers never passed upstream: credentials and routing are the proxy's. */
const NEVER_SENT =
  /^(?:authorization|api-key|cookie|host|forwarded|x-forwarded-.*|x-real-ip|proxy-.*|connection|transfer-encoding|content-length)$/;
/** Response headers never passed to the page. */
const NEVER_RETURNED =
  /^(?:set-cookie2?|access-control-.*|openai-organization|openai-project|connection|transfer-encoding|content-length|content-encoding)$/;

function headerNames(names: unknown, where: string, never: RegExp): string[] {
  if (names === undefined) return [];
  if (!Array.isArray(names)) throw new TypeError(`createProxy: ${where} must be a list of header names.`);
  return names.map((name: unknown) => {
    checkHeaderName(name, `createProxy: ${where}`);
    const lower = name.toLowerCase();
    if (never.test(lower))
      throw new TypeError(`createProxy: ${where} may not name ${lower}: the proxy never passes it on.`);
    return lower;
  });
}

function positive(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`createProxy: ${where} must be a positive integer (got ${describeValue(value)}).`);
  }
  return value;
}

function checkStore(store: unknown): LimitStore | undefined {
  if (store === undefined) return undefined;
  if (!isRecord(store) || typeof store.add !== "function") {
    throw new TypeError("createProxy: limits.store must have add(key, delta, ttlSeconds) (a LimitStore).");
  }
  return store as unknown as LimitStore;
}
