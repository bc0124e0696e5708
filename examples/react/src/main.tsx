import { createClient } from "@oaikit/core";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";

// Any OpenAI-compatible server: `?api=<base URL>`, else the oaikit demo server (`pnpm demo`).
const api = new URLSearchParams(location.search).get("api") ?? "http://127.0.0.1:8787/v1";
const client = createClient(undefined, { baseURL: api, defaultModel: "oaikit-local" });

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
