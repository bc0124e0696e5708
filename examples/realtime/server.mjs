// The Realtime API's WebRTC flow, oaikit's part: this server holds the API key and mints a short-lived
// client secret for each browser session (`createRealtimeClientSecret`); the page (index.html) fetches
// it and would use it as the bearer token of its WebRTC offer. The media connection itself (the
// RTCPeerConnection, the microphone, the SDP exchange) is the browser's and out of oaikit's scope.
//
//   OPENAI_API_KEY=sk-... node examples/realtime/server.mjs      then open http://127.0.0.1:8788
//
// OPENAI_BASE_URL points it at another server (a mock); PORT changes the port.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createClient } from "@oaikit/core";
import { createRealtimeClientSecret } from "@oaikit/core/realtime";

const client = createClient(process.env.OPENAI_API_KEY, { baseURL: process.env.OPENAI_BASE_URL });
const port = Number(process.env.PORT ?? 8788);
const page = new URL("./index.html", import.meta.url);

const server = createServer(async (req, res) => {
  if (req.method === "GET" && req.url === "/") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(await readFile(page));
    return;
  }
  if (req.method === "POST" && req.url === "/session") {
    // In a real app: check who is asking first. The secret is good for one session and expires.
    const result = await createRealtimeClientSecret(
      client,
      { type: "realtime", model: "gpt-realtime", audio: { output: { voice: "marin" } } },
      { expires_after: { anchor: "created_at", seconds: 120 } },
    );
    if (!result.ok) {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: result.error.message }));
      return;
    }
    // Only the secret and its expiry go to the browser; never the API key.
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ value: result.data.value, expires_at: result.data.expires_at }));
    return;
  }
  res.writeHead(404).end();
});

server.listen(port, "127.0.0.1", () => console.log(`open http://127.0.0.1:${port}`));
