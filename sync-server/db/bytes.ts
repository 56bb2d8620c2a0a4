// better-sqlite3 binds Buffers, not plain Uint8Arrays; this views the same memory without a copy.
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
