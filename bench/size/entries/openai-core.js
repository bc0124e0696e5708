// The whole official SDK's main entry.
export * from "openai";
export { default } from "openai";
