/**
 * `@oaikit/core/conversations`: server-side conversations for the Responses API (pass
 * `conversation: id` to `createResponse` and the API keeps the history), as functions of a client.
 *
 * ```ts
 * import { createClient } from "@oaikit/core";
 * import { addConversationItems, createConversation } from "@oaikit/core/conversations";
 * const client = createClient(apiKey);
 * const conversation = await createConversation(client, { metadata: { topic: "demo" } });
 * if (conversation.ok) {
 *   await addConversationItems(client, conversation.data.id, [{ type: "message", role: "user", content: "Hi" }]);
 * }
 * ```
 */
import type { Client } from "../client/client.js";
import type { RequestOptions } from "../client/config.js";
import { callInit, checkPresent } from "../client/payload.js";
import type { ApiResult } from "../client/result.js";
import type { RouteBody, RouteCallQuery, RouteData } from "../client/routes.js";

/** A conversation (the document's `ConversationResource`). */
export type Conversation = RouteData<"GET /conversations/{conversation_id}">;
/** The parameters of `createConversation`: initial `items` and `metadata`. */
export type ConversationCreateParams = NonNullable<RouteBody<"POST /conversations">>;
/** An item to add to a conversation (the document's input items). */
export type ConversationInputItem = RouteBody<"POST /conversations/{conversation_id}/items">["items"][number];

function path(conversationId: string, name: string): { conversation_id: string } {
  checkPresent(conversationId, `${name}: conversationId must be provided.`);
  return { conversation_id: conversationId };
}

/** `POST /conversations`: a new conversation, optionally with its first `items` and `metadata`. */
export function createConversation(
  client: Client,
  params: ConversationCreateParams = {},
  options?: RequestOptions,
): Promise<ApiResult<Conversation>> {
  return client.call("POST /conversations", callInit(options, { body: params }));
}

/** `GET /conversations/{id}`: a conversation (its id, creation time and metadata). */
export function conversation(
  client: Client,
  conversationId: string,
  options?: RequestOptions,
): Promise<ApiResult<Conversation>> {
  return client.call(
    "GET /conversations/{conversation_id}",
    callInit(options, { path: path(conversationId, "conversation(client, conversationId)") }),
  );
}

/** `POST /conversations/{id}`: replaces a conversation's `metadata`. */
export function updateConversation(
  client: Client,
  conversationId: string,
  metadata: RouteBody<"POST /conversations/{conversation_id}">["metadata"],
  options?: RequestOptions,
): Promise<ApiResult<Conversation>> {
  return client.call(
    "POST /conversations/{conversation_id}",
    callInit(options, {
      path: path(conversationId, "updateConversation(client, conversationId, metadata)"),
      body: { metadata },
    }),
  );
}

/** `DELETE /conversations/{id}`: deletes a conversation (its items go with it). */
export function deleteConversation(
  client: Client,
  conversationId: string,
  options?: RequestOptions,
): Promise<ApiResult<RouteData<"DELETE /conversations/{conversation_id}">>> {
  return client.call(
    "DELETE /conversations/{conversation_id}",
    callInit(options, { path: path(conversationId, "deleteConversation(client, conversationId)") }),
  );
}

/**
 * `GET /conversations/{id}/items`: a page of a conversation's items (`query`: `after`, `limit`,
 * `order`). Every page: `paginate(client, "GET /conversations/{conversation_id}/items", { path })`.
 */
export function conversationItems(
  client: Client,
  conversationId: string,
  query?: RouteCallQuery<"GET /conversations/{conversation_id}/items">,
  options?: RequestOptions,
): Promise<ApiResult<RouteData<"GET /conversations/{conversation_id}/items">>> {
  return client.call(
    "GET /conversations/{conversation_id}/items",
    callInit(options, { path: path(conversationId, "conversationItems(client, conversationId)"), query }),
  );
}

/** `POST /conversations/{id}/items`: adds items (messages, tool outputs, ...) to a conversation, at most 20 at a time. */
export function addConversationItems(
  client: Client,
  conversationId: string,
  items: ConversationInputItem[],
  options?: RequestOptions,
): Promise<ApiResult<RouteData<"POST /conversations/{conversation_id}/items">>> {
  if (!Array.isArray(items) || items.length === 0) {
    throw new TypeError(
      'addConversationItems(client, conversationId, items): items must be a non-empty array, e.g. [{ type: "message", role: "user", content: "Hi" }].',
    );
  }
  return client.call(
    "POST /conversations/{conversation_id}/items",
    callInit(options, {
      path: path(conversationId, "addConversationItems(client, conversationId, items)"),
      body: { items },
    }),
  );
}
