/**
 * A JSON Schema validator for the keywords of OpenAI's structured outputs (strict mode): enough to
 * check an answer against the schema it was asked for, in a few hundred bytes. Written here rather
 * than taken from a library: Ajv compiles schemas with `new Function` (refused by the CSP of many
 * pages and by Workers) and the eval-free validators weigh more than the rest of this subpath.
 * Unknown keywords (`format`, `description`, ...) are accepted without a check.
 */
import type { SchemaIssue } from "../errors/errors.js";
import { isRecord } from "../utils/checks.js";

type Schema = Record<string, unknown>;

/** Every issue of `value` against `schema` (an empty list when it matches). */
export function validateJsonSchema(schema: Schema, value: unknown): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  check(schema, value, [], schema, issues, 0);
  return issues;
}

/** JSON Schema's type of a value (`integer` is checked apart). */
function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function hasType(value: unknown, type: unknown): boolean {
  if (type === "integer") return Number.isInteger(value);
  return typeOf(value) === type;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Resolves a local `$ref` (`#/$defs/Name`, `#/definitions/Name`, `#`) against the root schema. */
function resolveRef(root: Schema, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    node = isRecord(node) ? node[key] : undefined;
  }
  return node;
}

function check(
  schema: unknown,
  value: unknown,
  path: PropertyKey[],
  root: Schema,
  issues: SchemaIssue[],
  depth: number,
): void {
  if (schema === false) issues.push(issue(path, "no value is allowed here"));
  if (!isRecord(schema)) return;
  // A self-referencing schema with a self-referencing value: stop rather than overflow the stack.
  if (depth > 64) {
    issues.push(issue(path, "the value is nested too deeply to check"));
    return;
  }
  const at = (message: string) => issues.push(issue(path, message));

  if (typeof schema.$ref === "string") {
    const target = resolveRef(root, schema.$ref);
    if (target === undefined) at(`the schema's $ref ${schema.$ref} cannot be resolved`);
    else check(target, value, path, root, issues, depth + 1);
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => hasType(value, type))) {
      at(`expected ${types.join(" or ")}, got ${typeOf(value)}`);
      return;
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => equal(option, value))) {
    at(`expected one of ${JSON.stringify(schema.enum)}`);
  }
  if ("const" in schema && !equal(schema.const, value)) at(`expected ${JSON.stringify(schema.const)}`);
  for (const [keyword, need] of [
    ["anyOf", (n: number) => n > 0],
    ["oneOf", (n: number) => n === 1],
  ] as const) {
    const options = schema[keyword];
    if (!Array.isArray(options)) continue;
    const matches = options.filter((option) => validateSub(option, value, root, depth).length === 0).length;
    if (!need(matches))
      at(
        `expected a value matching ${keyword === "anyOf" ? "one" : "exactly one"} of ${options.length} schemas`,
      );
  }
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf) check(part, value, path, root, issues, depth + 1);
  }

  if (typeof value === "string") checkString(schema, value, at);
  else if (typeof value === "number") checkNumber(schema, value, at);
  else if (Array.isArray(value)) checkArray(schema, value, path, root, issues, depth, at);
  else if (isRecord(value)) checkObject(schema, value, path, root, issues, depth, at);
}

function validateSub(schema: unknown, value: unknown, root: Schema, depth: number): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  check(schema, value, [], root, issues, depth + 1);
  return issues;
}

function issue(path: PropertyKey[], message: string): SchemaIssue {
  return path.length ? { message, path: [...path] } : { message };
}

function checkString(schema: Schema, value: string, at: (message: string) => void): void {
  const length = [...value].length;
  if (typeof schema.minLength === "number" && length < schema.minLength) {
    at(`expected at least ${schema.minLength} characters`);
  }
  if (typeof schema.maxLength === "number" && length > schema.maxLength) {
    at(`expected at most ${schema.maxLength} characters`);
  }
  if (typeof schema.pattern === "string") {
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(schema.pattern, "u");
    } catch {
      pattern = undefined; // a pattern this engine cannot read is not checked
    }
    if (pattern && !pattern.test(value)) at(`expected a string matching /${schema.pattern}/`);
  }
}

function checkNumber(schema: Schema, value: number, at: (message: string) => void): void {
  const bound = (keyword: string, fails: (limit: number) => boolean, words: string) => {
    const limit = schema[keyword];
    if (typeof limit === "number" && fails(limit)) at(`expected a number ${words} ${limit}`);
  };
  bound("minimum", (l) => value < l, ">=");
  bound("maximum", (l) => value > l, "<=");
  bound("exclusiveMinimum", (l) => value <= l, ">");
  bound("exclusiveMaximum", (l) => value >= l, "<");
  const step = schema.multipleOf;
  if (typeof step === "number" && step > 0 && !Number.isInteger(value / step)) {
    at(`expected a multiple of ${step}`);
  }
}

function checkArray(
  schema: Schema,
  value: unknown[],
  path: PropertyKey[],
  root: Schema,
  issues: SchemaIssue[],
  depth: number,
  at: (message: string) => void,
): void {
  if (typeof schema.minItems === "number" && value.length < schema.minItems) {
    at(`expected at least ${schema.minItems} items`);
  }
  if (typeof schema.maxItems === "number" && value.length > schema.maxItems) {
    at(`expected at most ${schema.maxItems} items`);
  }
  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
  value.forEach((item, index) => {
    const itemSchema = index < prefix.length ? prefix[index] : schema.items;
    check(itemSchema, item, [...path, index], root, issues, depth + 1);
  });
}

function checkObject(
  schema: Schema,
  value: Record<string, unknown>,
  path: PropertyKey[],
  root: Schema,
  issues: SchemaIssue[],
  depth: number,
  at: (message: string) => void,
): void {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  if (Array.isArray(schema.required)) {
    for (const key of schema.required) {
      if (typeof key === "string" && !Object.hasOwn(value, key)) at(`missing required property "${key}"`);
    }
  }
  for (const [key, item] of Object.entries(value)) {
    if (Object.hasOwn(properties, key)) {
      check(properties[key], item, [...path, key], root, issues, depth + 1);
    } else if (schema.additionalProperties === false) {
      issues.push(issue([...path, key], `unexpected property "${key}"`));
    } else if (isRecord(schema.additionalProperties)) {
      check(schema.additionalProperties, item, [...path, key], root, issues, depth + 1);
    }
  }
}
