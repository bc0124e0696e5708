/**
 * Which requests the proxy forwards: route groups and `"METHOD /path/{param}"` templates, and the one
 * matcher that turns a request's path into the upstream path. The upstream path is rebuilt from the
 * template's literal segments and the checked values of its parameters, never copied from the request:
 * a `..`, an encoded slash, an absolute URL or a backslash in the path cannot reach anything the
 * allow-list does not name.
 */
import { describeValue } from "../utils/checks.js";

/** The route groups `allow.routes` may name. */
export const ROUTE_GROUPS = {
  chat: ["POST /chat/completions"],
  responses: [
    "POST /responses",
    "GET /responses/{id}",
    "DELETE /responses/{id}",
    "POST /responses/{id}/cancel",
    "GET /responses/{id}/input_items",
    "POST /responses/input_tokens",
  ],
  embeddings: ["POST /embeddings"],
  moderations: ["POST /moderations"],
  audio: ["POST /audio/speech", "POST /audio/transcriptions", "POST /audio/translations"],
  images: ["POST /images/generations", "POST /images/edits", "POST /images/variations"],
  models: ["GET /models", "GET /models/{id}"],
  // Opt-in: a user's uploads are stored under the server's key, visible to every other user of it.
  files: ["GET /files", "POST /files", "GET /files/{id}", "DELETE /files/{id}", "GET /files/{id}/content"],
  uploads: [
    "POST /uploads",
    "POST /uploads/{id}/parts",
    "POST /uploads/{id}/complete",
    "POST /uploads/{id}/cancel",
  ],
  realtime: ["POST /realtime/client_secrets"],
} as const;

/** A route group's name. */
export type RouteGroup = keyof typeof ROUTE_GROUPS;

/** A route template: `"POST /chat/completions"`, `"GET /vector_stores/{id}/files"`. */
export type RouteTemplate = `${"GET" | "POST" | "DELETE" | "PATCH" | "PUT"} /${string}`;

/** The routes forwarded when `allow.routes` is not given: what a chat page needs, no stored data. */
export const DEFAULT_ROUTES: readonly RouteGroup[] = [
  "chat",
  "responses",
  "embeddings",
  "moderations",
  "audio",
  "images",
  "models",
];

/** A compiled template. */
interface Route {
  /** As given: `"GET /responses/{id}"` (what logs and errors name). */
  template: string;
  method: string;
  /** Literal segments as strings, parameters as null. */
  segments: (string | null)[];
}

/** A request matched to an allowed route: its template and the upstream path (query not included). */
export interface RouteMatch {
  template: string;
  path: string;
}

/** An id in a path: what ids and model names are made of (`resp_abc`, `file-x`, `ft:gpt-4o:org::id`, `gpt-4.1`). */
const PARAM_VALUE = /^[\w.:-]{1,256}$/;
const TEMPLATE = /^(GET|POST|DELETE|PATCH|PUT) ((?:\/(?:[a-z0-9_.-]+|\{[a-z_]+\}))+)$/;

/** Compiles `allow.routes`; a `TypeError` names what is wrong. */
export function compileRoutes(routes: readonly string[] | undefined): Route[] {
  const names = routes ?? DEFAULT_ROUTES;
  if (!Array.isArray(names)) {
    throw new TypeError(`createProxy: allow.routes must be an array (got ${describeValue(names)}).`);
  }
  const compiled: Route[] = [];
  for (const name of names as unknown[]) {
    if (typeof name === "string" && Object.hasOwn(ROUTE_GROUPS, name)) {
      for (const template of ROUTE_GROUPS[name as RouteGroup]) compiled.push(compile(template));
    } else if (typeof name === "string" && TEMPLATE.test(name) && !/\/\.\.?(?:\/|$)/.test(name)) {
      compiled.push(compile(name));
    } else {
      throw new TypeError(
        `createProxy: allow.routes has ${typeof name === "string" ? JSON.stringify(name) : describeValue(name)}, ` +
          `which is neither a route group (${Object.keys(ROUTE_GROUPS).join(", ")}) nor a template like "GET /batches/{id}".`,
      );
    }
  }
  return compiled;
}

function compile(template: string): Route {
  const [method = "", path = ""] = template.split(" ");
  const segments = path
    .slice(1)
    .split("/")
    .map((segment) => (segment.startsWith("{") ? null : segment));
  return { template, method, segments };
}

/**
 * The allowed route a request's method and path (below the base path, still percent-encoded) match,
 * or undefined. A path with an empty segment, a dot segment, a backslash, or an encoded slash,
 * backslash or dot never matches.
 */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  rawPath: string,
): RouteMatch | undefined {
  if (!rawPath.startsWith("/") || /\\|%2f|%5c|%2e|%00/i.test(rawPath)) return undefined;
  const parts = rawPath.slice(1).split("/");
  const values: string[] = [];
  for (const part of parts) {
    let value: string;
    try {
      value = decodeURIComponent(part);
    } catch {
      return undefined;
    }
    if (value === "" || value === "." || value === "..") return undefined;
    values.push(value);
  }
  for (const route of routes) {
    if (route.method !== method || route.segments.length !== values.length) continue;
    let path = "";
    let matches = true;
    for (const [index, segment] of route.segments.entries()) {
      const value = values[index] as string;
      if (
        segment === null ? !PARAM_VALUE.test(value) || value === "." || value === ".." : segment !== value
      ) {
        matches = false;
        break;
      }
      path += `/${segment ?? encodeURIComponent(value)}`;
    }
    if (matches) return { template: route.template, path };
  }
  return undefined;
}
