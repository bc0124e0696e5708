import { expect, type Page, test } from "@playwright/test";
import { servePage } from "../test/page.ts";

// The page (test/page.ts) bundles @oaikit/sessions, idb-keyval and the core client onto `window`
// and `openIt(id, options)` (openChatSession with a client of that origin) onto `window`; the API on the
// same origin streams a slow reply.
type Served = { url: string; close: () => Promise<void> };
let served: Served;
test.beforeAll(async () => {
  served = await servePage({ words: 60, delayMs: 50 });
});
test.afterAll(async () => {
  await served.close();
});

/** What the page puts on `window`, as far as these tests use it (typed once: the callbacks run in the page). */
interface PageGlobals {
  openIt(
    id: string,
    extra?: { partialWriteIntervalMs?: number },
  ): Promise<{
    messages: { role: string; content: string }[];
    appendMessage(message: unknown): void;
    send(text: string, onChunk: () => void): Promise<unknown>;
    flush(): Promise<void>;
    onChange(listener: () => void): () => void;
    messageState(index: number): unknown;
    close(): Promise<void>;
  }>;
  sessions: {
    listSessions(): Promise<unknown[]>;
    defaultStore(): {
      load(id: string): Promise<
        | {
            header: { count: number; revision: number };
            records: { seq: number; status: string; item: { content: string } }[];
          }
        | undefined
      >;
    };
  };
}

const ready = () => (globalThis as { ready?: boolean }).ready === true;

async function open(page: Page) {
  await page.goto(served.url);
  await page.waitForFunction(ready);
}

async function reload(page: Page) {
  await page.reload();
  await page.waitForFunction(ready);
}

test("a session persists across reloads", async ({ page }) => {
  await open(page);
  await page.evaluate(async () => {
    const g = globalThis as never as PageGlobals;
    const chat = await g.openIt("persist");
    chat.appendMessage({ role: "system", content: "Be brief." });
    await chat.send("Hello", () => {});
    await chat.close();
  });
  await reload(page);
  const after = await page.evaluate(async () => {
    const g = globalThis as never as PageGlobals;
    const chat = await g.openIt("persist");
    return { messages: chat.messages, list: await g.sessions.listSessions() };
  });
  expect(after.messages.map((m) => m.role)).toEqual(["system", "user", "assistant"]);
  expect(after.messages[2]!.content).toMatch(/^w0 w1 .* w59 $/);
  expect(after.list).toEqual([
    expect.objectContaining({ id: "persist", title: "Hello", messageCount: 3, kind: "chat" }),
  ]);
});

test("two tabs appending 200 messages each to one session lose nothing, and hear of each other", async ({
  context,
}) => {
  const pages = [await context.newPage(), await context.newPage()];
  for (const page of pages) await open(page);
  const runs = pages.map((page, tab) =>
    page.evaluate(
      async ({ tab }) => {
        const g = globalThis as never as PageGlobals;
        const chat = await g.openIt("shared");
        let heard = 0;
        chat.onChange(() => heard++);
        for (let i = 0; i < 200; i++) {
          chat.appendMessage({ role: "user", content: `tab${tab}-${i}` });
          // Flush every few messages so the two tabs' transactions interleave.
          if (i % 3 === 0) await chat.flush();
          if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1));
        }
        await chat.flush();
        await new Promise((r) => setTimeout(r, 300));
        await chat.close();
        return heard;
      },
      { tab },
    ),
  );
  const heard = await Promise.all(runs);
  // Each tab heard (through BroadcastChannel) of at least some of the other's commits.
  expect(heard[0]).toBeGreaterThan(0);
  expect(heard[1]).toBeGreaterThan(0);
  const stored = await pages[0]!.evaluate(async () => {
    const g = globalThis as never as PageGlobals;
    const s = (await g.sessions.defaultStore().load("shared"))!;
    return {
      count: s.header.count,
      seqs: s.records.map((r) => r.seq),
      contents: s.records.map((r) => r.item.content),
    };
  });
  expect(stored.count).toBe(400);
  expect(new Set(stored.seqs).size).toBe(400);
  for (const tab of [0, 1]) {
    // Every message of each tab is there, in that tab's order.
    expect(stored.contents.filter((c) => c.startsWith(`tab${tab}-`))).toEqual(
      Array.from({ length: 200 }, (_, i) => `tab${tab}-${i}`),
    );
  }
});

test("a reload in the middle of a streamed reply shows the partial reply marked incomplete", async ({
  page,
}) => {
  await open(page);
  // Start a long streamed reply (60 words, 50 ms apart) and reload once part of it is stored.
  await page.evaluate(async () => {
    const g = globalThis as never as PageGlobals;
    const chat = await g.openIt("midstream", { partialWriteIntervalMs: 100 });
    chat.send("Tell me a long story", () => {}).catch(() => {});
  });
  // Poll from the test side (page.waitForFunction does not await an async predicate).
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const g = globalThis as never as PageGlobals;
          const reply = (await g.sessions.defaultStore().load("midstream"))?.records[1];
          return reply?.status === "partial" ? (reply.item.content?.length ?? 0) : 0;
        }),
      { timeout: 10_000 },
    )
    .toBeGreaterThan(20);
  await reload(page);
  const after = await page.evaluate(async () => {
    const g = globalThis as never as PageGlobals;
    const chat = await g.openIt("midstream");
    return { messages: chat.messages, state: chat.messageState(1) };
  });
  expect(after.messages[0]).toEqual({ role: "user", content: "Tell me a long story" });
  expect(after.messages[1]!.role).toBe("assistant");
  expect(after.messages[1]!.content).toMatch(/^w0 w1 /);
  expect(after.messages[1]!.content).not.toMatch(/w59/);
  expect(after.state).toEqual({ status: "incomplete", reason: "interrupted" });
});

test("pagehide flushes a streaming reply that the throttle had not written yet", async ({ page }) => {
  await open(page);
  await page.evaluate(async () => {
    const g = globalThis as never as PageGlobals;
    // A throttle longer than the test: only pagehide (or the end of the stream) can write the partial reply.
    const chat = await g.openIt("hide", { partialWriteIntervalMs: 60_000 });
    chat.send("Go", () => {}).catch(() => {});
    await new Promise((r) => setTimeout(r, 800));
  });
  await reload(page);
  const reply = await page.evaluate(async () => {
    const g = globalThis as never as PageGlobals;
    return (await g.sessions.defaultStore().load("hide"))?.records[1];
  });
  expect(reply?.status).toBe("partial");
  expect(reply?.item.content).toMatch(/^w0 w1 w2 /);
});
