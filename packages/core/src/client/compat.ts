/**
 * Clients for OpenAI-compatible providers: lua-openai's `Gemini` and `OpenRouter` subclasses (only the
 * base URL and the default model differ), and a table of presets for other servers.
 */
import type { ClientConfig } from "./config.js";
import type { ApiKey } from "./credentials.js";
import { OpenAI } from "./openai.js";
import { mergeDefined } from "./payload.js";

/** Google Gemini through its OpenAI-compatible endpoint (lua-openai's `openai.compat.gemini`). */
export class Gemini extends OpenAI {
  static override baseURL = "https://generativelanguage.googleapis.com/v1beta/openai";
  static override defaultModel = "gemini-2.5-flash";
  // Google's compat endpoint does not document `stream_options`; don't send what it may refuse.
  static override streamUsage = false;
}

/** OpenRouter (lua-openai's `openai.compat.openrouter`). */
export class OpenRouter extends OpenAI {
  static override baseURL = "https://openrouter.ai/api/v1";
  static override defaultModel = "openai/gpt-4.1";
}

/** A provider preset: where it lives and a model to start with. */
export interface Preset {
  /** API base URL. */
  baseURL: string;
  /** A model this provider serves (override it with `defaultModel`). */
  defaultModel: string;
  /** Whether the provider needs an API key (local servers do not). */
  needsKey: boolean;
  /** Whether streamed chat may ask for usage (`stream_options`); false where the server refuses it. */
  streamUsage?: boolean;
}

/**
 * Known OpenAI-compatible providers. `local` is llama.cpp's `llama-server` default address (LM Studio
 * uses port 1234, vLLM 8000: pass `baseURL` to change it).
 */
export const presets = {
  openai: { baseURL: OpenAI.baseURL, defaultModel: OpenAI.defaultModel, needsKey: true },
  gemini: { baseURL: Gemini.baseURL, defaultModel: Gemini.defaultModel, needsKey: true, streamUsage: false },
  openrouter: { baseURL: OpenRouter.baseURL, defaultModel: OpenRouter.defaultModel, needsKey: true },
  groq: {
    baseURL: "https://api.groq.com/openai/v1",
    defaultModel: "llama-3.3-70b-versatile",
    needsKey: true,
  },
  deepseek: { baseURL: "https://api.deepseek.com/v1", defaultModel: "deepseek-chat", needsKey: true },
  // Mistral answers 422 to `stream_options.include_usage` (and sends usage on its last chunk anyway).
  mistral: {
    baseURL: "https://api.mistral.ai/v1",
    defaultModel: "mistral-small-latest",
    needsKey: true,
    streamUsage: false,
  },
  ollama: { baseURL: "http://localhost:11434/v1", defaultModel: "llama3.2", needsKey: false },
  local: { baseURL: "http://localhost:8080/v1", defaultModel: "local-model", needsKey: false },
} as const satisfies Record<string, Preset>;

/** The name of a preset. */
export type PresetName = keyof typeof presets;

/**
 * A client for a preset provider; `config` wins over the preset (e.g. another `baseURL` or model).
 *
 * ```ts
 * const groq = fromPreset("groq", apiKey);
 * const ollama = fromPreset("ollama", undefined, { defaultModel: "qwen3" });
 * ```
 */
export function fromPreset(name: PresetName, apiKey?: ApiKey, config: ClientConfig = {}): OpenAI {
  if (!Object.hasOwn(presets, name)) {
    throw new TypeError(
      `Unknown preset ${JSON.stringify(name)}; known presets: ${Object.keys(presets).join(", ")}.`,
    );
  }
  const preset: Preset = presets[name];
  const merged = mergeDefined(
    { baseURL: preset.baseURL, defaultModel: preset.defaultModel, streamUsage: preset.streamUsage },
    { ...config },
  );
  return new OpenAI(apiKey, merged);
}
