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
 * its Unix seconds). `undefined` values are left out.
 */
import { describeValue } from "../utils/checks.js";

/** A scalar query value, sent as `String(value)`. */
export type QueryScalar = string | number | boolean | null;

/** A query parameter's value: a scalar, a list of scalars, or an object of scalars and lists. */
export type QueryValue =
  | QueryScalar
  | readonly QueryScalar[]
  | { readonly [key: string]: QueryScalar | readonly QueryScalar[] | undefined };

/** The query string of `query` (without the `?`), or `""` when every value is undefined. */
export function encodeQuery(query: object, where: string): string {
  if (typeof query !== "object" || query === null || Array.isArray(query)) {
    throw new TypeError(
      `${where}: query must be an object of parameter names to values (got ${describeValue(query)}).`,
    );
  }
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) appendList(search, name, value, `${where}: query.${name}`);
    else if (isPlainObject(value)) {
      for (const [key, inner] of Object.entries(value)) {
        if (inner === undefined) continue;
        const field = `${name}[${key}]`;
        if (Array.isArray(inner)) appendList(search, field, inner, `${where}: query.${name}.${key}`);
        else search.append(field, scalar(inner, `${where}: query.${name}.${key}`));
      }
    } else search.append(name, scalar(value, `${where}: query.${name}`));
  }
  return search.toString();
}

/** An object literal (a `Date`, a `Map` or a class instance is not one: it has no documented encoding). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function appendList(search: URLSearchParams, name: string, items: unknown[], where: string): void {
  const key = name.endsWith("[]") ? name : `${name}[]`;
  items.forEach((item, index) => {
    search.append(key, scalar(item, `${where}[${index}]`));
  });
}

function scalar(value: unknown, where: string): string {
  if (value === null || typeof value === "string" || typeof value === "boolean") return String(value);
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new TypeError(
    `${where} must be a string, a finite number, a boolean or null (got ${describeValue(value)}); ` +
      "a query parameter holds scalars, a list of scalars, or an object of those.",
  );
}
