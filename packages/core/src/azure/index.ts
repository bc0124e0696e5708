/**
 * `@oaikit/core/azure`: Azure OpenAI. `azure(options)` is the client configuration of a resource (its
 * v1 API or its dated deployments form, a resource key or an Entra ID token); `azureContentFilter`
 * types the content filter's refusals. A page that does not call Azure does not carry it.
 */
export { type AzureOptions, azure } from "./config.js";
export {
  type AzureChatCompletionChunk,
  type AzureContentFilter,
  azureContentFilter,
  type ContentFilterCategory,
  type ContentFilterResults,
  type ContentFilterSeverity,
} from "./content-filter.js";
