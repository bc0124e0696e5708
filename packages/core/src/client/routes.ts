/**
 * The types of `client.call(route, init)` for every route of OpenAI's OpenAPI document, read from the
 * generated `Paths` interface (`../types/openapi.ts`). Types only: nothing here reaches a bundle.
 *
 * ```ts
 * const job = await client.call("GET /fine_tuning/jobs/{fine_tuning_job_id}", {
 *   path: { fine_tuning_job_id: "ftjob-abc" },
 * }); // ApiResult<FineTuningJob>
 * ```
 */
import type { components, Paths } from "../types/openapi.js";
import type { RequestOptions } from "./config.js";
import type { FileInput } from "./upload.js";

export type { components, Paths };

/** The schemas of the OpenAPI document, by name: `Schemas["FineTuningJob"]`. */
export type Schemas = components["schemas"];

/** A route of the document, as the client names it: `"GET /fine_tuning/jobs/{fine_tuning_job_id}"`. */
export type KnownRoute = keyof Paths;

/** How a 2xx body is read: decoded (JSON, else text; the default) or as a `Blob` (file content). */
export type ReadAs = "decoded" | "blob";

type SuccessCode = 200 | 201 | 202 | 203 | 204 | 206;

/** The `parameters` of an operation. */
type Parameters<O> = O extends { parameters: infer P } ? P : object;

/** The media types of an operation's request body, or never when it has none. */
type RequestContent<O> = O extends { requestBody?: infer B }
  ? B extends { content: infer C }
    ? C
    : never
  : never;

/** The 2xx answer of an operation. */
type SuccessAnswer<O> = O extends { responses: infer Rs } ? Rs[Extract<keyof Rs, SuccessCode>] : never;

/** The document's query parameters, as `call` sends them (lists and objects too: see `./query.ts`). */
type QueryOf<Q> = { [K in keyof Q]: Q[K] };

type PathInit<O> =
  Parameters<O> extends { path: infer P }
    ? {
        /** The values of the route's `{placeholders}`; each is checked and percent-encoded like every id. */
        path: P;
      }
    : { path?: Record<string, never> };

type QueryInit<O> =
  Parameters<O> extends { query: infer Q }
    ? { query: QueryOf<Q> }
    : Parameters<O> extends { query?: infer Q }
      ? [Exclude<Q, undefined>] extends [never]
        ? { query?: Record<string, never> }
        : {
            /** Query parameters (the document's); `undefined` values are left out. */
            query?: QueryOf<Exclude<Q, undefined>>;
          }
      : { query?: Record<string, never> };

/** Optional unless the document says the request body is required. */
type Presence<O, T> = O extends { requestBody: object } ? T : Partial<T>;

type BodyInit<O> = [RequestContent<O>] extends [never]
  ? { body?: undefined; form?: undefined }
  :
      | (RequestContent<O> extends { "application/json": infer J }
          ? Presence<O, { /** The JSON body. */ body: J; form?: undefined }>
          : never)
      | (RequestContent<O> extends { "multipart/form-data": infer F }
          ? Presence<
              O,
              {
                /** The multipart body: `multipart({ ... })` (typed) or a `FormData`. */
                form: Multipart<FormFields<F>>;
                body?: undefined;
              }
            >
          : never)
      | (keyof RequestContent<O> extends "application/json" | "multipart/form-data"
          ? never
          : { body?: unknown; form?: FormData });

/** What `call(route, init)` takes for a route of the document: its path, query and body, typed. */
export type RouteInit<R extends KnownRoute, A extends ReadAs = ReadAs> = RequestOptions &
  PathInit<Paths[R]> &
  QueryInit<Paths[R]> &
  BodyInit<Paths[R]> & {
    /** How a 2xx body is read: decoded (JSON, else text; the default) or as a `Blob` (file content). */
    as?: A;
  };

/** `call`'s arguments after the route: `init` is optional when nothing in it is required. */
export type RouteInitArgs<R extends KnownRoute, A extends ReadAs = ReadAs> =
  object extends RouteInit<R, A> ? [init?: RouteInit<R, A>] : [init: RouteInit<R, A>];

/**
 * The `data` of a route's 2xx answer: its JSON schema; `string` for a text answer; `unknown` when the
 * answer is something else (audio, a zip: read it with `as: "blob"`).
 */
export type RouteData<R extends KnownRoute> =
  SuccessAnswer<Paths[R]> extends infer S
    ? S extends { content: infer C }
      ? C extends { "application/json": infer J }
        ? J
        : C extends { "text/plain": infer T }
          ? T
          : unknown
      : unknown
    : never;

/** The JSON body a route takes (`RouteBody<"POST /batches">`). */
export type RouteBody<R extends KnownRoute> =
  RequestContent<Paths[R]> extends { "application/json": infer J } ? J : never;

/** The query parameters of a route as `call` takes them. */
export type RouteCallQuery<R extends KnownRoute> = NonNullable<RouteInit<R>["query"]>;

/** The query parameters of a route, as the document types them. */
export type RouteQuery<R extends KnownRoute> = Exclude<
  Parameters<Paths[R]> extends { query?: infer Q } ? Q : never,
  undefined
>;

/**
 * Unconstrained for a route the document lacks; for one of its routes, a type no string matches, so
 * `call`'s untyped form never takes it (without a type argument) and the mismatch is named.
 */
export type OtherRoute<R> = R extends KnownRoute
  ? { "call(route, init): init does not match this route's types in the OpenAPI document": R }
  : unknown;

// ------------------------------------------------------------------ multipart

declare const formFields: unique symbol;

/**
 * A `FormData` that remembers the fields it was built from (`multipart({ ... })`), so `call` can check
 * them against the route's multipart schema. A plain `FormData` is accepted too, unchecked.
 */
export type Multipart<F = unknown> = FormData & { readonly [formFields]?: F };

/** A multipart field as `multipart()` takes it: a file (`Blob`) may also be a `FileInput`. */
export type FormValue<V> = V extends Blob
  ? FileInput
  : V extends readonly (infer E)[]
    ? readonly FormValue<E>[]
    : V extends object
      ? { [K in keyof V]: FormValue<V[K]> }
      : V;

/** The fields of a multipart schema as `multipart()` takes them. */
export type FormFields<F> = { [K in keyof F]: FormValue<F[K]> };
