/**
 * The protobuf wire format, as far as the ingest protocols need it (OTLP logs, Loki push): reading tagged fields
 * of a message and skipping the ones we do not know, and writing the few small answers we send. Hand-written
 * against the encoding spec rather than generated from the .proto files: the messages are few and fixed, and a
 * reader that bounds every length against what is left cannot be made to read past a body or allocate more
 * than the body holds.
 */

/** A body that is not what its protocol says: answered as the protocol's "bad request", never stored. */
export class MalformedBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedBodyError";
  }
}

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

const utf8 = new TextDecoder("utf-8", { fatal: false });

export class ProtoReader {
  private pos: number;
  private readonly view: DataView;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wire: number } {
    const t = this.varint();
    const field = Math.floor(t / 8);
    if (field === 0) throw new MalformedBodyError("protobuf: field number 0");
    return { field, wire: t % 8 };
  }

  /** An unsigned varint up to 2^53, which covers lengths, tags, enums and booleans. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new MalformedBodyError("protobuf: truncated varint");
      const b = this.buf[this.pos++]!;
      if (scale < 2 ** 53) result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new MalformedBodyError("protobuf: varint longer than 10 bytes");
  }

  /** A varint as the signed 64-bit integer it encodes (int64: two's complement over ten bytes). */
  int64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new MalformedBodyError("protobuf: truncated varint");
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asIntN(64, result);
      shift += 7n;
    }
    throw new MalformedBodyError("protobuf: varint longer than 10 bytes");
  }

  fixed64(): bigint {
    this.need(8);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  fixed32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A length-delimited field's bytes, as a view into the body. */
  bytes(): Uint8Array {
    const n = this.varint();
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Invalid UTF-8 becomes U+FFFD, as everywhere else records come in. */
  string(): string {
    return utf8.decode(this.bytes());
  }

  /** A reader over an embedded message. */
  message(): ProtoReader {
    const b = this.bytes();
    return new ProtoReader(b);
  }

  skip(wire: number): void {
    if (wire === WIRE.varint) this.varint();
    else if (wire === WIRE.fixed64) this.advance(8);
    else if (wire === WIRE.bytes) this.bytes();
    else if (wire === WIRE.fixed32) this.advance(4);
    else throw new MalformedBodyError(`protobuf: unsupported wire type ${wire}`);
  }

  /** Checks a known field's wire type, so that a body of another message is refused, not misread. */
  expect(wire: number, want: number, name: string): void {
    if (wire !== want)
      throw new MalformedBodyError(`protobuf: ${name} has wire type ${wire}, expected ${want}`);
  }

  private advance(n: number): void {
    this.need(n);
    this.pos += n;
  }

  private need(n: number): void {
    if (n > this.end - this.pos)
      throw new MalformedBodyError("protobuf: field runs past the end of its message");
  }
}

function varintBytes(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

/** Writes a message field by field; enough for the small answers the protocols expect. */
export class ProtoWriter {
  private readonly parts: number[] = [];

  varint(field: number, value: number | bigint): this {
    this.parts.push(...varintBytes(field * 8 + WIRE.varint), ...varintBytes(value));
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.parts.push(...varintBytes(field * 8 + WIRE.bytes), ...varintBytes(value.length), ...value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  finish(): Uint8Array<ArrayBuffer> {
    return Uint8Array.from(this.parts);
  }
}
