import type { IdDictionary } from "../../core/id-dictionary.js";

/** Largest number a table covers: 4M entries (16 MB) at most per table. */
const MAX_NUMBER = 1 << 22;
/** Distinct (prefix, digit count) shapes that get a table; rarer shapes use the dictionary alone. */
const MAX_TABLES = 4;

/** The ids of one shape, e.g. "u" + 7 digits: the number → dictionary index + 1 (0: not seen). */
interface ShapeTable {
  prefix: string;
  digits: number;
  slots: Int32Array;
}

/**
 * A typed-array front for an IdDictionary. Loading spends most of its time hashing id strings;
 * ids shaped `<prefix><digits>` (MovieLens "1234", the city's "u0001234", restaurant "135085")
 * are resolved by parsing the number and reading a table instead. Ids of other shapes, numbers
 * too large for a table and ids never seen here fall back to the dictionary, so the answer is
 * always the dictionary's.
 */
export class IdIndexCache {
  private readonly tables: ShapeTable[] = [];
  private last: ShapeTable | undefined;

  constructor(private readonly dictionary: IdDictionary) {}

  /** The dictionary index of `id`, or -1 when the dictionary does not hold it. */
  indexOf(id: string): number {
    const table = this.tableFor(id, false);
    if (table === undefined) return this.dictionary.indexOf(id);
    const n = numberAfter(id, table.prefix.length);
    const hit = n < table.slots.length ? table.slots[n] : 0;
    if (hit !== 0) return hit - 1;
    const index = this.dictionary.indexOf(id);
    if (index !== -1) this.remember(table, n, index);
    return index;
  }

  /** Adds `id` to the dictionary (if new) and returns its index. */
  add(id: string): number {
    const index = this.dictionary.add(id);
    const table = this.tableFor(id, true);
    if (table !== undefined) this.remember(table, numberAfter(id, table.prefix.length), index);
    return index;
  }

  private remember(table: ShapeTable, n: number, index: number): void {
    if (n >= table.slots.length) {
      const grown = new Int32Array(Math.min(MAX_NUMBER, Math.max(n + 1, table.slots.length * 2)));
      grown.set(table.slots);
      table.slots = grown;
    }
    table.slots[n] = index + 1;
  }

  /** The table of `id`'s shape; with `create`, a new one when there is room. */
  private tableFor(id: string, create: boolean): ShapeTable | undefined {
    const len = id.length;
    let p = len;
    while (p > 0 && isDigit(id.charCodeAt(p - 1))) p--;
    const digits = len - p;
    if (digits === 0 || digits > 9) return undefined;
    if (numberAfter(id, p) >= MAX_NUMBER) return undefined;
    const last = this.last;
    if (
      last !== undefined &&
      last.digits === digits &&
      last.prefix.length === p &&
      id.startsWith(last.prefix)
    ) {
      return last;
    }
    for (const table of this.tables) {
      if (table.digits === digits && table.prefix.length === p && id.startsWith(table.prefix)) {
        this.last = table;
        return table;
      }
    }
    if (!create || this.tables.length === MAX_TABLES) return undefined;
    const table = { prefix: id.slice(0, p), digits, slots: new Int32Array(1024) };
    this.tables.push(table);
    this.last = table;
    return table;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The decimal number written from `start` to the end of `id` (the caller checked the digits). */
function numberAfter(id: string, start: number): number {
  let n = 0;
  for (let i = start; i < id.length; i++) n = n * 10 + (id.charCodeAt(i) - 48);
  return n;
}
