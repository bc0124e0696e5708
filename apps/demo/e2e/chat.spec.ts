import { expect, type Page, test } from "@playwright/test";
import { type RunningDemo, startDemo } from "../scripts/start-demo.ts";

let demo: RunningDemo;

test.beforeAll(async () => {
  demo = await startDemo({ port: 5199, serverPort: 0, delayMs: 15, watch: false });
});
test.afterAll(async () => {
  await demo?.close();
});

const composer = (page: Page) => page.getByRole("textbox", { name: "Message" });
const replies = (page: Page) => page.locator("article.message.assistant:not(.live)");

async function openPage(page: Page) {
  await page.goto(demo.pageUrl);
  await expect(page.locator(".target-badge")).toContainText("Local demo server");
}

async function send(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press("Enter");
}

/** Takes a screenshot to a file and returns its path (the attachment then survives any reporter). */
async function shot(page: Page, path: string): Promise<string> {
  await page.screenshot({ path });
  return path;
}

async function setModel(page: Page, model: string, baseURL?: string) {
  await page.getByRole("button", { name: "Settings" }).first().click();
  if (baseURL) {
    await page.locator("#set-preset").selectOption("custom");
    await page.locator("#set-base").fill(baseURL);
  }
  await page.locator("#set-model").fill(model);
  await page.locator("#settings-save").click();
  await expect(page.locator(".target-badge")).toContainText(model);
}

test("sends a message and the reply streams in, with usage", async ({ page }) => {
  await openPage(page);
  await send(page, "Hello from Playwright");
  await expect(page.locator("article.message.user").last()).toContainText("Hello from Playwright");
  // While streaming: the live bubble shows a growing reply and the Stop button.
  const live = page.locator("article.message.live");
  await expect(live).toBeVisible();
  await expect(page.getByRole("button", { name: "Stop" }).first()).toBeVisible();
  await expect(live).toContainText("You wrote");
  const partial = ((await live.textContent()) ?? "").length;
  await expect(live).toHaveCount(0, { timeout: 15_000 });
  const reply = replies(page).last();
  await expect(reply).toContainText("Echo from the local server");
  await expect(reply.locator("blockquote")).toContainText("Hello from Playwright");
  expect(((await reply.textContent()) ?? "").length).toBeGreaterThan(partial);
  await expect(reply.locator(".usage")).toHaveText(/\d+ in · \d+ out · \d+ tokens/);
  await expect(page.locator(".chat-title")).toHaveText("Hello from Playwright");
  await expect(page.locator(".conv.active")).toContainText("Hello from Playwright");
});

test("Stop (and Escape) keep the partial reply, also after a reload", async ({ page }) => {
  await openPage(page);
  await setModel(page, "oaikit-local-slow");
  await send(page, "Please take your time");
  const live = page.locator("article.message.live");
  await expect(live).toContainText("You wrote");
  await page.keyboard.press("Escape");
  await expect(live).toHaveCount(0);
  const reply = replies(page).last();
  await expect(reply.locator(".tag")).toHaveText("Stopped");
  await expect(reply).toContainText("You wrote");
  await expect(reply).not.toContainText("Change a word");
  const text = (await reply.locator(".content").textContent()) ?? "";

  await page.reload();
  const restored = replies(page).last();
  await expect(restored.locator(".content")).toHaveText(text);
  await expect(restored.locator(".tag")).toHaveText("Stopped");

  // The Stop button does the same.
  await send(page, "Second slow one");
  await expect(page.locator("article.message.live")).toContainText("You wrote");
  await page.locator(".stop-inline").click();
  await expect(replies(page).last().locator(".tag")).toHaveText("Stopped");
});

test("a reload restores the conversation and the list", async ({ page }) => {
  await openPage(page);
  await send(page, "Remember me");
  await expect(replies(page)).toHaveCount(1, { timeout: 15_000 });
  await expect(page.locator("article.message.live")).toHaveCount(0, { timeout: 15_000 });
  const reply = await replies(page).last().locator(".content").innerHTML();
  await page.reload();
  await expect(page.locator("article.message.user")).toHaveText(["Remember me"]);
  await expect(replies(page).last().locator(".content")).toHaveJSProperty("innerHTML", reply);
  await expect(page.locator(".conv")).toHaveCount(1);
  await expect(page.locator(".conv.active")).toContainText("Remember me");
});

test("a second tab sees a new conversation, and its messages", async ({ page, context }) => {
  await openPage(page);
  const other = await context.newPage();
  await openPage(other);
  await expect(other.locator(".empty-list")).toBeVisible();
  await send(page, "Made in tab one");
  await expect(other.locator(".conv")).toContainText("Made in tab one", { timeout: 10_000 });
  await expect(page.locator("article.message.live")).toHaveCount(0, { timeout: 15_000 });
  await other.locator(".conv-open", { hasText: "Made in tab one" }).click();
  await expect(other.locator("article.message.user")).toHaveText(["Made in tab one"]);
  await expect(replies(other)).toContainText("Echo from the local server");
});

test("regenerate the last reply, and edit a sent message and resend", async ({ page }) => {
  await openPage(page);
  await send(page, "First question");
  await expect(page.locator("article.message.live")).toHaveCount(0, { timeout: 15_000 });
  await expect(replies(page)).toHaveCount(1);

  const requests: string[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/chat/completions") && r.method() === "POST") requests.push(r.url());
  });
  await page.getByRole("button", { name: "Regenerate" }).click();
  await expect(page.locator("article.message.live")).toBeVisible();
  await expect(page.locator("article.message.live")).toHaveCount(0, { timeout: 15_000 });
  await expect(replies(page)).toHaveCount(1);
  expect(requests).toHaveLength(1);

  await page.locator("article.message.user").hover();
  await page.getByRole("button", { name: "Edit" }).click();
  const editor = page.getByRole("textbox", { name: "Edit message" });
  await editor.fill("Second question, edited");
  await page.getByRole("button", { name: "Save & send" }).click();
  await expect(page.locator("article.message.live")).toHaveCount(0, { timeout: 15_000 });
  await expect(page.locator("article.message.user")).toHaveText(["Second question, edited"]);
  await expect(replies(page)).toHaveCount(1);
  await expect(replies(page).locator("blockquote")).toHaveText("Second question, edited");

  await page.reload();
  await expect(page.locator("article.message.user")).toHaveText(["Second question, edited"]);
  await expect(replies(page)).toHaveCount(1);
});

test("the Responses API: a new conversation streams through /responses and survives a reload", async ({
  page,
}) => {
  await openPage(page);
  const paths: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST") paths.push(new URL(r.url()).pathname);
  });
  await page.getByRole("button", { name: "Settings" }).first().click();
  await page.getByRole("radio", { name: "Responses" }).check();
  await page.locator("#settings-save").click();
  await page.getByRole("button", { name: "New chat" }).click();
  await expect(page.locator(".target-badge")).toContainText("Responses");
  await send(page, "Hello Responses API");
  await expect(page.locator("article.message.live")).toContainText("You wrote");
  await expect(page.locator("article.message.live")).toHaveCount(0, { timeout: 15_000 });
  await expect(replies(page).last().locator("blockquote")).toHaveText("Hello Responses API");
  await expect(replies(page).last().locator(".usage")).toHaveText(/\d+ in · \d+ out/);
  expect(paths).toContain("/v1/responses");
  expect(paths).not.toContain("/v1/chat/completions");
  await send(page, "And a follow-up");
  await expect(page.locator("article.message.live")).toHaveCount(0, { timeout: 15_000 });
  await page.reload();
  await expect(page.locator("article.message.user")).toHaveText(["Hello Responses API", "And a follow-up"]);
  await expect(replies(page)).toHaveCount(2);
  await expect(page.locator(".conv.active .kind")).toHaveText("Responses");
});

test("raw HTML in a reply stays inert: no <img onerror>, no <script>", async ({ page }) => {
  await openPage(page);
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await send(
    page,
    'Look: <img src=x onerror="window.__pwned=1;alert(1)"> and <script>window.__pwned=2</script> <a href="javascript:window.__pwned=3">link</a>',
  );
  await expect(page.locator("article.message.live")).toHaveCount(0, { timeout: 15_000 });
  const reply = replies(page).last();
  await expect(reply.locator("blockquote")).toContainText('<img src=x onerror="window.__pwned=1;alert(1)">');
  await expect(reply.locator("blockquote")).toContainText("<script>window.__pwned=2</script>");
  expect(await reply.locator("img, script, iframe, [onerror]").count()).toBe(0);
  expect(await page.locator(".thread img, .thread script").count()).toBe(0);
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
});

test("401, 429, a cut stream and a server that is down show what to do", async ({ page }, testInfo) => {
  await openPage(page);
  await setModel(page, "fault:401");
  await send(page, "Hi");
  const card = page.getByRole("alert");
  await expect(card).toContainText("The server refused the API key (401)");
  await expect(card).toContainText("Incorrect API key provided");
  await expect(card).toContainText("Open Settings and check the key");
  await expect(card.getByRole("button", { name: "Open settings" })).toBeVisible();

  await setModel(page, "fault:429");
  await send(page, "Hi again");
  await expect(card).toContainText("Rate limited (429)", { timeout: 15_000 });
  await expect(card).toContainText("Wait 1 s, then press Retry");

  await setModel(page, "fault:cut");
  await send(page, "Cut me off");
  await expect(card).toContainText("The reply was cut off", { timeout: 15_000 });
  const partial = replies(page).last();
  await expect(partial).toContainText("You wrote");
  await expect(partial.locator(".tag")).toHaveText(/Cut off|Incomplete/);

  await setModel(page, "oaikit-local", "http://127.0.0.1:9/v1");
  await send(page, "Anyone there?");
  await expect(card).toContainText("Cannot reach the server", { timeout: 15_000 });
  await expect(card).toContainText("http://127.0.0.1:9/v1");
  await testInfo.attach("errors", {
    path: await shot(page, testInfo.outputPath("errors.png")),
    contentType: "image/png",
  });
});

test("screenshot: a conversation with Markdown and code, wide and narrow", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 820 });
  await openPage(page);
  await send(page, "Write some TypeScript code that greets people");
  await expect(page.locator("article.message.live")).toHaveCount(0, { timeout: 15_000 });
  await expect(replies(page).locator(".code-block")).toHaveCount(1);
  await testInfo.attach("chat-wide", {
    path: await shot(page, testInfo.outputPath("chat-wide.png")),
    contentType: "image/png",
  });
  await page.setViewportSize({ width: 390, height: 800 });
  await expect(page.locator(".menu")).toBeVisible();
  await expect(page.locator(".sidebar")).not.toBeInViewport();
  // No horizontal page scroll on a phone-sized window.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // The badge's label is cut with an ellipsis (not mid-letter), and the title keeps room to be read.
  const label = await page.locator(".target-badge").evaluate((badge) => {
    // The element holding the label's text: text-overflow cuts the text of a block container only,
    // never the anonymous box a flex container (the badge) wraps around bare text.
    const holder = [badge, ...badge.querySelectorAll("*")].find((el) =>
      [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.includes(" · ")),
    );
    if (!holder) return undefined;
    const style = getComputedStyle(holder);
    return {
      cut: holder.scrollWidth > holder.clientWidth,
      display: style.display,
      textOverflow: style.textOverflow,
      overflow: style.overflowX,
      whiteSpace: style.whiteSpace,
    };
  });
  expect(label).toEqual({
    cut: true,
    display: "block",
    textOverflow: "ellipsis",
    overflow: "hidden",
    whiteSpace: "nowrap",
  });
  await expect(page.locator(".target-badge")).toHaveAttribute(
    "title",
    /Local demo server · .* · Chat Completions/,
  );
  const title = await page.locator(".chat-title").boundingBox();
  const badge = await page.locator(".target-badge").boundingBox();
  expect(title?.width ?? 0).toBeGreaterThan(badge?.width ?? Number.POSITIVE_INFINITY);
  expect((title?.x ?? 0) + (title?.width ?? 0)).toBeLessThanOrEqual(badge?.x ?? 0);
  await testInfo.attach("chat-narrow", {
    path: await shot(page, testInfo.outputPath("chat-narrow.png")),
    contentType: "image/png",
  });
  await page.locator(".menu").click();
  await expect(page.locator(".sidebar")).toBeInViewport();
});

/**
 * Three ways to send at once after clicking New chat, while the page is still closing the old
 * conversation and opening the new one: from a quick person down to the very same task.
 */
const sendsRightAfterNewChat: ((page: Page, text: string) => Promise<void>)[] = [
  // Click, then fill the composer and press Enter (a few milliseconds later).
  async (page, text) => {
    await page.getByRole("button", { name: "New chat" }).click();
    await send(page, text);
  },
  // Click, then type straight away, without clicking into the composer first.
  async (page, text) => {
    await page.getByRole("button", { name: "New chat" }).click();
    await page.keyboard.type(text);
    await page.keyboard.press("Enter");
  },
  // Click and Enter in one task of the page: nothing of the switch has run yet.
  (page, text) =>
    page.evaluate((t) => {
      document.querySelector<HTMLButtonElement>(".new-chat")?.click();
      const input = document.querySelector<HTMLTextAreaElement>(".composer-input");
      if (!input) throw new Error("no composer");
      input.value = t;
      input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    }, text),
];

test("New chat and an instant send, many times: no message is ever lost", async ({ page }) => {
  await openPage(page);
  const texts = Array.from({ length: 15 }, (_, i) => `Instant message number ${i + 1}`);
  for (const [i, text] of texts.entries()) {
    await sendsRightAfterNewChat[i % sendsRightAfterNewChat.length]?.(page, text);
    await expect(page.locator("article.message.user"), text).toHaveText([text]);
    await expect(page.locator("article.message.live")).toHaveCount(0, { timeout: 15_000 });
    await expect(replies(page)).toHaveCount(1);
    await expect(replies(page).locator("blockquote")).toHaveText(text);
    await expect(page.locator(".conv.active")).toContainText(text);
  }
  // Each message made its own conversation, newest first.
  await expect(page.locator(".conv-title")).toHaveText([...texts].reverse());

  await page.reload();
  await expect(page.locator(".conv-title")).toHaveText([...texts].reverse());
  for (const text of texts) {
    await page.locator(".conv-open", { hasText: new RegExp(`^${text}$`) }).click();
    await expect(page.locator(".chat-title")).toHaveText(text);
    await expect(page.locator("article.message.user")).toHaveText([text]);
    await expect(replies(page).locator("blockquote")).toHaveText(text);
  }
});

test("the header shows the title from the first message on: while it streams, and after an error", async ({
  page,
}) => {
  await openPage(page);
  await expect(page.locator(".chat-title")).toHaveText("New conversation");
  await setModel(page, "oaikit-local-slow");
  await send(page, "Title me while you stream");
  const live = page.locator("article.message.live");
  await expect(live).toContainText("You wrote");
  await expect(page.locator(".chat-title")).toHaveText("Title me while you stream");
  // Still streaming: the title did not wait for the reply.
  await expect(live).toHaveCount(1);
  await page.keyboard.press("Escape");
  await expect(live).toHaveCount(0);

  // A first message that fails, long enough to be shortened: the header keeps the list's title.
  await setModel(page, "fault:401");
  await page.getByRole("button", { name: "New chat" }).click();
  await expect(page.locator(".chat-title")).toHaveText("New conversation");
  const long = `This first message fails, and it is long enough for the title to be shortened ${"x".repeat(20)}`;
  await send(page, long);
  await expect(page.getByRole("alert")).toContainText("(401)");
  const listed = page.locator(".conv.active .conv-title");
  await expect(listed).toHaveText(/^This first message fails, .*…$/);
  await expect(page.locator(".chat-title")).toHaveText((await listed.textContent()) ?? "");
  await page.reload();
  await expect(page.locator(".chat-title")).toHaveText((await listed.textContent()) ?? "");
});

test("a pasted key the SDK would refuse is refused in the dialog, with a message that never quotes it", async ({
  page,
}) => {
  await openPage(page);
  await page.getByRole("button", { name: "Settings" }).first().click();
  const key = page.locator("#set-key");
  await key.fill("sk-secret\u201Cquoted\u201D");
  await page.locator("#settings-save").click();
  // The dialog stays open: the field is invalid, and its message names the problem, not the key.
  await expect(page.locator("#settings-save")).toBeVisible();
  const message = await key.evaluate((input: HTMLInputElement) => input.validationMessage);
  expect(message).toMatch(/apiKey/);
  expect(message).not.toContain("secret");
  await key.fill("sk-fine");
  await page.locator("#settings-save").click();
  await expect(page.locator("#settings-save")).toHaveCount(0);
});
