// The live view's default pace in a browser: while a reply streams, listeners hear of it at most once
// per animation frame (requestAnimationFrame), however many chunks arrive in between.
import { expect, inject, it } from "vitest";
import { ChatSession, type ChatSnapshot, createClient } from "../index.js";

it("notifies at most once per animation frame while a reply streams", async () => {
  const server = inject("testServerUrl");
  const words = Array.from({ length: 300 }, (_, i) => `w${i} `);
  const res = await fetch(`${server}/scenarios`, {
    method: "POST",
    body: JSON.stringify({ words: { words, delayMs: 0 } }),
  });
  const { basePath } = (await res.json()) as { basePath: string };
  const chat = new ChatSession(createClient(undefined, { baseURL: `${server}${basePath}` }));
  let frames = 0;
  let counting = true;
  const tick = () => {
    frames++;
    if (counting) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const heard: ChatSnapshot[] = [];
  const unsubscribe = chat.subscribe(() => heard.push(chat.getSnapshot()));
  let chunks = 0;
  await chat.send("Hello", () => chunks++);
  await new Promise((resolve) => requestAnimationFrame(resolve));
  counting = false;
  unsubscribe();
  const chunkNotifications = heard.filter((s) => s.pending !== null).length;
  expect(chunks).toBe(300);
  expect(chunkNotifications).toBeLessThanOrEqual(frames + 1);
  expect(heard.at(-1)?.status).toBe("ready");
});
