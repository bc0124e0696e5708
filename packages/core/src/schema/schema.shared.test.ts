// Schemas for structured outputs and tools: the JSON Schema each library gives (made strict), the
// validation through the library or, for a plain JSON Schema, through json-schema.ts. Node and Chromium.
import { toStandardJsonSchema } from "@valibot/to-json-schema";
import { type } from "arktype";
import * as v from "valibot";
import { describe, expect, test } from "vitest";
import * as z from "zod";
import { validateJsonSchema } from "./json-schema.js";
import { jsonSchema, resolveSchema, strictSchema } from "./standard.js";

const where = "test: schema";

describe("resolveSchema", () => {
  test("zod, valibot and arktype give the same strict JSON Schema for the same shape", () => {
    const shapes = [
      z.object({ city: z.string(), days: z.number().optional() }),
      toStandardJsonSchema(v.object({ city: v.string(), days: v.optional(v.number()) })),
      type({ city: "string", "days?": "number" }),
    ];
    for (const shape of shapes) {
      const { json } = resolveSchema(shape, true, where);
      expect(json).toEqual({
        type: "object",
        properties: { city: { type: "string" }, days: { type: "number" } },
        required: ["city", "days"],
        additionalProperties: false,
      });
    }
    // strict: false sends the library's schema, less its dialect.
    expect(resolveSchema(shapes[0], false, where).json).toMatchObject({ required: ["city"] });
    expect(resolveSchema(shapes[0], false, where).json.$schema).toBeUndefined();
  });

  test("validation goes through the library (its transforms included) and reports plain paths", async () => {
    const schema = resolveSchema(
      z.object({ at: z.string().transform((s) => s.length), list: z.array(z.number()) }),
      true,
      where,
    );
    expect(await schema.validate({ at: "abc", list: [1] })).toEqual({ value: { at: 3, list: [1] } });
    const failed = await schema.validate({ at: "abc", list: [1, "x"] });
    expect(failed).toMatchObject({ issues: [{ path: ["list", 1] }] });
  });

  test("a plain JSON Schema, or jsonSchema<T>(...), is validated by json-schema.ts", async () => {
    const plain = { type: "object", properties: { n: { type: "integer" } }, required: ["n"] };
    const schema = resolveSchema(plain, true, where);
    expect(await schema.validate({ n: 2 })).toEqual({ value: { n: 2 } });
    expect(await schema.validate({ n: 2.5 })).toEqual({
      issues: [{ message: "expected integer, got number", path: ["n"] }],
    });
    const typed = jsonSchema<{ n: number }>(plain);
    expect(typed["~standard"].validate?.({ n: "x" })).toMatchObject({ issues: [{ path: ["n"] }] });
  });

  test("what cannot be used is a TypeError that says what to do", () => {
    expect(() => resolveSchema("object", true, where)).toThrow(/must be a schema/);
    expect(() => resolveSchema(v.string(), true, where)).toThrow(/toStandardJsonSchema/);
    expect(() => resolveSchema(z.map(z.string(), z.number()), true, where)).toThrow(/no JSON form/);
    expect(() => jsonSchema(z.string() as never)).toThrow(/plain JSON Schema/);
  });
});

describe("strictSchema", () => {
  test("closes every object, at every depth, through $defs, anyOf and items", () => {
    const strict = strictSchema({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        list: { type: "array", items: { type: "object", properties: { a: { type: "string" } } } },
        either: { anyOf: [{ $ref: "#/$defs/Node" }, { type: "null" }] },
      },
      $defs: { Node: { type: "object", properties: { next: { type: "string" } } } },
    });
    expect(strict).toEqual({
      type: "object",
      properties: {
        list: {
          type: "array",
          items: {
            type: "object",
            properties: { a: { type: "string" } },
            required: ["a"],
            additionalProperties: false,
          },
        },
        either: { anyOf: [{ $ref: "#/$defs/Node" }, { type: "null" }] },
      },
      $defs: {
        Node: {
          type: "object",
          properties: { next: { type: "string" } },
          required: ["next"],
          additionalProperties: false,
        },
      },
      required: ["list", "either"],
      additionalProperties: false,
    });
  });
});

describe("validateJsonSchema (the keywords of strict mode)", () => {
  const root = {
    type: "object",
    properties: {
      kind: { enum: ["a", "b"] },
      fixed: { const: 1 },
      name: { type: "string", minLength: 2, maxLength: 4, pattern: "^[a-z]+$" },
      score: { type: "number", minimum: 0, exclusiveMaximum: 10, multipleOf: 0.5 },
      maybe: { type: ["string", "null"] },
      pair: {
        type: "array",
        prefixItems: [{ type: "string" }, { type: "number" }],
        minItems: 2,
        maxItems: 2,
      },
      tree: { $ref: "#/$defs/Tree" },
      pick: { oneOf: [{ type: "string" }, { type: "number" }] },
    },
    required: ["kind", "fixed", "name", "score", "maybe", "pair", "tree", "pick"],
    additionalProperties: false,
    $defs: {
      Tree: {
        type: "object",
        properties: { children: { type: "array", items: { $ref: "#/$defs/Tree" } } },
        required: ["children"],
        additionalProperties: false,
      },
    },
  };
  const good = {
    kind: "a",
    fixed: 1,
    name: "abc",
    score: 9.5,
    maybe: null,
    pair: ["x", 1],
    tree: { children: [{ children: [] }] },
    pick: "s",
  };

  test("a matching value has no issue", () => {
    expect(validateJsonSchema(root, good)).toEqual([]);
  });

  test("each keyword reports its issue at its path", () => {
    const bad = {
      kind: "c",
      fixed: 2,
      name: "ABCDE",
      score: 10,
      maybe: 3,
      pair: ["x"],
      tree: { children: [{ kids: [] }] },
      pick: true,
      extra: 1,
    };
    const issues = validateJsonSchema(root, bad).map((i) => `${(i.path ?? []).join(".")}: ${i.message}`);
    expect(issues).toEqual([
      'kind: expected one of ["a","b"]',
      "fixed: expected 1",
      "name: expected at most 4 characters",
      "name: expected a string matching /^[a-z]+$/",
      "score: expected a number < 10",
      "maybe: expected string or null, got number",
      "pair: expected at least 2 items",
      'tree.children.0: missing required property "children"',
      'tree.children.0.kids: unexpected property "kids"',
      "pick: expected a value matching exactly one of 2 schemas",
      'extra: unexpected property "extra"',
    ]);
  });
});
