import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { CONFORMANCE_DIR, recordedStatuses, replayableFiles } from "./replay.ts";
import { post, readSse, useDemoServer } from "./test-utils.ts";

const demo = useDemoServer();

const file = (name: string) => readFile(`${CONFORMANCE_DIR}${name}`);

describe("replay:<file>", () => {
  it("finds all 40 recordings and reads every error status from INDEX.md", async () => {
    expect(await replayableFiles()).toHaveLength(40);
    const statuses = await recordedStatuses();
    expect(Object.fromEntries(statuses)).toEqual({
      "13-azure-400-content-filter.json": 400,
      "18-openrouter-429-provider-error.json": 429,
      "24-groq-404-model-not-found.json": 404,
      "28-gemini-compat-tool-call-empty-id.json": 200,
      "29-ollama-nonstream-reasoning-tool-call.json": 200,
      "35-openai-401-invalid-api-key.json": 401,
      "36-openai-429-insufficient-quota.json": 429,
      "37-openai-500-server-error.json": 500,
      "38-openai-400-json-error-for-stream-request.json": 400,
      "39-cloudflare-502-json-numeric-code.json": 502,
      "40-nginx-502-html-behind-cloudflare.html": 502,
    });
  });

  it("streams a .sse recording byte for byte, paced per event", async () => {
    for (const name of [
      "01-openai-chat-text-include-usage.sse",
      "10-openai-legacy-function-call-cut-mid-line.sse",
    ]) {
      const res = await post(demo.url, "/chat/completions", {
        model: `replay:${name}`,
        messages: [],
        stream: true,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(await file(name));
    }
    // A Responses recording through /responses, with a delay: still the same bytes.
    const name = "32-openai-responses-text.sse";
    const res = await post(
      demo.url,
      "/responses",
      { model: `replay:${name}`, input: "x" },
      { "x-oaikit-delay": "2" },
    );
    expect(Buffer.from(await res.arrayBuffer())).toEqual(await file(name));
  });

  it("wraps a chat .jsonl as data: lines plus [DONE]", async () => {
    const name = "22-groq-tool-call-single-chunk-x-groq.jsonl";
    const lines = (await file(name))
      .toString("utf8")
      .split("\n")
      .filter((l) => l.trim() !== "");
    const res = await post(demo.url, "/chat/completions", { model: `replay:${name}`, messages: [] });
    const { events, raw } = await readSse(res);
    expect(events.map((e) => e.data)).toEqual([...lines, "[DONE]"]);
    expect(events.every((e) => e.event === undefined)).toBe(true);
    expect(raw).toBe(`${[...lines, "[DONE]"].map((l) => `data: ${l}\n\n`).join("")}`);
  });

  it("wraps a Responses .jsonl as event:/data: pairs without [DONE]", async () => {
    const name = "34-openai-responses-error-event-then-failed.jsonl";
    const lines = (await file(name))
      .toString("utf8")
      .split("\n")
      .filter((l) => l.trim() !== "");
    const { events, raw } = await readSse(
      await post(demo.url, "/responses", { model: `replay:${name}`, input: "x" }),
    );
    expect(raw).not.toContain("[DONE]");
    expect(events.map((e) => e.event)).toEqual([
      "response.created",
      "response.in_progress",
      "error",
      "response.failed",
    ]);
    expect(events.map((e) => e.data)).toEqual(lines);
  });

  it("returns JSON and HTML error recordings with their status and exact bytes", async () => {
    for (const [name, status, type] of [
      ["35-openai-401-invalid-api-key.json", 401, "application/json"],
      ["39-cloudflare-502-json-numeric-code.json", 502, "application/json"],
      ["40-nginx-502-html-behind-cloudflare.html", 502, "text/html; charset=utf-8"],
      ["28-gemini-compat-tool-call-empty-id.json", 200, "application/json"],
    ] as const) {
      const res = await post(demo.url, "/chat/completions", {
        model: `replay:${name}`,
        messages: [],
        stream: true,
      });
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toBe(type);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(await file(name));
    }
  });

  it("404s a file that is not in the corpus (and never leaves it)", async () => {
    for (const model of ["replay:nope.sse", "replay:../INDEX.md", "replay:INDEX.md"]) {
      const res = await post(demo.url, "/chat/completions", { model, messages: [] });
      expect(res.status).toBe(404);
      expect((await res.json()).error.message).toMatch(/No recorded file/);
    }
  });

  it("combines with a fault: a replay cut half-way", async () => {
    const name = "32-openai-responses-text.sse";
    const res = await post(
      demo.url,
      "/responses",
      { model: `replay:${name}`, input: "x" },
      { "x-oaikit-fault": "cut" },
    );
    const text = await res.text();
    const recorded = (await file(name)).toString("utf8");
    expect(recorded.startsWith(text)).toBe(true);
    expect(text.length).toBeLessThan(recorded.length);
    expect(text).not.toContain("response.completed");
  });
});
