import { crc32, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { payloads, post, readSse, useDemoServer } from "./test-utils.ts";

const demo = useDemoServer();

describe("models, completions, embeddings, moderations, images", () => {
  it("lists models", async () => {
    const body = await (await fetch(`${demo.url}/v1/models`)).json();
    expect(body.object).toBe("list");
    expect(body.data.map((m: { id: string }) => m.id)).toContain("oaikit-local");
    expect(body.data[0]).toMatchObject({ object: "model", owned_by: "oaikit" });
    const one = await (await fetch(`${demo.url}/v1/models/gpt-4.1`)).json();
    expect(one).toMatchObject({ id: "gpt-4.1", object: "model" });
  });

  it("completes legacy text prompts, as JSON and as a stream with a usage chunk", async () => {
    const json = await (
      await post(demo.url, "/completions", { model: "m", prompt: "Once upon a time" })
    ).json();
    expect(json).toMatchObject({ object: "text_completion", choices: [{ index: 0, finish_reason: "stop" }] });
    const text: string = json.choices[0].text;
    expect(text.length).toBeGreaterThan(10);
    const res = await post(demo.url, "/completions", {
      model: "m",
      prompt: "Once upon a time",
      stream: true,
      stream_options: { include_usage: true },
    });
    const { events } = await readSse(res);
    expect(events.at(-1)!.data).toBe("[DONE]");
    const chunks = payloads<{ object: string; choices: { text: string }[]; usage: unknown }>(events);
    expect(chunks.every((c) => c.object === "text_completion")).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.text ?? "").join("")).toBe(text);
    expect(chunks.at(-1)!.usage).toEqual(json.usage);
  });

  it("embeds deterministically: unit vectors, 16 dimensions by default, `dimensions` and base64 honoured", async () => {
    const a = await (
      await post(demo.url, "/embeddings", { model: "e", input: ["cat", "dog", "cat"] })
    ).json();
    expect(a.object).toBe("list");
    const [cat, dog, cat2] = a.data.map((d: { embedding: number[] }) => d.embedding);
    expect(cat).toHaveLength(16);
    expect(cat).toEqual(cat2);
    expect(cat).not.toEqual(dog);
    expect(Math.hypot(...cat)).toBeCloseTo(1, 4);
    expect(a.data.map((d: { index: number }) => d.index)).toEqual([0, 1, 2]);
    const small = await (
      await post(demo.url, "/embeddings", { model: "e", input: "cat", dimensions: 4 })
    ).json();
    expect(small.data[0].embedding).toHaveLength(4);
    const b64 = await (
      await post(demo.url, "/embeddings", { model: "e", input: "cat", encoding_format: "base64" })
    ).json();
    const raw = Buffer.from(b64.data[0].embedding, "base64");
    const floats = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    expect([...floats].map((v) => Math.round(v * 1e4))).toEqual(cat.map((v: number) => Math.round(v * 1e4)));
    const bad = await post(demo.url, "/embeddings", { model: "e" });
    expect(bad.status).toBe(400);
  });

  it("moderates: flags violent text only", async () => {
    const body = await (
      await post(demo.url, "/moderations", { input: ["I will attack you", "Have a nice day"] })
    ).json();
    expect(body.id).toMatch(/^modr-/);
    expect(body.results[0].flagged).toBe(true);
    expect(body.results[0].categories.violence).toBe(true);
    expect(body.results[1].flagged).toBe(false);
    expect(Object.keys(body.results[1].category_scores)).toContain("self-harm/intent");
  });

  it("generates a tiny valid PNG as b64_json", async () => {
    const body = await (await post(demo.url, "/images/generations", { prompt: "a red fox", n: 2 })).json();
    expect(body.data).toHaveLength(2);
    const png = Buffer.from(body.data[0].b64_json, "base64");
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // Walk the chunks: each CRC must match, IHDR says 8×8 RGB, IDAT inflates to 8 rows of 1 + 24 bytes.
    let offset = 8;
    const types: string[] = [];
    let idat = Buffer.alloc(0);
    while (offset < png.length) {
      const length = png.readUInt32BE(offset);
      const type = png.toString("latin1", offset + 4, offset + 8);
      const data = png.subarray(offset + 8, offset + 8 + length);
      expect(png.readUInt32BE(offset + 8 + length)).toBe(
        crc32(png.subarray(offset + 4, offset + 8 + length)),
      );
      if (type === "IHDR")
        expect([data.readUInt32BE(0), data.readUInt32BE(4), data[8], data[9]]).toEqual([8, 8, 8, 2]);
      if (type === "IDAT") idat = Buffer.concat([idat, data]);
      types.push(type);
      offset += 12 + length;
    }
    expect(types).toEqual(["IHDR", "IDAT", "IEND"]);
    expect(inflateSync(idat)).toHaveLength(8 * 25);
    expect(body.data[1].b64_json).not.toBe(body.data[0].b64_json);
    const missing = await post(demo.url, "/images/generations", {});
    expect(missing.status).toBe(400);
  });
});

describe("files", () => {
  it("uploads multipart/form-data (binary bytes, an awkward filename), lists, reads and deletes", async () => {
    const bytes = new Uint8Array(300).map((_, i) => (i * 7) & 0xff); // includes \r\n and -- sequences
    bytes.set([13, 10, 45, 45], 100);
    const name = 'notes "draft"; é.bin';
    const form = new FormData();
    form.append("purpose", "user_data");
    form.append("file", new File([bytes], name, { type: "application/octet-stream" }));
    const up = await fetch(`${demo.url}/v1/files`, { method: "POST", body: form });
    expect(up.status).toBe(200);
    const file = await up.json();
    expect(file).toMatchObject({
      object: "file",
      bytes: 300,
      filename: name,
      purpose: "user_data",
      status: "processed",
    });
    expect(file.id).toMatch(/^file-/);

    const list = await (await fetch(`${demo.url}/v1/files`)).json();
    expect(list.object).toBe("list");
    expect(list.data.map((f: { id: string }) => f.id)).toContain(file.id);
    expect((await (await fetch(`${demo.url}/v1/files?purpose=batch`)).json()).data).toEqual([]);
    expect(await (await fetch(`${demo.url}/v1/files/${file.id}`)).json()).toEqual(file);
    const content = new Uint8Array(
      await (await fetch(`${demo.url}/v1/files/${file.id}/content`)).arrayBuffer(),
    );
    expect(content).toEqual(bytes);

    const del = await fetch(`${demo.url}/v1/files/${file.id}`, { method: "DELETE" });
    expect(await del.json()).toEqual({ id: file.id, object: "file", deleted: true });
    const gone = await fetch(`${demo.url}/v1/files/${file.id}`);
    expect(gone.status).toBe(404);
  });

  it("parses a hand-written multipart body with a quoted boundary and CRLFs inside the file", async () => {
    const body =
      '--my boundary\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n' +
      '--my boundary\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--my\r\n' +
      "--my boundary--\r\n";
    const res = await fetch(`${demo.url}/v1/files`, {
      method: "POST",
      headers: { "content-type": 'multipart/form-data; boundary="my boundary"' },
      body,
    });
    expect(res.status).toBe(200);
    const file = await res.json();
    expect(file).toMatchObject({ filename: "a.txt", bytes: 11, purpose: "assistants" });
    const content = await (await fetch(`${demo.url}/v1/files/${file.id}/content`)).text();
    expect(content).toBe("hello\r\n--my");
  });

  it("rejects uploads without a file, without a purpose, or not multipart", async () => {
    const noFile = new FormData();
    noFile.append("purpose", "user_data");
    const a = await fetch(`${demo.url}/v1/files`, { method: "POST", body: noFile });
    expect(a.status).toBe(400);
    expect((await a.json()).error.param).toBe("file");
    const noPurpose = new FormData();
    noPurpose.append("file", new File(["x"], "x.txt"));
    const b = await fetch(`${demo.url}/v1/files`, { method: "POST", body: noPurpose });
    expect((await b.json()).error.param).toBe("purpose");
    const c = await post(demo.url, "/files", { file: "x" });
    expect(c.status).toBe(400);
    expect((await c.json()).error.message).toMatch(/expected multipart\/form-data/);
  });
});
