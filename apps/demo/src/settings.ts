/**
 * The page's settings: provider preset, base URL, model, API, and the API key. Everything but the key
 * is kept in localStorage; the key is kept in memory, or in sessionStorage (this tab only) when the
 * user asks for it. The key is never written to localStorage, IndexedDB or an export.
 */
import { presets } from "@oaikit/core";

/** Which API a new conversation uses. */
export type ApiKind = "chat" | "responses";

/** A provider preset of the settings panel. */
export type PresetId = "local" | "openai" | "gemini" | "openrouter" | "custom";

/** The settings that are safe to store. */
export interface Settings {
  preset: PresetId;
  baseURL: string;
  model: string;
  api: ApiKind;
  /** Keep the key in sessionStorage (this tab, until it closes) instead of memory only. */
  keepKeyInTab: boolean;
  /** Sync the conversations to the local demo server (`/sync`), so other browsers see them too. */
  sync: boolean;
}

/** The bundled local server's API base, injected at dev time by `pnpm demo` (see vite.config.ts). */
export const LOCAL_BASE_URL: string =
  (import.meta.env.VITE_OAIKIT_SERVER_URL as string | undefined) || "http://127.0.0.1:8787/v1";

/** The local server's sync handler (the same protocol as the Cloudflare and Deno ones; docs/sync.md). */
export const LOCAL_SYNC_URL = `${LOCAL_BASE_URL.replace(/\/v1\/?$/, "")}/sync`;
/** The demo server's one token (it maps to its one user): not a secret, the server is on this machine. */
export const LOCAL_SYNC_TOKEN = "oaikit-demo-local";

/** Base URL, default model and whether a key is needed, per preset. */
export const PRESETS: Record<PresetId, { label: string; baseURL: string; model: string; needsKey: boolean }> =
  {
    local: { label: "Local demo server", baseURL: LOCAL_BASE_URL, model: "oaikit-local", needsKey: false },
    openai: { label: "OpenAI", baseURL: presets.openai.baseURL, model: "gpt-4.1-mini", needsKey: true },
    gemini: {
      label: "Gemini",
      baseURL: presets.gemini.baseURL,
      model: presets.gemini.defaultModel,
      needsKey: true,
    },
    openrouter: {
      label: "OpenRouter",
      baseURL: presets.openrouter.baseURL,
      model: presets.openrouter.defaultModel,
      needsKey: true,
    },
    custom: { label: "Custom", baseURL: "http://localhost:11434/v1", model: "llama3.2", needsKey: false },
  };

const SETTINGS_KEY = "oaikit-demo:settings";
const KEY_KEY = "oaikit-demo:api-key";

/** The default settings: the local server, Chat Completions. */
export function defaultSettings(): Settings {
  return {
    preset: "local",
    baseURL: LOCAL_BASE_URL,
    model: "oaikit-local",
    api: "chat",
    keepKeyInTab: false,
    sync: false,
  };
}

/** Reads the stored settings (falling back to the defaults field by field). */
export function loadSettings(): Settings {
  const defaults = defaultSettings();
  try {
    const raw = JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? "{}") as Partial<Settings>;
    const preset = raw.preset && raw.preset in PRESETS ? raw.preset : defaults.preset;
    return {
      preset,
      // The local server's port changes between runs: always take today's.
      baseURL:
        preset === "local"
          ? LOCAL_BASE_URL
          : typeof raw.baseURL === "string"
            ? raw.baseURL
            : defaults.baseURL,
      model: typeof raw.model === "string" && raw.model ? raw.model : PRESETS[preset].model,
      api: raw.api === "responses" ? "responses" : "chat",
      keepKeyInTab: raw.keepKeyInTab === true,
      sync: raw.sync === true,
    };
  } catch {
    return defaults;
  }
}

/** Stores the settings (never the key). */
export function saveSettings(settings: Settings): void {
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
}

let memoryKey = "";

/** The API key: from memory, or from this tab's sessionStorage when kept there. */
export function loadKey(): string {
  return memoryKey || sessionStorage.getItem(KEY_KEY) || "";
}

/** Sets the key in memory, and in sessionStorage only when `keepInTab` (else removes it from there). */
export function saveKey(key: string, keepInTab: boolean): void {
  memoryKey = key;
  if (keepInTab && key) sessionStorage.setItem(KEY_KEY, key);
  else sessionStorage.removeItem(KEY_KEY);
}

/**
 * Where requests go: without a key, a preset that needs one falls back to the local server (so the
 * page works offline right after install); `fallback` says so, for a notice.
 */
export function effectiveTarget(
  settings: Settings,
  key: string,
): { baseURL: string; model: string; fallback: boolean } {
  if (!key && PRESETS[settings.preset].needsKey) {
    return { baseURL: LOCAL_BASE_URL, model: PRESETS.local.model, fallback: true };
  }
  return { baseURL: settings.baseURL, model: settings.model, fallback: false };
}
