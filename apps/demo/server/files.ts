import type { IncomingMessage, ServerResponse } from "node:http";
import { type FileObject, nowSeconds, type ServerContext } from "./context.ts";
import { HttpError, readBody, sendJson } from "./http.ts";

const PURPOSES = ["assistants", "batch", "fine-tune", "vision", "user_data", "evals"];

/**
 * `POST /v1/files`: a `multipart/form-data` upload with `file` and `purpose`. The body is parsed by
 * the platform's own WHATWG multipart parser (`Response#formData()`), boundaries, quoting and
 * binary content included.
 */
export async function handleUploadFile(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const contentType = req.headers["content-type"] ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType) || !/boundary=/i.test(contentType)) {
    throw new HttpError(
      400,
      `Invalid Content-Type header (${contentType || "none"}), expected multipart/form-data with a boundary.`,
    );
  }
  const body = await readBody(req);
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
  } catch (error) {
    throw new HttpError(400, `Could not parse the multipart body: ${(error as Error).message}`);
  }
  const purpose = form.get("purpose");
  if (typeof purpose !== "string" || purpose === "") {
    throw new HttpError(400, "Missing required parameter: 'purpose'.", {
      param: "purpose",
      code: "missing_required_parameter",
    });
  }
  if (!PURPOSES.includes(purpose)) {
    throw new HttpError(400, `Invalid 'purpose': expected one of ${PURPOSES.join(", ")}.`, {
      param: "purpose",
    });
  }
  const file = form.get("file");
  if (file === null || typeof file === "string") {
    throw new HttpError(400, "Missing required parameter: 'file' (a file part with a filename).", {
      param: "file",
      code: "missing_required_parameter",
    });
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const object: FileObject = {
    id: ctx.newId("file-"),
    object: "file",
    bytes: bytes.byteLength,
    created_at: nowSeconds(),
    filename: file.name,
    purpose,
    status: "processed",
    expires_at: null,
    status_details: null,
  };
  ctx.files.set(object.id, { object, bytes, contentType: file.type || "application/octet-stream" });
  sendJson(res, 200, object);
}

/** `GET /v1/files` (newest first; `purpose` filters). */
export function handleListFiles(ctx: ServerContext, res: ServerResponse, url: URL): void {
  const purpose = url.searchParams.get("purpose");
  const data = [...ctx.files.values()]
    .map((f) => f.object)
    .filter((f) => !purpose || f.purpose === purpose)
    .reverse();
  sendJson(res, 200, {
    object: "list",
    data,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
    has_more: false,
  });
}

function stored(ctx: ServerContext, id: string) {
  const file = ctx.files.get(id);
  if (!file) throw new HttpError(404, `No such File object: ${id}`, { param: "id" });
  return file;
}

/** `GET /v1/files/:id`. */
export function handleGetFile(ctx: ServerContext, res: ServerResponse, id: string): void {
  sendJson(res, 200, stored(ctx, id).object);
}

/** `GET /v1/files/:id/content`: the uploaded bytes. */
export function handleFileContent(ctx: ServerContext, res: ServerResponse, id: string): void {
  const file = stored(ctx, id);
  res.writeHead(200, { "content-type": file.contentType, "content-length": String(file.bytes.byteLength) });
  res.end(file.bytes);
}

/** `DELETE /v1/files/:id`. */
export function handleDeleteFile(ctx: ServerContext, res: ServerResponse, id: string): void {
  stored(ctx, id);
  ctx.files.delete(id);
  sendJson(res, 200, { id, object: "file", deleted: true });
}
