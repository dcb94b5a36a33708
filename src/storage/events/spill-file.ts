import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  read,
  readSync,
  statSync,
  writeSync,
} from "node:fs";
import { dirname, resolve } from "node:path";
import { promisify } from "node:util";
import { PalateError } from "../../core/errors.js";
import type { LoggedEvent } from "./event-log.js";
import { decodeEventLine, encodeEventLine, messageOf } from "./logged-event-codec.js";

const readAt = promisify(read);
const NEWLINE = 0x0a;
const FIRST_CHUNK = 256 * 1024;

/** Events read from a spill file, and how far they reach. */
export interface SpillPage {
  events: LoggedEvent[];
  /** Lines consumed, blank and corrupt ones included. */
  lines: number;
  /** Lines that were not events (a write torn by a crash); they are skipped, not retried. */
  corrupt: number;
  /** Byte offset just after the last line consumed. */
  end: number;
  /** `receivedAt` of the last event read, or null. */
  lastReceivedAt: number | null;
}

/**
 * An append-only NDJSON file of events the sink could not take yet, read back in order.
 *
 * Writes are synchronous and fsync'd: the queue spills from `offer` as well as from its background
 * loop, and synchronous writes are what keeps the two from interleaving out of order; they happen
 * only while the sink is down or behind. Reads are asynchronous and stop at the last byte a
 * completed write reported, so a read never sees half a line. Once everything written has been
 * read and committed, the file is truncated to zero.
 */
export class SpillFile {
  /** The absolute path. */
  readonly path: string;
  private fd: number | null = null;
  /** Bytes known to be complete lines. */
  private written = 0;
  private readOffset = 0;
  private unread = 0;
  private head: number | null = null;
  /** A failed write may have left a partial line after `written`; cut it before the next write. */
  private tailDirty = false;
  private reading = false;
  private closed = false;

  constructor(path: string) {
    this.path = resolve(path);
  }

  /** Lines written and not yet committed as read. */
  get unreadLines(): number {
    return this.unread;
  }

  /** `receivedAt` of (about) the oldest unread event, for the queue's lag; null when empty. */
  get headReceivedAt(): number | null {
    return this.unread > 0 ? this.head : null;
  }

  /**
   * Takes over a file left by an earlier process: counts its lines and ends a torn last line, so
   * that the next append starts on a line of its own. A missing file is fine; I/O errors throw.
   */
  recover(): void {
    let size: number;
    try {
      const stat = statSync(this.path);
      // A device or directory has nothing to replay; appends to it fail (see `open`).
      if (!stat.isFile()) return;
      size = stat.size;
    } catch (error) {
      // No file (or no directory for it): nothing to replay; a later append reports the problem.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return;
      throw this.failure("cannot read", error);
    }
    const fd = this.open();
    const buffer = Buffer.alloc(1024 * 1024);
    let lines = 0;
    let firstLine = "";
    let last = NEWLINE;
    for (let offset = 0; offset < size; ) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, size - offset), offset);
      if (n === 0) break;
      // Only the first line's receivedAt is wanted (for the lag); a torn giant line is not kept whole.
      if (lines === 0 && firstLine.length < 65_536) {
        const nl = buffer.subarray(0, n).indexOf(NEWLINE);
        firstLine += buffer.toString("utf8", 0, nl < 0 ? n : nl);
      }
      for (let i = buffer.indexOf(NEWLINE, 0); i >= 0 && i < n; i = buffer.indexOf(NEWLINE, i + 1)) lines++;
      last = buffer[n - 1];
      offset += n;
    }
    this.written = size;
    if (last !== NEWLINE) {
      // The process died inside a write: close the torn line so it is skipped as one corrupt line.
      this.writeAll(fd, Buffer.from("\n"));
      this.written = fstatSync(fd).size;
      lines++;
    }
    this.unread = lines;
    this.head = decodeEventLine(firstLine)?.receivedAt ?? null;
  }

  /** Appends events as one write and fsyncs; throws (leaving the file as it was) when it cannot. */
  append(events: readonly LoggedEvent[]): void {
    if (events.length === 0) return;
    if (this.closed) throw new PalateError(`spill file '${this.path}' is closed`);
    const fd = this.open();
    let prefix = "";
    if (this.tailDirty) {
      try {
        ftruncateSync(fd, this.written);
        this.tailDirty = false;
      } catch {
        // Cannot cut the partial line: end it instead, so it stays one (skipped) corrupt line.
        prefix = "\n";
      }
    }
    let text = prefix;
    for (const e of events) text += encodeEventLine(e);
    try {
      this.writeAll(fd, Buffer.from(text));
      fsyncSync(fd);
      this.written = fstatSync(fd).size;
    } catch (error) {
      this.tailDirty = true;
      try {
        ftruncateSync(fd, this.written);
        this.tailDirty = false;
      } catch {
        // Left dirty; the next append deals with it.
      }
      throw this.failure("cannot write", error);
    }
    if (this.unread === 0) this.head = events[0].receivedAt;
    this.unread += events.length + (prefix ? 1 : 0);
  }

  /** Reads up to `maxLines` lines after the last committed one; `commit` the page once delivered. */
  async read(maxLines: number): Promise<SpillPage> {
    const page: SpillPage = { events: [], lines: 0, corrupt: 0, end: this.readOffset, lastReceivedAt: null };
    const fd = this.fd;
    const start = this.readOffset;
    const available = this.written - start;
    if (fd === null || this.closed || available <= 0) return page;
    this.reading = true;
    try {
      for (let chunk = FIRST_CHUNK; ; chunk *= 2) {
        const length = Math.min(chunk, available);
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await readAt(fd, buffer, 0, length, start);
        let pos = 0;
        while (page.lines < maxLines) {
          const nl = buffer.indexOf(NEWLINE, pos);
          if (nl < 0 || nl >= bytesRead) break;
          const line = buffer.toString("utf8", pos, nl);
          pos = nl + 1;
          page.lines++;
          if (line.trim() === "") continue;
          const event = decodeEventLine(line);
          if (event === null) page.corrupt++;
          else page.events.push(event);
        }
        if (page.lines > 0) {
          page.end = start + pos;
          break;
        }
        if (bytesRead < length) {
          // Shorter than this process wrote: cut by someone else. What is gone counts as corrupt.
          Object.assign(page, { lines: this.unread, corrupt: this.unread, end: this.written });
          break;
        }
        if (length === available) {
          // No newline up to the end of what was written: one corrupt line, skipped whole.
          Object.assign(page, { lines: 1, corrupt: 1, end: this.written });
          break;
        }
      }
    } finally {
      this.reading = false;
      if (this.closed) this.closeFd();
    }
    const last = page.events[page.events.length - 1];
    page.lastReceivedAt = last ? last.receivedAt : null;
    return page;
  }

  /** Marks a page as delivered; once everything written is read, truncates the file to zero. */
  commit(page: SpillPage): void {
    if (page.end <= this.readOffset) return;
    this.readOffset = page.end;
    this.unread = Math.max(0, this.unread - page.lines);
    this.head = page.lastReceivedAt ?? this.head;
    if (this.readOffset < this.written || this.fd === null || this.tailDirty) return;
    try {
      ftruncateSync(this.fd, 0);
      fsyncSync(this.fd);
      this.written = 0;
      this.readOffset = 0;
      this.unread = 0;
      this.head = null;
    } catch {
      // The file keeps its read prefix and grows; offsets stay valid, and a later commit retries.
    }
  }

  /** Closes the file (after a read in flight, if any); what is unread stays for the next process. */
  close(): void {
    this.closed = true;
    if (!this.reading) this.closeFd();
  }

  private open(): number {
    if (this.fd !== null) return this.fd;
    let fd: number;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      fd = openSync(this.path, "a+");
    } catch (error) {
      throw this.failure("cannot open", error);
    }
    // A device would swallow events (/dev/null) or could not be read back: refuse it like a full disk.
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      throw new PalateError(`spill file '${this.path}' is not a regular file`);
    }
    this.fd = fd;
    return fd;
  }

  private writeAll(fd: number, buffer: Buffer): void {
    for (let offset = 0; offset < buffer.length; ) offset += writeSync(fd, buffer, offset);
  }

  private closeFd(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      closeSync(fd);
    } catch {
      // Nothing left to do with it.
    }
  }

  private failure(what: string, error: unknown): PalateError {
    return new PalateError(`${what} spill file '${this.path}': ${messageOf(error)}`, { cause: error });
  }
}
