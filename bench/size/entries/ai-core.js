// The whole of `ai` and `@ai-sdk/openai`.

export * from "@ai-sdk/openai";
export * from "ai";
