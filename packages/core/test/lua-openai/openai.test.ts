/**
 * Port of lua-openai `spec/openai_spec.moon` (22 cases). lua-openai mocked `socket.http` or stubbed client
 * methods; here a real node:http server on 127.0.0.1 answers with the same bodies and chunk boundaries
 * and records each request, so the "exact params" checks look at the JSON body the server received.
 *
 * Adjustments (each also commented where it happens):
 * - Failures: lua-openai returned `nil, err, raw`; here the session throws a typed error with the same
 *   text and `raw` (DESIGN.md §3).
 * - Params: lua-openai stubbed the client method and saw the session's params before the client added its
 *   `model` default; on the wire that default is present (`gpt-4.1`), so the expected bodies include it.
 * - Raw streaming calls resolve to an `ApiResult` whose `data` is the aggregate (DESIGN.md §2), not
 *   the raw SSE text.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { OpenAI } from "../../src/client/openai.js";
import { ChatSessionError } from "../../src/errors/errors.js";
import { ChatSession } from "../../src/sessions/chat-session.js";
import { ResponsesChatSession } from "../../src/sessions/responses-session.js";
import type { ContentChunk } from "../../src/stream/content-chunk.js";
import type { ChatCompletionChunk } from "../../src/types/chat.js";
import type { ResponseStreamEvent } from "../../src/types/responses.js";
import { paramsOf, useMockServer } from "./mock.js";

const server = useMockServer();
const client = () => new OpenAI("test-api-key", { baseURL: server.baseURL, maxRetries: 0 });

/** lua-openai's streaming mock: two events in the first write (the second with leading spaces), no final newline. */
const SEED_CHAT_CHUNKS = [
  'data: {"object": "chat.completion.chunk", "choices": [{"delta": {"content": "This is "}, "index": 0}]}\n\n' +
    '            data: {"object": "chat.completion.chunk", "choices": [{"delta": {"content": "a chat "}, "index": 1}]}\n',
  'data: {"object": "chat.completion.chunk", "choices": [{"delta": {"content": "response."}, "index": 2}]}\n',
  "data: [DONE]",
];

const rawChunk = (content: string, index: number) => ({
  object: "chat.completion.chunk",
  choices: [{ delta: { content }, index }],
});

const RESPONSES_STREAM = (id: string, text: string, deltas: string[]) => [
  ...deltas.map(
    (delta) => `data: {"type": "response.output_text.delta", "delta": ${JSON.stringify(delta)}}\n`,
  ),
  `data: {"type": "response.completed", "response": {"id": "${id}", "object": "response", "output": [{"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": ${JSON.stringify(text)}}]}]}}\n`,
  "data: [DONE]\n",
];

const buildResponse = (id: string, text: string) => ({
  id,
  object: "response",
  model: "gpt-4.1-mini",
  output: [{ id: `msg_${id}`, type: "message", role: "assistant", content: [{ type: "output_text", text }] }],
  usage: {},
  status: "completed",
});

describe("OpenAI API Client", () => {
  it("generates chat response", async () => {
    const result = await client().createChatCompletion([
      { role: "system", content: "You are an assistant that speaks like Shakespeare." },
      { role: "user", content: "tell me a joke" },
    ]);
    expect(result.status).toBe(200);
    expect(result.ok && result.data.choices[0]).toEqual({
      message: { content: "This is a chat response.", role: "assistant" },
    });
    expect(server.requests[0]?.path).toBe("/chat/completions");
  });

  it("generates completion response", async () => {
    const result = await client().completion("Tell me a joke.");
    expect(result.status).toBe(200);
    expect(result.ok && result.data.choices[0]?.text).toBe("This is a completion response.");
    expect(server.requests[0]?.path).toBe("/completions");
  });

  describe("chat session", () => {
    it("simple exchange", async () => {
      const c = client();
      const chat = new ChatSession(c, { temperature: 0.75 });

      server.handle(() => ({
        json: { usage: {}, choices: [{ message: { content: "I am you", role: "assistant" } }] },
      }));
      expect(await chat.send("Who are you?")).toBe("I am you");
      expect(server.requests[0]?.body?.messages).toEqual([{ role: "user", content: "Who are you?" }]);
      // Exactly the set keys: temperature, plus the client's default model (lua-openai: `{temperature = 0.75}`).
      expect(paramsOf(server.requests[0])).toStrictEqual({ model: "gpt-4.1", temperature: 0.75 });

      // verify that all the messages are stored
      expect(chat.messages).toEqual([
        { role: "user", content: "Who are you?" },
        { role: "assistant", content: "I am you" },
      ]);

      server.handle(() => ({
        json: { usage: {}, choices: [{ message: { content: "You're welcome", role: "assistant" } }] },
      }));
      expect(await chat.send("Thank you")).toBe("You're welcome");
      expect(server.requests[0]?.body?.messages).toEqual([
        { role: "user", content: "Who are you?" },
        { role: "assistant", content: "I am you" },
        { role: "user", content: "Thank you" },
      ]);
      expect(paramsOf(server.requests[0])).toStrictEqual({ model: "gpt-4.1", temperature: 0.75 });
    });

    it("handles error responses", async () => {
      const chat = new ChatSession(client(), { model: "gpt-4" });
      // lua-openai returned {nil, err, raw}; the session throws ChatSessionError with that text and raw.
      const failure = async () => {
        const error = await chat.send("Hello").then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ChatSessionError);
        const e = error as ChatSessionError;
        return [e.message, e.raw];
      };

      // bad status
      server.handle(() => ({ status: 400, json: {} }));
      expect(await failure()).toEqual(["Bad status: 400", {}]);

      // bad status with error
      server.handle(() => ({ status: 400, json: { error: { message: "Not valid thing" } } }));
      expect(await failure()).toEqual([
        "Bad status: 400: Not valid thing",
        { error: { message: "Not valid thing" } },
      ]);

      // bad status with error message and code
      server.handle(() => ({ status: 400, json: { error: { message: "Not valid thing", code: "99" } } }));
      expect(await failure()).toEqual([
        "Bad status: 400: Not valid thing (99)",
        { error: { message: "Not valid thing", code: "99" } },
      ]);

      // malformed output
      server.handle(() => ({ json: { usage: {} } }));
      expect(await failure()).toEqual([
        'Failed to parse response from server: field "choices": expected type "table", got "nil"',
        { usage: {} },
      ]);
    });

    it("with functions", async () => {
      const system = {
        role: "system" as const,
        content:
          "You are a calculator with access to specified set of functions. All computation should be done with the functions",
      };
      const functions = [
        {
          name: "sqrt",
          description: "Calculate square root of a number",
          parameters: { type: "object", properties: { a: { type: "number" } } },
        },
      ];
      server.handle(() => ({
        json: {
          usage: {},
          choices: [
            {
              message: {
                role: "assistant",
                function_call: { name: "sqrt", arguments: '{ "a": 23892391 }' },
                content: null,
              },
            },
          ],
        },
      }));

      const chat = new ChatSession(client(), { model: "gpt-4-0613", messages: [system], functions });
      const res = await chat.send("Calculate the square root of 23892391");
      expect(server.requests[0]?.body?.messages).toEqual([
        system,
        { role: "user", content: "Calculate the square root of 23892391" },
      ]);
      expect(paramsOf(server.requests[0])).toStrictEqual({ model: "gpt-4-0613", functions });

      // returns message object instead of string result due to function call
      expect(res).toStrictEqual({
        role: "assistant",
        function_call: { name: "sqrt", arguments: '{ "a": 23892391 }' },
        content: null,
      });

      server.handle(() => ({
        json: { usage: {}, choices: [{ message: { role: "assistant", content: "Good work!" } }] },
      }));
      // send the response
      const final = await chat.send({ role: "function", name: "sqrt", content: "99" });
      expect(server.requests[0]?.body?.messages).toStrictEqual([
        system,
        { role: "user", content: "Calculate the square root of 23892391" },
        {
          role: "assistant",
          function_call: { name: "sqrt", arguments: '{ "a": 23892391 }' },
          content: null, // it must preserve null values
        },
        { role: "function", name: "sqrt", content: "99" },
      ]);
      expect(paramsOf(server.requests[0])).toStrictEqual({ model: "gpt-4-0613", functions });
      expect(final).toBe("Good work!");
    });

    it("with tool calls", async () => {
      const tools = [
        {
          type: "function",
          function: {
            name: "convert_currency",
            description: "Convert an amount from one currency to another.",
            parameters: {
              type: "object",
              properties: { amount: { type: "number" }, from: { type: "string" }, to: { type: "string" } },
              required: ["amount", "from", "to"],
            },
          },
        },
      ];
      const toolCall = {
        id: "call_abc",
        type: "function",
        function: { name: "convert_currency", arguments: '{"amount": 25, "from": "USD", "to": "EUR"}' },
      };
      server.handle(() => ({
        json: { usage: {}, choices: [{ message: { role: "assistant", tool_calls: [toolCall] } }] },
      }));

      const chat = new ChatSession(client(), {
        model: "gpt-4o-mini",
        messages: [{ role: "system", content: "You convert currency" }],
        tools,
        tool_choice: "auto",
        parallel_tool_calls: true,
      });
      const res = await chat.send("How much is 25 USD in EUR?");
      expect(server.requests[0]?.body?.messages).toEqual([
        { role: "system", content: "You convert currency" },
        { role: "user", content: "How much is 25 USD in EUR?" },
      ]);
      const expectedParams = { model: "gpt-4o-mini", tools, tool_choice: "auto", parallel_tool_calls: true };
      expect(paramsOf(server.requests[0])).toStrictEqual(expectedParams);
      expect(res).toStrictEqual({ role: "assistant", tool_calls: [toolCall] });

      server.handle(() => ({
        json: {
          usage: {},
          choices: [{ message: { role: "assistant", content: "25 USD is about 22.9 EUR." } }],
        },
      }));
      const toolMessage = {
        role: "tool" as const,
        tool_call_id: "call_abc",
        content: '{"amount": 25, "from": "USD", "to": "EUR", "converted": 22.9}',
      };
      const toolResult = await chat.send(toolMessage);
      expect(server.requests[0]?.body?.messages).toStrictEqual([
        { role: "system", content: "You convert currency" },
        { role: "user", content: "How much is 25 USD in EUR?" },
        { role: "assistant", tool_calls: [toolCall] },
        toolMessage,
      ]);
      expect(paramsOf(server.requests[0])).toStrictEqual(expectedParams);
      expect(toolResult).toBe("25 USD is about 22.9 EUR.");
    });

    it("with per-request option overrides", async () => {
      server.handle(() => ({
        json: { usage: {}, choices: [{ message: { content: "Hi there", role: "assistant" } }] },
      }));
      const chat = new ChatSession(client(), { temperature: 0.75, tool_choice: "auto" });
      const res = await chat.send("Hello", { tool_choice: "none" });
      expect(server.requests[0]?.body?.messages).toEqual([{ role: "user", content: "Hello" }]);
      // lua-openai: exactly {temperature = 0.75, tool_choice = "none"}; plus the client's default model on the wire.
      expect(paramsOf(server.requests[0])).toStrictEqual({
        model: "gpt-4.1",
        temperature: 0.75,
        tool_choice: "none",
      });
      expect(res).toBe("Hi there");
    });
  });

  describe("streaming", () => {
    beforeEach(() => {
      server.handle(() => ({ chunks: SEED_CHAT_CHUNKS }));
    });

    it("processes streaming chunks", async () => {
      const chat = new ChatSession(client(), { messages: [{ role: "user", content: "tell me a joke" }] });
      const received: [ContentChunk, ChatCompletionChunk][] = [];
      const response = await chat.send("Why did the chicken cross the road?", (chunk, raw) => {
        received.push([chunk, raw]);
      });

      // Callback receives parsed chunk {content, index} and raw event object
      expect(received).toEqual([
        [{ content: "This is ", index: 0 }, rawChunk("This is ", 0)],
        [{ content: "a chat ", index: 1 }, rawChunk("a chat ", 1)],
        [{ content: "response.", index: 2 }, rawChunk("response.", 2)],
      ]);
      // Verify chunk has a toString (lua-openai's __tostring)
      expect(String(received[0]?.[0])).toBe("This is ");
      expect(response).toBe("This is a chat response.");
      expect(server.requests[0]?.body?.stream).toBe(true);
    });

    it("processes streaming chunks with create_chat_completion (raw)", async () => {
      const received: unknown[] = [];
      const result = await client().createChatCompletion(
        [{ role: "user", content: "tell me a joke" }],
        { stream: true },
        (chunk) => {
          received.push(chunk);
        },
      );
      expect(result.status).toBe(200);
      // createChatCompletion passes raw JSON chunks
      expect(received).toEqual([rawChunk("This is ", 0), rawChunk("a chat ", 1), rawChunk("response.", 2)]);
    });

    it("handles SSE comments in stream", async () => {
      server.handle(() => ({
        chunks: [
          ": OPENROUTER PROCESSING\n",
          'data: {"object": "chat.completion.chunk", "choices": [{"delta": {"content": "Hello"}, "index": 0}]}\n',
          ": keep-alive comment\n",
          'data: {"object": "chat.completion.chunk", "choices": [{"delta": {"content": " world"}, "index": 1}]}\n',
          "data: [DONE]",
        ],
      }));
      const received: unknown[] = [];
      const result = await client().createChatCompletion(
        [{ role: "user", content: "test" }],
        { stream: true },
        (c) => {
          received.push(c);
        },
      );
      expect(result.status).toBe(200);
      expect(received).toHaveLength(2); // Only data chunks, not comments
    });

    it("processes streaming tool calls", async () => {
      const toolDelta = (fields: string) =>
        `data: {"object": "chat.completion.chunk", "choices": [{"delta": {"tool_calls": [${fields}]}, "index": 0}]}\n`;
      server.handle(() => ({
        chunks: [
          toolDelta(
            '{"index": 0, "id": "call_tool", "type": "function", "function": {"name": "convert_currency"}}',
          ),
          toolDelta('{"index": 0, "function": {"arguments": "{\\"amount\\":25"}}'),
          toolDelta('{"index": 0, "function": {"arguments": ",\\"from\\":\\"USD\\""}}'),
          toolDelta('{"index": 0, "function": {"arguments": ",\\"to\\":\\"EUR\\"}"}}'),
          "data: [DONE]",
        ],
      }));
      const chat = new ChatSession(client(), {
        messages: [{ role: "user", content: "Convert 25 USD to EUR" }],
        tools: [{ type: "function", function: { name: "convert_currency", parameters: {} } }],
        tool_choice: "auto",
      });
      const received: unknown[] = [];
      const response = await chat.send("Convert 25 USD to EUR", (chunk, raw) => {
        received.push([chunk, raw]);
      });

      expect(response).toStrictEqual({
        role: "assistant",
        tool_calls: [
          {
            id: "call_tool",
            type: "function",
            function: { name: "convert_currency", arguments: '{"amount":25,"from":"USD","to":"EUR"}' },
          },
        ],
      });
      // Verify response is appended to chat history
      expect(chat.messages[chat.messages.length - 1]).toEqual(response);
      expect(received).toHaveLength(4);
    });
  });

  describe("responses", () => {
    it("creates a response (raw API)", async () => {
      const result = await client().createResponse("Say hello");
      expect(result.status).toBe(200);
      expect(result.ok && result.data.id).toBe("resp_123");
      expect(result.ok && result.data.status).toBe("completed");
    });

    it("tracks previous_response_id in a session", async () => {
      server.handle(({ method, path, body }, call) => {
        expect(method).toBe("POST");
        expect(path).toBe("/responses");
        if (call === 1) {
          expect(body).not.toHaveProperty("previous_response_id");
          return { json: buildResponse("resp_first", "First reply") };
        }
        expect(body?.previous_response_id).toBe("resp_first");
        return { json: buildResponse("resp_second", "Second reply") };
      });
      const session = new ResponsesChatSession(client(), { model: "gpt-4.1-mini" });

      const first = await session.send("Hello");
      expect(first.id).toBe("resp_first");
      expect(first.getOutputText()).toBe("First reply");

      const second = await session.send("Hello again");
      expect(second.id).toBe("resp_second");
      expect(second.getOutputText()).toBe("Second reply");

      expect(session.responseHistory).toEqual([first, second]);
      expect(server.requests).toHaveLength(2);
    });

    it("with per-request option overrides", async () => {
      server.handle(({ method, path }) => {
        expect([method, path]).toEqual(["POST", "/responses"]);
        return { json: { ...buildResponse("resp_opts", "Tool response"), id: "resp_opts" } };
      });
      const session = new ResponsesChatSession(client(), { model: "gpt-4.1-mini" });
      const response = await session.send("Use the tool", { tool_choice: "required" });
      expect(server.requests[0]?.body?.tool_choice).toBe("required");
      expect(server.requests[0]?.body?.model).toBe("gpt-4.1-mini");
      expect(response.getOutputText()).toBe("Tool response");
    });

    it("send with function arg for backward compat", async () => {
      server.handle(() => ({ chunks: RESPONSES_STREAM("resp_compat", "Streamed", ["Streamed"]) }));
      const session = new ResponsesChatSession(client(), { model: "gpt-4.1-mini" });
      const received: string[] = [];
      const result = await session.send("Hello", (chunk) => {
        received.push(String(chunk));
      });
      expect(server.requests[0]?.body?.stream).toBe(true);
      expect(result).toBe("Streamed");
      expect(received).toEqual(["Streamed"]);
    });

    it("handles tool call round-trip", async () => {
      server.handle(({ method, path, body }, call) => {
        expect([method, path]).toEqual(["POST", "/responses"]);
        if (call === 1) {
          // First call: user message, model responds with a function_call
          expect(body?.tool_choice).toBe("required");
          expect(body?.input).toBe("What is 1 + 2?");
          return {
            json: {
              id: "resp_tool",
              object: "response",
              model: "gpt-4.1-mini",
              output: [
                {
                  id: "fc_123",
                  type: "function_call",
                  name: "add_numbers",
                  arguments: '{"a":1,"b":2}',
                  call_id: "call_abc",
                  status: "completed",
                },
              ],
              usage: {},
              status: "completed",
            },
          };
        }
        // Second call: tool result, model responds with text
        expect(body?.tool_choice).toBe("none");
        expect(body?.previous_response_id).toBe("resp_tool");
        expect(body?.input).toEqual([
          { type: "function_call_output", call_id: "call_abc", output: '{"sum":3}' },
        ]);
        return { json: buildResponse("resp_final", "The sum is 3.") };
      });
      const session = new ResponsesChatSession(client(), { model: "gpt-4.1-mini" });

      // First send: get tool call back
      const response = await session.send("What is 1 + 2?", { tool_choice: "required" });
      expect(response.id).toBe("resp_tool");
      expect(response.output).toHaveLength(1);
      expect(response.output[0]?.type).toBe("function_call");
      expect(response.output[0]?.name).toBe("add_numbers");
      expect(response.output[0]?.call_id).toBe("call_abc");

      // Second send: return tool result, get text back
      const final = await session.send(
        [{ type: "function_call_output", call_id: "call_abc", output: '{"sum":3}' }],
        {
          tool_choice: "none",
        },
      );
      expect(final.id).toBe("resp_final");
      expect(final.getOutputText()).toBe("The sum is 3.");
      expect(server.requests).toHaveLength(2);
    });

    it("uses custom model in session", async () => {
      server.handle(() => ({
        json: { ...buildResponse("resp_custom", "Custom model reply"), model: "my-custom-model" },
      }));
      const session = new ResponsesChatSession(client(), { model: "my-custom-model" });
      const response = await session.send("Hello");
      expect(server.requests[0]?.body?.model).toBe("my-custom-model");
      expect(response.id).toBe("resp_custom");
      expect(response.getOutputText()).toBe("Custom model reply");
    });

    it("retrieves a stored response by id (raw API)", async () => {
      server.handle(() => ({
        json: {
          id: "resp_123",
          object: "response",
          output: [
            { type: "message", role: "assistant", content: [{ type: "output_text", text: "Stored reply" }] },
          ],
        },
      }));
      const result = await client().response("resp_123");
      expect([server.requests[0]?.method, server.requests[0]?.path]).toEqual(["GET", "/responses/resp_123"]);
      expect(result.status).toBe(200);
      expect(result.ok && result.data.id).toBe("resp_123");
    });

    it("deletes a stored response", async () => {
      server.handle(() => ({ json: { deleted: true } }));
      const result = await client().deleteResponse("resp_delete");
      expect([server.requests[0]?.method, server.requests[0]?.path]).toEqual([
        "DELETE",
        "/responses/resp_delete",
      ]);
      expect(result.status).toBe(200);
      expect(result.ok && result.data).toEqual({ deleted: true });
    });

    it("cancels an in-progress response", async () => {
      server.handle(() => ({ json: { cancelled: true } }));
      const result = await client().cancelResponse("resp_cancel");
      expect([server.requests[0]?.method, server.requests[0]?.path]).toEqual([
        "POST",
        "/responses/resp_cancel/cancel",
      ]);
      expect(result.status).toBe(200);
      expect(result.ok && result.data).toEqual({ cancelled: true });
    });

    it("streams response deltas (raw API)", async () => {
      server.handle(() => ({ chunks: RESPONSES_STREAM("resp_stream", "Hello world", ["Hello", " world"]) }));
      const received: ResponseStreamEvent[] = [];
      const result = await client().createResponse("Say hello back", { stream: true }, (event) => {
        received.push(event);
      });
      expect(result.status).toBe(200);
      // lua-openai returned the raw SSE text; here `data` is the response.completed object (DESIGN.md §2).
      expect(result.ok && result.data.id).toBe("resp_stream");

      // Stream callback received raw event objects
      expect(received).toHaveLength(3);
      expect(received[0]).toEqual({ type: "response.output_text.delta", delta: "Hello" });
      expect(received[1]).toEqual({ type: "response.output_text.delta", delta: " world" });
      expect(received[2]?.type).toBe("response.completed");
    });

    it("streams response deltas via session", async () => {
      server.handle(() => ({ chunks: RESPONSES_STREAM("resp_stream", "Hello world", ["Hello", " world"]) }));
      const received: [ContentChunk, ResponseStreamEvent][] = [];
      const session = new ResponsesChatSession(client(), { model: "gpt-4.1-mini" });
      const out = await session.send("Say hello back", (delta, raw) => {
        received.push([delta, raw]);
      });

      // Session returns accumulated text
      expect(out).toBe("Hello world");
      // Callback receives parsed event {content} and raw event object
      expect(received).toEqual([
        [{ content: "Hello" }, { type: "response.output_text.delta", delta: "Hello" }],
        [{ content: " world" }, { type: "response.output_text.delta", delta: " world" }],
      ]);
      // Verify chunk has a toString (lua-openai's __tostring)
      expect(String(received[0]?.[0])).toBe("Hello");
      // The id of response.completed is kept for the next send.
      expect(session.currentResponseId).toBe("resp_stream");
    });
  });
});
