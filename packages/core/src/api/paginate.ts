/**
 * `@oaikit/core/paginate`: every item of a cursor-paginated list, page by page.
 *
 * ```ts
 * import { createClient } from "@oaikit/core";
 * import { paginate } from "@oaikit/core/paginate";
 * for await (const job of paginate(createClient(apiKey), "GET /fine_tuning/jobs", { limit: 50 })) {
 *   console.log(job.id, job.status);
 * }
 * ```
 */
import type { CallInit, Client, Route } from "../client/client.js";
import { unwrap } from "../client/result.js";
import type { KnownRoute, OtherRoute, RouteData, RouteInit } from "../client/routes.js";
import { describeValue, isRecord } from "../utils/checks.js";

/** The GET routes of the document that answer a cursor-paginated page (`data`, `has_more`). */
export type ListRoute = {
  [R in KnownRoute]: R extends `GET ${string}`
    ? RouteData<R> extends { data: unknown[]; has_more: boolean }
      ? R
      : never
    : never;
}[KnownRoute];

/** An item of a list route's pages. */
export type ListItem<R extends ListRoute> = RouteData<R> extends { data: (infer T)[] } ? T : never;

/** The init of `paginate`: the route's `call` init, and `limit`, the page size. */
export type PaginateInit<R extends ListRoute> = RouteInit<R, "decoded"> & {
  /** Items per page (the route's `limit` query parameter); default: the server's. */
  limit?: number;
};

type PaginateArgs<R extends ListRoute> =
  object extends PaginateInit<R> ? [init?: PaginateInit<R>] : [init: PaginateInit<R>];

/** A page as `paginate` reads it. */
interface Page {
  data: { id?: unknown }[];
  has_more?: unknown;
  last_id?: unknown;
}

/**
 * Every item of a cursor-paginated list (`after` / `has_more` / `last_id`), fetched page by page as
 * the loop asks for more and stopping after the last page. Each page is one `client.call` (the
 * client's retries, timeouts and errors); a page that fails throws its `APIError`, an abort its
 * `RequestAbortedError`. `break` out of the loop to stop early: no further page is fetched.
 *
 * `init` is the route's `call` init (`path`, `query`, `signal`, ...) with `limit`, the page size;
 * `query.after` starts after a given item.
 */
export function paginate<R extends ListRoute>(
  client: Client,
  route: R,
  ...init: PaginateArgs<R>
): AsyncGenerator<ListItem<R>, void, undefined>;
/** A list route the document lacks (a compatible server's own), or any route with a type argument. */
export function paginate<T = unknown, R extends Route = Route>(
  client: Client,
  route: R & OtherRoute<R>,
  init?: CallInit & { limit?: number },
): AsyncGenerator<T, void, undefined>;
export function paginate(
  client: Client,
  route: Route,
  init: CallInit & { limit?: number } = {},
): AsyncGenerator<unknown, void, undefined> {
  if (typeof init !== "object" || init === null) {
    throw new TypeError(
      `paginate(client, "${route}", init): init must be an object (got ${describeValue(init)}).`,
    );
  }
  const { limit, ...rest } = init;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new TypeError(`paginate: limit must be a positive integer (got ${describeValue(limit)}).`);
  }
  return pages(client, route, rest, limit);
}

async function* pages(
  client: Client,
  route: Route,
  init: CallInit,
  limit: number | undefined,
): AsyncGenerator<unknown, void, undefined> {
  let after = init.query?.after;
  for (;;) {
    const query = { ...init.query, limit: limit ?? init.query?.limit, after };
    const page = unwrap(await client.call<Page>(route, { ...init, query }));
    if (!isRecord(page) || !Array.isArray(page.data)) {
      throw new TypeError(`paginate: ${route} answered something that is not a list page ({ data: [...] }).`);
    }
    yield* page.data;
    if (page.has_more !== true || page.data.length === 0) return;
    // `last_id` where the list has it, else the last item's id (fine-tuning jobs, checkpoints).
    const next = typeof page.last_id === "string" ? page.last_id : page.data[page.data.length - 1]?.id;
    if (typeof next !== "string" || next === "" || next === after) {
      throw new TypeError(
        `paginate: ${route} says it has more items but gave no new cursor (last_id or the last item's id).`,
      );
    }
    after = next;
  }
}
