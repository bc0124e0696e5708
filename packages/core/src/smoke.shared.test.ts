import { expect, inject, test } from "vitest";

test("test server is reachable", async () => {
  const res = await fetch(`${inject("testServerUrl")}/ping`);
  expect(await res.text()).toBe("pong");
});
