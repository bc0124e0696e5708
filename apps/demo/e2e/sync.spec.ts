import { type Browser, expect, type Page, test } from "@playwright/test";
import { type RunningDemo, startDemo } from "../scripts/start-demo.ts";

// The demo's "Sync conversations to the local server" setting: two browser contexts are two browsers
// (each its own IndexedDB); with sync on, both show the same conversations, and a message written in one
// appears in the other without a reload (change notices from the demo server's /sync).

let demo: RunningDemo;

test.beforeAll(async () => {
  demo = await startDemo({ port: 5198, serverPort: 0, delayMs: 5, watch: false });
});
test.afterAll(async () => {
  await demo?.close();
});

const replies = (page: Page) => page.locator("article.message.assistant:not(.live)");

async function browserWithSync(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(demo.pageUrl);
  await expect(page.locator(".target-badge")).toContainText("Local demo server");
  await page.getByRole("button", { name: "Settings" }).first().click();
  await page.locator("#set-sync").check();
  await page.locator("#settings-save").click();
  await expect(page.locator(".sync-status")).toHaveText("Synced with the local server", { timeout: 10_000 });
  return page;
}

async function send(page: Page, text: string) {
  const composer = page.getByRole("textbox", { name: "Message" });
  await composer.fill(text);
  await composer.press("Enter");
}

test("two browsers with sync on see the same conversations and each other's messages", async ({
  browser,
}) => {
  const laptop = await browserWithSync(browser);
  const phone = await browserWithSync(browser);

  await send(laptop, "Written on the laptop");
  await expect(replies(laptop)).toHaveCount(1, { timeout: 15_000 });

  // The phone's list gets the conversation by itself; opened, it has both messages.
  await expect(phone.locator(".conv")).toContainText(["Written on the laptop"], { timeout: 10_000 });
  await phone.locator(".conv-open", { hasText: "Written on the laptop" }).click();
  await expect(phone.locator("article.message.user")).toHaveText(["Written on the laptop"]);
  await expect(replies(phone)).toHaveCount(1, { timeout: 10_000 });
  await expect(replies(phone)).toContainText("Echo from the local server");

  // The phone answers; the laptop's open thread updates without a reload.
  await send(phone, "And this from the phone");
  await expect(replies(phone)).toHaveCount(2, { timeout: 15_000 });
  await expect(laptop.locator("article.message.user")).toHaveText(
    ["Written on the laptop", "And this from the phone"],
    { timeout: 10_000 },
  );
  await expect(replies(laptop)).toHaveCount(2, { timeout: 10_000 });

  // Sync off: the laptop keeps its conversations (IndexedDB) and stops hearing the phone.
  await laptop.getByRole("button", { name: "Settings" }).first().click();
  await laptop.locator("#set-sync").uncheck();
  await laptop.locator("#settings-save").click();
  await expect(laptop.locator(".sync-status")).toBeHidden();
  await expect(laptop.locator(".conv")).toHaveCount(1);
  for (const page of [laptop, phone]) await page.context().close();
});
