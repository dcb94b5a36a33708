import { once } from "node:events";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";

/** Room a caller may use after `full()` returned false: longer than any CSV line written raw. */
export const LINE_ROOM = 256;

/**
 * Writes bytes to a stream in large chunks with backpressure. Hot loops encode integers straight
 * into the current chunk (no strings), check `full()` now and then, and await `flush()`; so memory
 * stays at a couple of chunks however much is written.
 */
export class ChunkWriter {
  private readonly stream: Writable;
  private readonly chunkBytes: number;
  private buf: Buffer;
  private pos = 0;
  private error: Error | undefined;
  /** Bytes handed to the stream so far plus those pending in the current chunk. */
  get bytesWritten(): number {
    return this.flushed + this.pos;
  }
  private flushed = 0;

  constructor(stream: Writable, chunkBytes = 1 << 20) {
    this.stream = stream;
    this.chunkBytes = Math.max(chunkBytes, 4 * LINE_ROOM);
    this.buf = Buffer.allocUnsafe(this.chunkBytes);
    // Keep the error for the next flush rather than crashing on an unhandled 'error' event.
    stream.on("error", (err: Error) => {
      this.error ??= err;
    });
  }

  /** Whether the chunk has less than LINE_ROOM bytes left (then await `flush()`). */
  full(): boolean {
    return this.pos > this.chunkBytes - LINE_ROOM;
  }

  /** Appends one byte (an ASCII code). */
  byte(code: number): void {
    this.buf[this.pos++] = code;
  }

  /** Appends pre-encoded bytes. */
  bytes(data: Uint8Array): void {
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** Appends a non-negative integer in decimal, left-padded with zeros to `width` digits. */
  int(value: number, width = 1): void {
    let digits = 1;
    // Integer division by `| 0` is several times faster than Math.floor, and ids and unix seconds
    // (until 2038) fit in 31 bits; larger values take the slow path.
    if (value < 0x80000000) {
      for (let v = value; v >= 10; v = (v / 10) | 0) digits++;
      if (digits < width) digits = width;
      let v = value;
      for (let i = this.pos + digits - 1; i >= this.pos; i--) {
        const q = (v / 10) | 0;
        this.buf[i] = 48 + v - q * 10;
        v = q;
      }
    } else {
      for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
      if (digits < width) digits = width;
      let v = value;
      for (let i = this.pos + digits - 1; i >= this.pos; i--) {
        this.buf[i] = 48 + (v % 10);
        v = Math.floor(v / 10);
      }
    }
    this.pos += digits;
  }

  /** Appends a string of any length as UTF-8. */
  async text(s: string): Promise<void> {
    if (this.pos + s.length * 3 > this.chunkBytes) await this.flush();
    if (s.length * 3 > this.chunkBytes) {
      await this.send(Buffer.from(s, "utf8"));
      return;
    }
    this.pos += this.buf.write(s, this.pos, "utf8");
  }

  /** Hands the current chunk to the stream, waiting for it to drain when it is behind. */
  async flush(): Promise<void> {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    // The stream keeps the chunk until written, so the next one needs fresh memory.
    this.buf = Buffer.allocUnsafe(this.chunkBytes);
    this.pos = 0;
    await this.send(chunk);
  }

  private async send(chunk: Buffer): Promise<void> {
    if (this.error) throw this.error;
    this.flushed += chunk.length;
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
    if (this.error) throw this.error;
  }

  /** Flushes, ends the stream and waits until everything is on disk (or the stream failed). */
  async end(): Promise<void> {
    await this.flush();
    this.stream.end();
    await finished(this.stream);
    if (this.error) throw this.error;
  }
}
