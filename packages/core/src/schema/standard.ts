/**
 * Schemas for structured outputs and tools, accepted structurally: any Standard Schema that also
 * implements Standard JSON Schema (zod ≥ 4.2, arktype ≥ 2.1.28, valibot through
 * `toStandardJsonSchema()` from `@valibot/to-json-schema`), or a plain JSON Schema. The interfaces
 * below are the parts of the specs (standardschema.dev, `@standard-schema/spec` 1.1) this module
 * reads; nothing here imports a schema library.
 */
import type { SchemaIssue } from "../errors/errors.js";
import { describeValue, isRecord } from "../utils/checks.js";
import { validateJsonSchema } from "./json-schema.js";

/** A plain JSON Schema object (`{ type: "object", properties: { ... } }`). */
export type JsonSchema = Record<string, unknown>;

/** What a Standard Schema's `validate` returns: the value, or the issues. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string;
        readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
      }>;
    };

/** The `~standard` properties this module reads (Standard Schema and Standard JSON Schema, v1). */
export interface StandardProps<Input = unknown, Output = Input> {
  readonly version: 1;
  readonly vendor: string;
  /** Standard Schema: validates a value. */
  readonly validate?: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
  /** Standard JSON Schema: converts the schema to JSON Schema. */
  readonly jsonSchema?: {
    readonly input: (options: { readonly target: string }) => Record<string, unknown>;
    readonly output: (options: { readonly target: string }) => Record<string, unknown>;
  };
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
}

/** A schema object of a Standard Schema library (zod, valibot, arktype, ...). */
export interface StandardSchemaLike<Input = unknown, Output = Input> {
  readonly "~standard": StandardProps<Input, Output>;
}

/** What `schema` / `parameters` accept: a Standard (JSON) Schema, or a plain JSON Schema. */
export type SchemaInput = StandardSchemaLike | JsonSchema;

/** The type a schema validates to: its Standard Schema output type, `unknown` for a plain JSON Schema. */
export type InferSchema<S> = S extends { readonly "~standard": { readonly types?: infer Types } }
  ? NonNullable<Types> extends { readonly output: infer Output }
    ? Output
    : unknown
  : unknown;

/**
 * A plain JSON Schema with a TypeScript type attached, for typed results without a schema library:
 * `jsonSchema<Weather>({ type: "object", ... })`. Answers are validated against the schema (the
 * keywords of OpenAI's strict mode: type, properties, required, additionalProperties, items,
 * prefixItems, enum, const, anyOf/oneOf/allOf, $ref into $defs, and the string, number and array
 * bounds); other keywords are sent but not checked here.
 */
export function jsonSchema<T>(schema: JsonSchema): StandardSchemaLike<T, T> {
  if (!isRecord(schema) || "~standard" in schema) {
    throw new TypeError(
      `jsonSchema(schema): schema must be a plain JSON Schema object (got ${describeValue(schema)}).`,
    );
  }
  return {
    "~standard": {
      version: 1,
      vendor: "oaikit",
      validate: (value) => {
        const issues = validateJsonSchema(schema, value);
        return issues.length ? { issues } : { value: value as T };
      },
      jsonSchema: { input: () => schema, output: () => schema },
    },
  };
}

/** A schema made ready for a request: its JSON Schema and its validator. */
export interface ResolvedSchema {
  /** The JSON Schema to send (strict: every object closed and every property required). */
  json: JsonSchema;
  /** Validates a decoded value: the (possibly transformed) value, or the issues. */
  validate(value: unknown): Promise<{ value: unknown } | { issues: SchemaIssue[] }>;
}

/**
 * Reads a schema once. `where` names the option in error messages (`parseResponse: schema`).
 * Standard JSON Schema conversion is asked for draft 2020-12 (what OpenAI documents), then draft-07
 * for a library that only speaks that.
 */
export function resolveSchema(schema: unknown, strict: boolean, where: string): ResolvedSchema {
  if (!isRecord(schema) && typeof schema !== "function") {
    throw new TypeError(
      `${where} must be a schema: a Standard Schema (zod, valibot, arktype) or a JSON Schema object (got ${describeValue(schema)}).`,
    );
  }
  const props = (schema as Partial<StandardSchemaLike>)["~standard"];
  let json: JsonSchema;
  let validate: StandardProps["validate"];
  if (props === undefined) {
    json = schema as JsonSchema;
  } else {
    if (!isRecord(props) || props.version !== 1) {
      throw new TypeError(`${where}: \`~standard\` is not a Standard Schema v1 (no \`version: 1\`).`);
    }
    if (!props.jsonSchema || typeof props.jsonSchema.input !== "function") {
      throw new TypeError(
        `${where}: this ${String(props.vendor)} schema cannot give its JSON Schema (no \`~standard.jsonSchema\`). ` +
          "Use zod ≥ 4.2 or arktype ≥ 2.1.28, wrap a valibot schema with toStandardJsonSchema() from " +
          "@valibot/to-json-schema, or pass a plain JSON Schema (jsonSchema<T>(...) for a typed result).",
      );
    }
    json = convert(props.jsonSchema.input, where);
    validate = typeof props.validate === "function" ? props.validate.bind(props) : undefined;
  }
  const sent = strict ? strictSchema(json) : withoutDialect(json);
  return {
    json: sent,
    async validate(value) {
      if (!validate) {
        const issues = validateJsonSchema(json, value);
        return issues.length ? { issues } : { value };
      }
      const result = await validate(value);
      if (result.issues) return { issues: result.issues.map(plainIssue) };
      return { value: result.value };
    },
  };
}

function convert(input: (options: { target: string }) => Record<string, unknown>, where: string): JsonSchema {
  let first: unknown;
  for (const target of ["draft-2020-12", "draft-07"]) {
    try {
      const json = input({ target });
      if (isRecord(json)) return json;
    } catch (error) {
      first ??= error;
    }
  }
  throw new TypeError(
    `${where}: the schema library could not convert this schema to JSON Schema (${first instanceof Error ? first.message : "no object returned"}). ` +
      "Types such as dates, maps or transforms have no JSON form: describe the JSON the model should write.",
    { cause: first },
  );
}

/** A Standard Schema issue with its path as plain keys (the spec allows `{ key }` segments). */
function plainIssue(issue: {
  message: string;
  path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}): SchemaIssue {
  const path = issue.path?.map((segment) => (isRecord(segment) ? segment.key : segment)) as PropertyKey[];
  return path?.length ? { message: String(issue.message), path } : { message: String(issue.message) };
}

function withoutDialect(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

/** Keywords whose value is one subschema, a list of them, or a map of them. */
const ONE = ["items", "not", "additionalProperties", "contains", "if", "then", "else"];
const LIST = ["anyOf", "oneOf", "allOf", "prefixItems"];
const MAP = ["properties", "$defs", "definitions", "patternProperties"];

/**
 * The schema as OpenAI's strict mode wants it (a copy): every object lists all of its properties in
 * `required` and sets `additionalProperties: false` unless it says otherwise. An optional field thus
 * becomes one the model always fills: make it nullable (`.nullable()`) to let the model leave it
 * empty, or pass `strict: false` to send the schema as it is.
 */
export function strictSchema(schema: JsonSchema): JsonSchema {
  return strictNode(withoutDialect(schema)) as JsonSchema;
}

function strictNode(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictNode);
  if (!isRecord(node)) return node;
  const out: Record<string, unknown> = { ...node };
  for (const key of ONE) if (isRecord(out[key])) out[key] = strictNode(out[key]);
  for (const key of LIST) if (Array.isArray(out[key])) out[key] = strictNode(out[key]);
  for (const key of MAP) {
    const map = out[key];
    if (isRecord(map)) out[key] = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, strictNode(v)]));
  }
  const isObject = out.type === "object" || (Array.isArray(out.type) && out.type.includes("object"));
  if (isObject || isRecord(out.properties)) {
    const properties = isRecord(out.properties) ? out.properties : {};
    out.properties = properties;
    out.required = Object.keys(properties);
    out.additionalProperties ??= false;
  }
  return out;
}
