import { createRemoteStore } from "@oaikit/sessions/sync";
import { describe, expect, it } from "vitest";
import { DEMO_SYNC_TOKEN } from "./sync.ts";
import { useDemoServer } from "./test-utils.ts";

const server = useDemoServer();
const body = (content: string) => ({
  status: "complete" as const,
  at: 1,
  item: { role: "user" as const, content },
});

describe("demo server /sync", () => {
  it("serves the sync protocol with the demo token, streams change notices, and refuses other tokens", async () => {
    const url = `${server.url}/sync`;
    const events = await fetch(`${url}/events`, { headers: { authorization: `Bearer ${DEMO_SYNC_TOKEN}` } });
    expect(events.headers.get("content-type")).toBe("text/event-stream");
    const reader = events.body!.getReader();
    const remote = createRemoteStore({ url, token: DEMO_SYNC_TOKEN });
    await remote.commit("demo-1", { create: { kind: "chat", title: "Hi" }, append: [body("hello")] });
    expect((await remote.list()).map((h) => h.id)).toContain("demo-1");
    expect(
      (await remote.load("demo-1"))?.records.map((r) => (r.item as { content: string }).content),
    ).toEqual(["hello"]);
    let text = "";
    while (!text.includes('"id":"demo-1"')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain('event: change\ndata: {"id":"demo-1","revision":1}');
    await reader.cancel();
    const refused = await fetch(`${url}/sessions`, { headers: { authorization: "Bearer nope" } });
    expect(refused.status).toBe(401);
    await expect(createRemoteStore({ url, token: "nope" }).list()).rejects.toMatchObject({ status: 401 });
  });
});
