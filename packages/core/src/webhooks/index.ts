/**
 * `@oaikit/core/webhooks`: `verifyWebhook` checks a Standard Webhooks delivery (OpenAI's webhooks) with
 * Web Crypto and returns its typed event. Runs in Workers, Deno, Bun, Node and browsers alike.
 */
export {
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookDelivery,
  type WebhookEvent,
  type WebhookFailure,
  WebhookVerificationError,
} from "./verify.js";
