// The canonical byte encoding that signatures in a conversation document cover. Every field is length-prefixed
// or fixed-width, so no two different records encode to the same bytes (no ambiguity to exploit), and the
// encoding is independent of Yjs, JSON key order and base64 spelling — the server can rebuild it for reports.
//
//   string  := u32be(byteLength) utf8
//   bytes   := u32be(length) raw
//   uint    := u32be(high) u32be(low)       non-negative safe integer (milliseconds, sequence numbers)
//   bool    := 0x00 | 0x01
//   option  := 0x00 | 0x01 string
//   count   := u32be(n)
// Each payload starts with a tag string naming the record kind, so within one signature context a signature
// over one kind can never be replayed as another kind.

const encoder = new TextEncoder();

export class CanonicalWriter {
  // One growing buffer: listing 10,000 messages encodes 10,000 payloads, so no per-field allocations.
  private buffer = new Uint8Array(256);
  private length = 0;

  constructor(tag: string) {
    this.string(tag);
  }

  string(value: string): this {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    this.ensure(4 + value.length * 3);
    const { written } = encoder.encodeInto(value, this.buffer.subarray(this.length + 4));
    this.u32(written);
    this.length += written;
    return this;
  }

  bytes(value: Uint8Array): this {
    this.ensure(4 + value.length);
    this.u32(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  uint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`canonical uint out of range: ${value}`);
    this.ensure(8);
    this.u32(Math.floor(value / 0x1_0000_0000));
    this.u32(value % 0x1_0000_0000);
    return this;
  }

  bool(value: boolean): this {
    this.byte(value ? 1 : 0);
    return this;
  }

  option(value: string | undefined): this {
    if (value === undefined) {
      this.byte(0);
      return this;
    }
    this.byte(1);
    return this.string(value);
  }

  count(n: number): this {
    this.ensure(4);
    this.u32(n);
    return this;
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private byte(value: number): void {
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  /** Writes at the current end; the caller has ensured room. */
  private u32(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError(`canonical u32 out of range: ${value}`);
    const b = this.buffer;
    const at = this.length;
    b[at] = value >>> 24;
    b[at + 1] = (value >>> 16) & 0xff;
    b[at + 2] = (value >>> 8) & 0xff;
    b[at + 3] = value & 0xff;
    this.length += 4;
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}
