import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { fileFromPath } from "../node.js";
import { request } from "./request.js";

const base = inject("testServerUrl");
let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "oaikit-http-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("@oaikit/core/node", () => {
  test("fileFromPath + setFile uploads the file: field name and filename are the base name (Astra)", async () => {
    const path = join(dir, "a.txt");
    await writeFile(path, "file on disk ✓");
    const file = await fileFromPath(path);
    expect(file.name).toBe("a.txt");
    expect(file.type).toBe("text/plain");
    const response = await request(`${base}/echo`).setMethod("POST").setFile(file).execute();
    const echo = (await response.body().json()) as { bodyBase64: string; contentTypes: string[] };
    const form = await new Response(Buffer.from(echo.bodyBase64, "base64"), {
      headers: { "content-type": echo.contentTypes[0]! },
    }).formData();
    const part = form.get("a.txt") as File;
    expect(part.name).toBe("a.txt");
    expect(part.type).toBe("text/plain");
    expect(await part.text()).toBe("file on disk ✓");
  });

  test("fileFromPath takes a type and a name, and rejects for a missing file", async () => {
    const path = join(dir, "blob");
    await writeFile(path, new Uint8Array([1, 2]));
    const file = await fileFromPath(path, { type: "application/x-custom", name: "renamed.bin" });
    expect(file.name).toBe("renamed.bin");
    expect(file.type).toBe("application/x-custom");
    expect([...new Uint8Array(await file.arrayBuffer())]).toEqual([1, 2]);
    await expect(fileFromPath(join(dir, "missing.txt"))).rejects.toMatchObject({ code: "ENOENT" });
    await expect(fileFromPath("")).rejects.toBeInstanceOf(TypeError);
  });

  test("duplicate Set-Cookie headers: joined in headers(), separate through raw.headers.getSetCookie()", async () => {
    const response = await request(`${base}/dup-headers`).execute();
    expect(response.headers()["set-cookie"]).toBe("a=1, b=2");
    expect(response.raw.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
  });

  test("the main entry's HTTP files import no node: module", async () => {
    const httpDir = new URL(".", import.meta.url);
    for (const name of await readdir(httpDir)) {
      if (!name.endsWith(".ts") || name.includes(".test.")) continue;
      const source = await readFile(new URL(name, httpDir), "utf8");
      expect(source, name).not.toMatch(/from "node:|import\("node:|\bBuffer\b|\bprocess\./);
    }
  });
});
