// A durable chat page: the lean client, a chat session kept in IndexedDB, one streamed send.
import { createClient } from "../../../packages/core/dist/index.js";
import { openChatSession } from "../../../packages/sessions/dist/index.js";

export async function run(baseURL) {
  const client = createClient(undefined, { baseURL });
  const chat = await openChatSession(client, { id: "page" });
  for await (const chunk of chat.sendStream("Hi")) console.log(String(chunk));
  return chat.messages;
}
