// verifyWebhook in Node and in Chromium. The fixed vector is the one the Standard Webhooks project
// publishes for every implementation (standard-webhooks/standard-webhooks at b2fa7b87,
// libraries/javascript/src/webhook.test.ts "sign function works", and the same in go/webhook_test.go):
// its key, message id, timestamp, body and expected signature are used as given, so the signature
// check is proven against an outside reference, not against itself. The other cases follow that
// project's test list (missing headers, a bad timestamp, partial and empty signatures, stale and
// future timestamps, several signatures, the whsec_ prefix optional), with signatures made here by
// Web Crypto.
import { describe, expect, test } from "vitest";
import { verifyWebhook, WebhookVerificationError } from "./index.js";

const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};
const AT_VECTOR = { now: VECTOR.timestamp * 1000 };
const headers = (overrides: Record<string, string | undefined> = {}) => {
  const all: Record<string, string | undefined> = {
    "webhook-id": VECTOR.id,
    "webhook-timestamp": String(VECTOR.timestamp),
    "webhook-signature": VECTOR.signature,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<string, string>;
};

/** `v1,<base64 HMAC-SHA256>` of `id.timestamp.body` under `secret` (whsec_ + base64). */
async function sign(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const raw = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
}

/** The WebhookVerificationError a delivery is refused with. */
async function refused(promise: Promise<unknown>): Promise<WebhookVerificationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return error as WebhookVerificationError;
}

describe("verifyWebhook: the published test vector", () => {
  test("the vector's signature verifies, and the body comes back parsed", async () => {
    const event = await verifyWebhook({ body: VECTOR.body, headers: headers() }, VECTOR.secret, AT_VECTOR);
    expect(event).toEqual({ test: 2432232314 });
  });

  test("our own signing agrees with the vector (so the generated cases below sign the same way)", async () => {
    expect(await sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  test("as a Request, with the body as bytes or an ArrayBuffer, and without the whsec_ prefix", async () => {
    const request = new Request("https://example.com/webhook", {
      method: "POST",
      headers: headers(),
      body: VECTOR.body,
    });
    expect(await verifyWebhook(request, VECTOR.secret, AT_VECTOR)).toEqual({ test: 2432232314 });
    const bytes = new TextEncoder().encode(VECTOR.body);
    const unprefixed = VECTOR.secret.slice("whsec_".length);
    expect(await verifyWebhook({ body: bytes, headers: headers() }, unprefixed, AT_VECTOR)).toEqual({
      test: 2432232314,
    });
    expect(
      await verifyWebhook({ body: bytes.buffer, headers: new Headers(headers()) }, VECTOR.secret, AT_VECTOR),
    ).toEqual({ test: 2432232314 });
  });

  test("one changed byte of the body, the id or the timestamp breaks it", async () => {
    for (const delivery of [
      { body: VECTOR.body.replace("2432232314", "2432232315"), headers: headers() },
      { body: `${VECTOR.body} `, headers: headers() },
      { body: VECTOR.body, headers: headers({ "webhook-id": `${VECTOR.id}x` }) },
      { body: VECTOR.body, headers: headers({ "webhook-timestamp": String(VECTOR.timestamp + 1) }) },
    ]) {
      const error = await refused(verifyWebhook(delivery, VECTOR.secret, AT_VECTOR));
      expect(error.reason).toBe("no-matching-signature");
    }
  });
});

describe("verifyWebhook: refused deliveries", () => {
  test.each(["webhook-id", "webhook-timestamp", "webhook-signature"])("no %s header", async (name) => {
    const error = await refused(
      verifyWebhook({ body: VECTOR.body, headers: headers({ [name]: undefined }) }, VECTOR.secret, AT_VECTOR),
    );
    expect([error.reason, error.message]).toEqual(["missing-header", expect.stringContaining(name)]);
  });

  test.each([
    ["a timestamp that is not a number", { "webhook-timestamp": "hello" }, "invalid-timestamp"],
    ["an invalid signature", { "webhook-signature": "v1,dawfeoifkpqwoekfpqoekf" }, "no-matching-signature"],
    ["a partial signature", { "webhook-signature": VECTOR.signature.slice(0, 8) }, "no-matching-signature"],
    ["an empty signature", { "webhook-signature": "v1," }, "no-matching-signature"],
    [
      "only another version's signature",
      { "webhook-signature": `v2${VECTOR.signature.slice(2)}` },
      "no-matching-signature",
    ],
  ])("%s", async (_what, override, reason) => {
    const error = await refused(
      verifyWebhook({ body: VECTOR.body, headers: headers(override) }, VECTOR.secret, AT_VECTOR),
    );
    expect(error.reason).toBe(reason);
  });

  test("a delivery older or newer than the tolerance (default 5 minutes), even correctly signed", async () => {
    const fiveMinutes = 300_000;
    const old = await refused(
      verifyWebhook({ body: VECTOR.body, headers: headers() }, VECTOR.secret, {
        now: AT_VECTOR.now + fiveMinutes + 1000,
      }),
    );
    expect(old.reason).toBe("timestamp-too-old");
    const future = await refused(
      verifyWebhook({ body: VECTOR.body, headers: headers() }, VECTOR.secret, {
        now: AT_VECTOR.now - fiveMinutes - 1000,
      }),
    );
    expect(future.reason).toBe("timestamp-in-future");
    // Within the tolerance it passes; a wider tolerance accepts the older one.
    await verifyWebhook({ body: VECTOR.body, headers: headers() }, VECTOR.secret, {
      now: AT_VECTOR.now + fiveMinutes,
    });
    await verifyWebhook({ body: VECTOR.body, headers: headers() }, VECTOR.secret, {
      now: AT_VECTOR.now + fiveMinutes + 1000,
      tolerance: 600,
    });
  });

  test("a correctly signed body that is not JSON is refused as such", async () => {
    const now = Date.now();
    const ts = Math.floor(now / 1000);
    const signature = await sign(VECTOR.secret, "msg_1", ts, "not json");
    const error = await refused(
      verifyWebhook(
        {
          body: "not json",
          headers: headers({
            "webhook-id": "msg_1",
            "webhook-timestamp": String(ts),
            "webhook-signature": signature,
          }),
        },
        VECTOR.secret,
        { now },
      ),
    );
    expect(error.reason).toBe("invalid-json");
  });

  test("a Request body larger than maxBodyBytes is not read whole", async () => {
    const request = new Request("https://example.com/webhook", {
      method: "POST",
      headers: headers(),
      body: "x".repeat(2000),
    });
    const error = await refused(verifyWebhook(request, VECTOR.secret, { ...AT_VECTOR, maxBodyBytes: 1000 }));
    expect(error.reason).toBe("body-too-large");
  });

  test("a secret that is not one is a TypeError that does not quote it", async () => {
    for (const bad of ["", "whsec_", "whsec_not base64!", 42, []]) {
      const error = await verifyWebhook(
        { body: VECTOR.body, headers: headers() },
        bad as never,
        AT_VECTOR,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).not.toContain("not base64!");
    }
  });
});

describe("verifyWebhook: rotation", () => {
  test("several signatures in the header (the sender rotating): any v1 that matches is enough", async () => {
    const signatures = [
      "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
      "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
      VECTOR.signature,
      "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
    ].join(" ");
    const event = await verifyWebhook(
      { body: VECTOR.body, headers: headers({ "webhook-signature": signatures }) },
      VECTOR.secret,
      AT_VECTOR,
    );
    expect(event).toEqual({ test: 2432232314 });
  });

  test("several secrets (you rotating): the old and the new both verify; an unknown one does not", async () => {
    const fresh = `whsec_${btoa("0123456789abcdef0123456789abcdef")}`;
    const other = `whsec_${btoa("another secret of thirty-two b!!")}`;
    const now = Date.now();
    const ts = Math.floor(now / 1000);
    const body = JSON.stringify({
      id: "evt_1",
      object: "event",
      type: "response.completed",
      created_at: ts,
      data: { id: "resp_1" },
    });
    const byNew = await sign(fresh, "msg_2", ts, body);
    const delivery = {
      body,
      headers: headers({
        "webhook-id": "msg_2",
        "webhook-timestamp": String(ts),
        "webhook-signature": byNew,
      }),
    };
    const event = await verifyWebhook(delivery, [VECTOR.secret, fresh], { now });
    expect(event.type === "response.completed" && event.data.id).toBe("resp_1");
    const error = await refused(verifyWebhook(delivery, [VECTOR.secret, other], { now }));
    expect(error.reason).toBe("no-matching-signature");
  });
});
