/**
 * hono routes whose handlers write to Node's `ServerResponse` themselves.
 *
 * hono routes and answers the CORS preflights (`cors()`); the handlers stay on node:http's response
 * because what this server exists for is control of the wire: each `write()` is one read on the
 * client's side, a stream pauses between events, a body stops half-way, a socket is destroyed
 * mid-body, a response never ends. A web `Response` with a `ReadableStream` body hands its chunks to
 * the adapter, which decides when and how they are written; it cannot destroy a socket or lie about a
 * `Content-Length`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Context, Handler } from "hono";

/** The hono environment of this server: Node's request and response are `c.env.incoming` / `outgoing`. */
export interface NodeEnv {
  Bindings: HttpBindings;
}

/** A handler on Node's request and response; `url` is the request URL (path and query as sent). */
export type NodeHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  c: Context<NodeEnv>,
) => void | Promise<void>;

/**
 * A hono handler that runs `handler` on Node's request and response. The headers middleware set before
 * it (CORS, the request id) are copied onto the Node response first, so they go out with whatever the
 * handler writes.
 */
export function node(handler: NodeHandler): Handler<NodeEnv> {
  return (c) => answer(c, handler);
}

/** Runs `handler` on this request's Node request and response (see {@link node}), for a `notFound`. */
export async function answer(c: Context<NodeEnv>, handler: NodeHandler): Promise<Response> {
  const { incoming, outgoing } = c.env;
  for (const [name, value] of c.res.headers) outgoing.setHeader(name, value);
  await handler(incoming, outgoing, new URL(incoming.url ?? "/", "http://127.0.0.1"), c);
  return RESPONSE_ALREADY_SENT;
}

/** What a route does after a handler threw: the error as a response, or a cut connection once the head is out. */
export function nodeError(
  c: Context<NodeEnv>,
  answer: (res: ServerResponse) => void,
): Response | Promise<Response> {
  const res = c.env.outgoing;
  if (res.headersSent) res.destroy();
  else answer(res);
  return RESPONSE_ALREADY_SENT;
}
