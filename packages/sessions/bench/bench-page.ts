// Runs in Chromium (bundled by run.mjs): append latency and open time, durable layout vs the naive one.
import { OpenAI } from "@oaikit/core";
import { createStore, get, set } from "idb-keyval";
import { createIndexedDbStore, openChatSession, type RecordBody, type SessionStore } from "../src/index.js";

const LENGTHS = [10, 1_000, 10_000];
const APPENDS = 40;
const OPENS = 7;
// About the size of a short chat turn.
const TEXT = "The quick brown fox jumps over the lazy dog. ".repeat(4);
const message = (i: number) => ({ role: i % 2 ? "assistant" : "user", content: `${i}: ${TEXT}` }) as const;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const stats = (xs: number[]) => ({ median: median(xs), max: Math.max(...xs) });

/** Stores session "s" with `length` complete messages (in commits of 2,000). */
async function seed(store: SessionStore, length: number) {
  const bodies: RecordBody[] = Array.from({ length }, (_, i) => ({
    status: "complete",
    at: i,
    item: message(i),
  }));
  for (let i = 0; i < bodies.length; i += 2_000) {
    await store.commit("s", { create: { kind: "chat" }, append: bodies.slice(i, i + 2_000) });
  }
}

async function durableAppend(length: number) {
  const store = createIndexedDbStore({ dbName: `bench-durable-${length}-${Date.now()}` });
  await seed(store, length);
  const client = new OpenAI("sk-bench", { baseURL: `${location.origin}/v1` });
  const chat = await openChatSession(client, { id: "s", store });
  const times: number[] = [];
  for (let i = 0; i < APPENDS + 5; i++) {
    const t = performance.now();
    chat.appendMessage(message(length + i));
    await chat.flush();
    if (i >= 5) times.push(performance.now() - t);
  }
  await chat.close();
  return stats(times);
}

async function naiveAppend(length: number) {
  const kv = createStore(`bench-naive-${length}-${Date.now()}`, "kv");
  await set(
    "s",
    Array.from({ length }, (_, i) => message(i)),
    kv,
  );
  const times: number[] = [];
  for (let i = 0; i < APPENDS + 5; i++) {
    const t = performance.now();
    const history = ((await get("s", kv)) ?? []) as unknown[];
    history.push(message(length + i));
    await set("s", history, kv);
    if (i >= 5) times.push(performance.now() - t);
  }
  return stats(times);
}

async function opens(length: number) {
  const dbName = `bench-open-${Date.now()}`;
  const store = createIndexedDbStore({ dbName });
  await seed(store, length);
  const client = new OpenAI("sk-bench", { baseURL: `${location.origin}/v1` });
  const durable: number[] = [];
  for (let i = 0; i < OPENS; i++) {
    // A new store object each time: the open includes connecting to the database.
    const fresh = createIndexedDbStore({ dbName });
    const t = performance.now();
    const chat = await openChatSession(client, { id: "s", store: fresh });
    durable.push(performance.now() - t);
    if (chat.messages.length !== length) throw new Error(`opened ${chat.messages.length} messages`);
    await chat.close();
  }
  // The storage part alone (the rest of an open is building the core session from 10,000 messages).
  const loads: number[] = [];
  for (let i = 0; i < OPENS; i++) {
    const fresh = createIndexedDbStore({ dbName });
    const t = performance.now();
    await fresh.load("s");
    loads.push(performance.now() - t);
  }
  const kvName = `bench-naive-open-${Date.now()}`;
  await set(
    "s",
    Array.from({ length }, (_, i) => message(i)),
    createStore(kvName, "kv"),
  );
  const naive: number[] = [];
  for (let i = 0; i < OPENS; i++) {
    const kv = createStore(kvName, "kv");
    const t = performance.now();
    const history = (await get("s", kv)) as unknown[];
    naive.push(performance.now() - t);
    if (history.length !== length) throw new Error("naive open failed");
  }
  return {
    durable: median(durable),
    naive: median(naive),
    durableMin: Math.min(...durable),
    naiveMin: Math.min(...naive),
    storeLoad: median(loads),
  };
}

async function run() {
  const append: Record<string, { durable: number; naive: number; durableMax: number; naiveMax: number }> = {};
  for (const length of LENGTHS) {
    const d = await durableAppend(length);
    const n = await naiveAppend(length);
    append[length] = { durable: d.median, naive: n.median, durableMax: d.max, naiveMax: n.max };
  }
  const open10k = await opens(10_000);
  return { append, open10k, appendsMeasured: APPENDS, opensMeasured: OPENS, userAgent: navigator.userAgent };
}

Object.assign(globalThis, { runBench: run });
