// The test Worker: `/sync/...` is the sync protocol (sessionsHandler → one SessionsDurableObject per user,
// tokens below); `/__lab` runs the store cases inside a fresh StoreLab Durable Object and answers with
// their results as JSON.
import {
  createDurableObjectStore,
  DO_PART_BYTES,
  DURABLE_OBJECT_LIMITS,
  SessionsDurableObject,
  sessionsHandler,
} from "../../dist/cloudflare/index.js";
import { SessionStoreError } from "../../dist/errors.js";

export { SessionsDurableObject };

import { authorizeForTests } from "../sync-tokens.mjs";

const sync = sessionsHandler({ authorize: authorizeForTests, basePath: "/sync" });

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/__lab") return env.LAB.get(env.LAB.idFromName(crypto.randomUUID())).fetch(request);
    if (url.pathname === "/") return new Response("sessions sync test worker");
    return sync(request, env);
  },
};

const msg = (content, at = 1) => ({ status: "complete", at, item: { role: "user", content } });
const texts = (s) => s?.records.map((r) => r.item.content);
function assert(condition, message) {
  if (!condition) throw new Error(message);
}
function same(actual, expected, what) {
  const a = String(JSON.stringify(actual));
  const e = String(JSON.stringify(expected));
  assert(a === e, `${what}: expected ${e.slice(0, 300)}, got ${a.slice(0, 300)}`);
}

/**
 * storage that refuses what the platform refuses: a bound string or BLOB over 2 MB, a statement over 100 KB,
 * more than 100 bound parameters (local workerd does not enforce the 2 MB limit: measured, see the lab).
 */
function enforcing(storage) {
  const sql = {
    exec(query, ...bindings) {
      assert(query.length <= DURABLE_OBJECT_LIMITS.statementBytes, "statement over 100 KB");
      assert(bindings.length <= DURABLE_OBJECT_LIMITS.boundParameters, "over 100 bound parameters");
      for (const b of bindings) {
        const size = typeof b === "string" ? new TextEncoder().encode(b).byteLength : (b?.byteLength ?? 0);
        assert(size <= DURABLE_OBJECT_LIMITS.rowBytes, `a ${size}-byte value (over the 2 MB limit)`);
      }
      return storage.sql.exec(query, ...bindings);
    },
  };
  return { sql, transactionSync: (fn) => storage.transactionSync(fn) };
}

/** storage with every statement counted (statements and rows written, from the cursors). */
function counting(storage) {
  const stats = { statements: 0, rowsWritten: 0 };
  const sql = {
    exec(query, ...bindings) {
      const cursor = storage.sql.exec(query, ...bindings);
      const rows = cursor.toArray();
      stats.statements++;
      stats.rowsWritten += cursor.rowsWritten ?? 0;
      return {
        toArray: () => rows,
        [Symbol.iterator]: () => rows[Symbol.iterator](),
        rowsWritten: cursor.rowsWritten,
      };
    },
  };
  return { storage: { sql, transactionSync: (fn) => storage.transactionSync(fn) }, stats };
}

export class StoreLab {
  constructor(ctx) {
    this.ctx = ctx;
  }

  async fetch() {
    const storage = this.ctx.storage;
    const store = createDurableObjectStore(storage);
    const cases = {
      "creates on first commit, allocates seqs in order, loads records in seq order": async () => {
        same(await store.load("a"), undefined, "missing session");
        const first = await store.commit("a", {
          create: { kind: "chat", title: "T" },
          append: [msg("1"), msg("2")],
        });
        same(first.seqs, [0, 1], "seqs");
        same([first.header.revision, first.header.count, first.header.v], [1, 2, 1], "header");
        same((await store.commit("a", { append: [msg("3")] })).seqs, [2], "next seq");
        const loaded = await store.load("a");
        same(
          loaded.records.map((r) => [r.seq, r.item.content, r.v]),
          [
            [0, "1", 1],
            [1, "2", 1],
            [2, "3", 1],
          ],
          "records",
        );
        same(
          (await store.list()).map((h) => [h.id, h.count, h.revision]),
          [["a", 3, 2]],
          "list",
        );
        const id = await store.storeId();
        same(
          [await createDurableObjectStore(storage).storeId(), id.length > 20],
          [id, true],
          "store id kept",
        );
      },
      "puts overwrite; a truncation deletes from the cut and fixes the count; seqs are never reused":
        async () => {
          await store.commit("b", {
            create: { kind: "chat" },
            append: [msg("1"), msg("2"), msg("3"), msg("4")],
          });
          const r = await store.commit("b", {
            truncateFrom: 2,
            put: [
              {
                seq: 1,
                body: {
                  status: "incomplete",
                  reason: "aborted",
                  at: 2,
                  item: { role: "assistant", content: "x" },
                },
              },
            ],
            append: [msg("5")],
          });
          same([r.seqs, r.header.count], [[4], 3], "commit");
          same(
            (await store.load("b")).records.map((x) => [x.seq, x.status, x.reason ?? null]),
            [
              [0, "complete", null],
              [1, "incomplete", "aborted"],
              [4, "complete", null],
            ],
            "records",
          );
        },
      "a failed commit writes nothing (one transaction)": async () => {
        await store.commit("c", { create: { kind: "chat" }, append: [msg("kept")] });
        const error = await store
          .commit("c", { truncateFrom: 0, append: [msg("x")], put: [{ seq: 0, body: null }] })
          .catch((e) => e);
        assert(error instanceof SessionStoreError, `typed error, got ${error}`);
        same(texts(await store.load("c")), ["kept"], "unchanged");
        same((await store.load("c")).header.revision, 1, "revision");
      },
      "commitAt commits only at the given revision": async () => {
        same(
          await store.commitAt("d", 1, { create: { kind: "chat" }, append: [msg("no")] }),
          undefined,
          "missing",
        );
        same(
          (await store.commitAt("d", 0, { create: { kind: "chat" }, append: [msg("yes")] })).header.revision,
          1,
          "create",
        );
        same(await store.commitAt("d", 0, { append: [msg("stale")] }), undefined, "stale");
        same(texts(await store.load("d")), ["yes"], "records");
      },
      "delete removes the session and its rows": async () => {
        await store.commit("e", { create: { kind: "chat" }, append: [msg("x")] });
        await store.delete("e");
        await store.delete("never");
        same(await store.load("e"), undefined, "gone");
        const rows = storage.sql
          .exec("SELECT COUNT(*) AS n FROM oaikit_records WHERE id = 'e'")
          .toArray()[0].n;
        same(rows, 0, "rows left");
      },
      "data written by a newer schema is refused with a typed error": async () => {
        await store.commit("f", { create: { kind: "chat" }, append: [msg("x")] });
        const header = JSON.parse(
          storage.sql.exec("SELECT header FROM oaikit_sessions WHERE id = 'f'").toArray()[0].header,
        );
        storage.sql.exec(
          "UPDATE oaikit_sessions SET header = ? WHERE id = 'f'",
          JSON.stringify({ ...header, v: 99 }),
        );
        for (const call of [
          () => store.load("f"),
          () => store.commit("f", { append: [msg("y")] }),
          () => store.list(),
        ]) {
          const error = await call().catch((e) => e);
          assert(error instanceof SessionStoreError && error.code === "schema", `schema error, got ${error}`);
        }
        await store.delete("f");
      },
      "an append costs the same at message 10 and at message 1,000 (statements and rows written)":
        async () => {
          const { storage: watched, stats } = counting(storage);
          const counted = createDurableObjectStore(watched);
          const measure = async (id, before) => {
            await counted.commit(id, {
              create: { kind: "chat" },
              append: Array.from({ length: before }, (_, i) => msg(`m${i}`)),
            });
            stats.statements = 0;
            stats.rowsWritten = 0;
            await counted.commit(id, { append: [msg("one more")] });
            return { ...stats };
          };
          const small = await measure("g10", 10);
          const large = await measure("g1000", 1000);
          same(large, small, "append cost");
          assert(small.statements <= 3, `statements ${small.statements}`);
        },
      "limits: records are split into rows of at most 1 MB (the row limit is 2 MB) and read back":
        async () => {
          const raw = (() => {
            try {
              storage.sql.exec(
                "INSERT INTO oaikit_records (id, seq, part, data) VALUES ('raw', 0, 0, ?)",
                new Uint8Array(DURABLE_OBJECT_LIMITS.rowBytes + 100_000).buffer,
              );
              storage.sql.exec("DELETE FROM oaikit_records WHERE id = 'raw'");
              return "local workerd accepts a 2.1 MB row (production refuses it); limits enforced by a wrapper";
            } catch (e) {
              return `local workerd refuses a 2.1 MB row (${String(e?.message ?? e).slice(0, 60)})`;
            }
          })();
          const limited = createDurableObjectStore(enforcing(storage));
          const overhead = JSON.stringify({
            v: 1,
            seq: 0,
            status: "complete",
            at: 1,
            item: { role: "user", content: "" },
          }).length;
          const exact = "e".repeat(DO_PART_BYTES - overhead);
          await limited.commit("exact", { create: { kind: "chat" }, append: [msg(exact)] });
          await limited.commit("over", { create: { kind: "chat" }, append: [msg(`${exact}o`)] });
          const parts = (id) =>
            storage.sql.exec("SELECT COUNT(*) AS n FROM oaikit_records WHERE id = ?", id).toArray()[0].n;
          same([parts("exact"), parts("over")], [1, 2], "parts");
          same(texts(await limited.load("exact"))[0].length, exact.length, "exact read back");
          const big = "ab€".repeat(1_700_000); // 8.5 MB of UTF-8, multi-byte characters across part edges
          await limited.commit("big", {
            create: { kind: "chat" },
            append: [msg("before"), msg(big), msg("after")],
          });
          const loaded = await limited.load("big");
          same(
            texts(loaded).map((t) => t.length),
            [6, big.length, 5],
            "big lengths",
          );
          assert(texts(loaded)[1] === big, "big content");
          const largest = storage.sql
            .exec("SELECT MAX(LENGTH(data)) AS n FROM oaikit_records")
            .toArray()[0].n;
          assert(largest <= DO_PART_BYTES, `a ${largest}-byte row`);
          await limited.commit("big", { put: [{ seq: 1, body: msg("small now") }] });
          same(parts("big"), 3, "parts after the put");
          // Without the split, the platform limit is hit: the wrapper refuses a 2.1 MB row.
          const refused = (() => {
            try {
              enforcing(storage).sql.exec(
                "SELECT ?",
                new Uint8Array(DURABLE_OBJECT_LIMITS.rowBytes + 1).buffer,
              );
              return false;
            } catch {
              return true;
            }
          })();
          assert(refused, "the wrapper enforces the limit");
          return raw;
        },
      "the API key is never stored": async () => {
        // The main entry is imported here, in a handler: its broadcast module draws a random id at load, which
        // workerd refuses in global scope (see the report in docs/sync.md, "Known gaps").
        const { openChatSession } = await import("../../dist/index.js");
        const { OpenAI } = await import("@oaikit/core");
        const SECRET = "sk-workerd-DO-NOT-STORE-4242";
        const client = new OpenAI(SECRET, { baseURL: "http://127.0.0.1:9/v1" });
        const chat = await openChatSession(client, { id: "k", store });
        chat.appendMessage({ role: "user", content: "hello" });
        await chat.close();
        const dump =
          JSON.stringify(storage.sql.exec("SELECT header FROM oaikit_sessions").toArray()) +
          storage.sql
            .exec("SELECT data FROM oaikit_records")
            .toArray()
            .map((r) => new TextDecoder().decode(r.data))
            .join("");
        assert(dump.includes("hello"), "the message is stored");
        assert(!dump.includes(SECRET), "the key is not");
      },
    };
    const results = [];
    for (const [name, run] of Object.entries(cases)) {
      const started = Date.now();
      try {
        const detail = await run();
        results.push({ name, ok: true, ms: Date.now() - started, ...(detail ? { detail } : {}) });
      } catch (error) {
        results.push({ name, ok: false, ms: Date.now() - started, error: String(error?.stack ?? error) });
      }
    }
    return Response.json({ results, version: navigator.userAgent });
  }
}
