/**
 * How the Deno KV store keeps one record: its UTF-8 JSON as one value when it fits in
 * {@link KV_CHUNK_BYTES}, else split into chunks under a fresh tag, with a small pointer as the record's
 * value. A pointer names its tag, its number of chunks and its byte length, so a reader can tell a
 * complete record from one whose chunks are missing (a typed `schema` error, never a cut record).
 *
 * Chunks are written before the pointer (they are invisible until a record points at them), and a record
 * rewritten gets a new tag, so a reader never sees a mix of an old and a new version.
 */
import { SessionStoreError } from "../errors.js";
import { toRecord } from "../plan.js";
import { type RecordBody, SCHEMA_VERSION, type SessionRecord } from "../schema.js";
import type { Mutation } from "./kv-batch.js";
import { type KvKeys, randomTag } from "./kv-keys.js";
import { KV_CHUNK_BYTES } from "./kv-limits.js";
import type { KvLike } from "./kv-types.js";

/** A record too large for one value: its JSON in `parts` chunks under its own tag. */
export interface ChunkedRecord {
  /** The schema version of the pointer. */
  v: number;
  tag: string;
  parts: number;
  bytes: number;
}

/** A record key's value: the record's UTF-8 JSON, or a pointer to its chunks. */
export type RecordValue = Uint8Array | ChunkedRecord;

/** One record, encoded: its value and the chunks that must exist before the value is written. */
export interface EncodedRecord {
  seq: number;
  value: RecordValue;
  chunks: Mutation[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes the record `body` at `seq` of one incarnation (`epoch`) of session `id`. */
export function encodeRecord(
  keys: KvKeys,
  id: string,
  epoch: string,
  seq: number,
  body: RecordBody,
): EncodedRecord {
  const bytes = encoder.encode(JSON.stringify(toRecord(seq, body)));
  if (bytes.byteLength <= KV_CHUNK_BYTES) return { seq, value: bytes, chunks: [] };
  const tag = randomTag();
  const parts = Math.ceil(bytes.byteLength / KV_CHUNK_BYTES);
  const chunks: Mutation[] = [];
  for (let index = 0; index < parts; index++) {
    const chunk = bytes.subarray(index * KV_CHUNK_BYTES, (index + 1) * KV_CHUNK_BYTES);
    chunks.push({ key: keys.chunk(id, epoch, tag, index), value: chunk.slice(), bytes: chunk.byteLength });
  }
  return { seq, value: { v: SCHEMA_VERSION, tag, parts, bytes: bytes.byteLength }, chunks };
}

/** Reads a record from its value: parses it, or joins its chunks first. */
export async function decodeRecord(
  kv: KvLike,
  keys: KvKeys,
  id: string,
  epoch: string,
  value: RecordValue,
  operation: string,
): Promise<SessionRecord> {
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) {
    bytes = value;
  } else {
    bytes = new Uint8Array(value.bytes);
    let at = 0;
    let parts = 0;
    for await (const chunk of kv.list<Uint8Array>({ prefix: keys.chunks(id, epoch, value.tag) })) {
      bytes.set(chunk.value, at);
      at += chunk.value.byteLength;
      parts++;
    }
    if (parts !== value.parts || at !== value.bytes) {
      throw new SessionStoreError("schema", operation, {
        detail: `a record's chunks are incomplete (${parts}/${value.parts})`,
      });
    }
  }
  return JSON.parse(decoder.decode(bytes)) as SessionRecord;
}
