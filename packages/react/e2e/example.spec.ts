import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type Page, test } from "@playwright/test";
import { build } from "vite";
import { type DemoServer, startDemoServer } from "../../../apps/demo/server/index.ts";

// examples/react (Vite + React on @oaikit/react), built with Vite and driven in Chromium: its files
// are served by the one fake server (apps/demo/server) under /__test/pages/, and its API is a scenario
// of the same server's words model (a slow reply `w0 w1 ...`), or the demo model for the tool run.
const example = fileURLToPath(new URL("../../../examples/react/", import.meta.url));
const WORDS = 40;

let server: DemoServer;
let slowApi: string;
let demoApi: string;
let pageUrl: string;

test.beforeAll(async () => {
  const outDir = join(example, "dist");
  await build({ root: example, logLevel: "silent", build: { outDir, emptyOutDir: true } });
  server = await startDemoServer({ delayMs: 0, testRoutes: true });
  const routes = server.test!.routes;
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  for (const file of files(outDir)) {
    const type = file.endsWith(".html")
      ? "text/html"
      : file.endsWith(".js")
        ? "text/javascript"
        : "text/plain";
    routes.pages.set(`/${relative(outDir, file)}`, { type, body: readFileSync(file, "utf8") });
  }
  const { path } = routes.scenarios.create({
    words: { words: Array.from({ length: WORDS }, (_, i) => `w${i} `), delayMs: 40 },
  });
  slowApi = `${server.test!.url}${path}/v1`;
  demoApi = `${server.url}/v1`;
  pageUrl = `${server.test!.url}/pages/index.html`;
});

test.afterAll(async () => {
  await server?.close();
});

const open = async (page: Page, api: string, id: string) => {
  await page.goto(`${pageUrl}?api=${encodeURIComponent(api)}#${id}`);
  await expect(page.getByTestId("status")).toHaveText("ready");
};

const send = async (page: Page, text: string) => {
  await page.getByLabel("Message").fill(text);
  await page.getByRole("button", { name: "Send" }).click();
};

const assistant = (page: Page) => page.locator('li[data-role="assistant"]').last();

test("streams the reply, Stop keeps the partial, a reload restores it", async ({ page }) => {
  await open(page, slowApi, "stop");
  await send(page, "Hello there");
  await expect(page.locator('li[data-role="pending"]')).toContainText("w3");
  await expect(page.getByTestId("status")).toHaveText("streaming");
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(assistant(page)).toHaveAttribute("data-reason", "aborted");
  await expect(page.getByTestId("status")).toHaveText("ready");
  const kept = (await assistant(page).textContent()) ?? "";
  expect(kept).toMatch(/^assistant: w0 w1 w2 w3 /);
  await expect(page.getByLabel("Title")).toHaveValue("Hello there");
  await page.reload();
  await expect(page.getByTestId("status")).toHaveText("ready");
  await expect(assistant(page)).toHaveText(kept);
  await expect(assistant(page)).toHaveAttribute("data-reason", "aborted");
});

test("a reload mid-reply shows it interrupted", async ({ page }) => {
  await open(page, slowApi, "cut");
  await send(page, "Hello");
  await expect(page.locator('li[data-role="pending"]')).toContainText("w5");
  await page.reload();
  await expect(assistant(page)).toHaveAttribute("data-reason", "interrupted");
  await expect(assistant(page)).toContainText("w0 w1");
});

test("two tabs stay in step: the other tab's reply streams live, then completes", async ({ context }) => {
  const [a, b] = [await context.newPage(), await context.newPage()];
  await open(a, slowApi, "shared");
  await open(b, slowApi, "shared");
  await send(a, "From tab A");
  // Tab B sees the reply streaming in tab A, its text growing with A's batched writes.
  await expect(assistant(b)).toHaveAttribute("data-state", "elsewhere");
  await expect(assistant(b)).toContainText("w2");
  await expect(assistant(b)).toHaveAttribute("data-state", "complete", { timeout: 15_000 });
  await expect(assistant(b)).toHaveText(
    `assistant: ${Array.from({ length: WORDS }, (_, i) => `w${i}`).join(" ")}`,
  );
  await expect(b.getByRole("button", { name: /^From tab A \(2\)$/ })).toBeVisible();
  // And back: B sends, A follows.
  await send(b, "From tab B");
  await expect(a.locator("li").nth(2)).toHaveText("user: From tab B");
  await expect(assistant(a)).toHaveAttribute("data-state", "complete", { timeout: 15_000 });
});

test("the list switches conversations; each keeps its own history", async ({ page }) => {
  await open(page, slowApi, "first");
  await send(page, "First conversation");
  await expect(page.getByTestId("status")).toHaveText("ready", { timeout: 15_000 });
  await page.getByRole("button", { name: "+ New chat" }).click();
  await expect(page.locator("li")).toHaveCount(0);
  await send(page, "Second conversation");
  await expect(page.getByTestId("status")).toHaveText("ready", { timeout: 15_000 });
  await page.getByRole("button", { name: /^First conversation/ }).click();
  await expect(page.locator("li").first()).toHaveText("user: First conversation");
  await expect(page.getByLabel("Title")).toHaveValue("First conversation");
  await page.getByRole("button", { name: /^Second conversation/ }).click();
  await expect(page.locator("li").first()).toHaveText("user: Second conversation");
});

test("a tool run shows its steps as they happen", async ({ page }) => {
  await open(page, demoApi, "tools");
  await page.getByLabel("Message").fill("What are the weather and the time in Paris?");
  await page.getByRole("button", { name: "Ask with tools" }).click();
  // The first step (the calls) is in the history while the slow tool runs: still streaming.
  await expect(page.locator('li[data-role="assistant"]').first()).toHaveText(
    "assistant: get_weather() get_time()",
  );
  await expect(page.getByTestId("status")).toHaveText("streaming");
  await expect(page.locator('li[data-role="tool"]')).toHaveCount(2);
  await expect(page.getByTestId("status")).toHaveText("ready");
  await expect(page.locator("li").last()).toContainText("get_weather");
  const roles = await page
    .locator("li")
    .evaluateAll((items) => items.map((li) => li.getAttribute("data-role")));
  expect(roles).toEqual(["user", "assistant", "tool", "tool", "assistant"]);
});
