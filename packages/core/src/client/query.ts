/**
 * The query string of `call` and `openStream`: how each parameter's value becomes `name=value` pairs.
 *
 * - A scalar is one pair: `limit=20`, `order=asc`, `metadata=null`.
 * - A list is one pair per item, its name with `[]` appended: `include[]=a&include[]=b`. A name the
 *   OpenAPI document already spells with brackets (`include[]` on the runs routes, `project_ids[]`) is
 *   used as it is. The document leaves most list parameters at OpenAPI's default style (`form`,
 *   exploded), which would send `include=a&include=b`; OpenAI's server reads the bracketed form: its
 *   API reference's examples use it, the document itself renamed the runs routes' parameter to
 *   `include[]` for that reason (openai/openai-openapi#317), and the official SDKs send it.
 * - An object is one pair per key: `metadata[key]=value` (`deepObject`: the style the document declares
 *   for `GET /fine_tuning/jobs`' metadata and describes for `GET /chat/completions`'). A key whose value
 *   is a list gets a pair per item: `filter[ids][]=a`.
 *
 * Anything deeper (a list in a list, an object in an object) has no encoding the API documents: it is
 * refused with a `TypeError`, as are values that are not JSON scalars (a `Date`: send its ISO text or
 * its Unix seconds). `undefined` values are left out. Kept small: every page that makes a call carries it.
 */
import { describeValue, isRecord } from "../utils/checks.js";

/** A scalar query value, sent as `String(value)`. */
export type QueryScalar = string | number | boolean | null;

/** A query parameter's value: a scalar, a list of scalars, or an object of scalars and lists. */
export type QueryValue =
  | QueryScalar
  | readonly QueryScalar[]
  | { readonly [key: string]: QueryScalar | readonly QueryScalar[] | undefined };

/** Nesting levels: a parameter (0), a key of an object parameter (1), an item of a list (2). */
const KEY = 1;
const ITEM = 2;

/** The query string of `query` (without the `?`), or `""` when every value is undefined. */
export function encodeQuery(query: object, where: string): string {
  if (!isRecord(query)) {
    throw new TypeError(`${where}: query must be an object of parameters (got ${describeValue(query)}).`);
  }
  const search = new URLSearchParams();
  const add = (name: string, value: unknown, level: number): void => {
    if (value === undefined) return;
    if (Array.isArray(value) && level < ITEM) {
      for (const item of value) add(name.endsWith("[]") ? name : `${name}[]`, item, ITEM);
    } else if (isRecord(value) && level < KEY && Object.getPrototypeOf(value) === Object.prototype) {
      for (const key in value) add(`${name}[${key}]`, value[key], KEY);
    } else if (
      value === null ||
      typeof value === "string" ||
      typeof value === "boolean" ||
      Number.isFinite(value)
    ) {
      search.append(name, String(value));
    } else {
      throw new TypeError(
        `${where}: query parameter ${name} must be a string, a finite number, a boolean or null, a list of them, or an object of those (got ${describeValue(value)}).`,
      );
    }
  };
  for (const name in query) add(name, (query as Record<string, unknown>)[name], 0);
  return search.toString();
}
