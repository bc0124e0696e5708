import { describe, expect, it } from "vitest";
import { msg, texts, world } from "../../test/sync-world.js";

describe("sync handler", () => {
  it("answers 401 with nothing revealed for a missing or wrong token", async () => {
    const { handler } = world();
    for (const auth of [undefined, "Bearer nope", "Basic tok-alice"]) {
      const response = await handler(
        new Request("http://sync.test/sessions", { headers: auth ? { authorization: auth } : {} }),
      );
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
      expect(await response.json()).toEqual({
        error: { code: "unauthorized", message: "Missing or invalid credentials." },
      });
    }
  });

  it("keeps users apart: another user's token cannot list, read, write or delete", async () => {
    const { device } = world();
    const alice = device("tok-alice");
    await alice.remote.commit("private", { create: { kind: "chat" }, append: [msg("secret", 1)] });
    const bob = device("tok-bob");
    expect(await bob.remote.list()).toEqual([]);
    expect(await bob.remote.load("private")).toBeUndefined();
    // Bob's write and delete land in Bob's own store; Alice's session is untouched.
    await bob.remote.commit("private", { create: { kind: "chat" }, append: [msg("bob was here", 2)] });
    await bob.remote.delete("private");
    expect(await bob.remote.load("private")).toBeUndefined();
    expect(texts(await alice.remote.load("private"))).toEqual(["secret"]);
    // The same user on another token (a second device) sees it.
    expect(texts(await device("tok-alice-2").remote.load("private"))).toEqual(["secret"]);
  });

  it("answers CORS preflights and refuses malformed pushes with 400", async () => {
    const { handler } = world();
    const pre = await handler(new Request("http://sync.test/sessions/x/push", { method: "OPTIONS" }));
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-headers")).toContain("authorization");
    const bad = await handler(
      new Request("http://sync.test/sessions/x/push", {
        method: "POST",
        headers: { authorization: "Bearer tok-alice" },
        body: JSON.stringify({ base: null, append: [{ status: "nope" }] }),
      }),
    );
    expect(bad.status).toBe(400);
  });
});
