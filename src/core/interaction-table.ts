import { IdDictionary } from "./id-dictionary.js";

/**
 * Interactions in columnar typed arrays (one row per event), the in-memory form every loader
 * produces. 50M rows take about 1 GB (4+4+4+8+2 bytes a row).
 */
export interface InteractionTable {
  readonly length: number;
  readonly userIndex: Int32Array;
  readonly itemIndex: Int32Array;
  /** Confidence weight after event weights were applied. */
  readonly weight: Float32Array;
  /** Unix seconds. */
  readonly timestamp: Float64Array;
  /** Index into `types`. */
  readonly typeCode: Uint16Array;
  readonly types: IdDictionary;
}

/** Appends rows into growable typed arrays; `finish` trims them to length. */
export class InteractionTableBuilder {
  private capacity: number;
  private n = 0;
  private userIndex: Int32Array;
  private itemIndex: Int32Array;
  private weight: Float32Array;
  private timestamp: Float64Array;
  private typeCode: Uint16Array;
  readonly types = new IdDictionary();

  constructor(initialCapacity = 1024) {
    this.capacity = Math.max(16, initialCapacity);
    this.userIndex = new Int32Array(this.capacity);
    this.itemIndex = new Int32Array(this.capacity);
    this.weight = new Float32Array(this.capacity);
    this.timestamp = new Float64Array(this.capacity);
    this.typeCode = new Uint16Array(this.capacity);
  }

  get length(): number {
    return this.n;
  }

  /** Appends one row; `type` is interned into the table's type dictionary. */
  push(userIndex: number, itemIndex: number, weight: number, timestamp: number, type: string): void {
    if (this.n === this.capacity) this.grow();
    const i = this.n++;
    this.userIndex[i] = userIndex;
    this.itemIndex[i] = itemIndex;
    this.weight[i] = weight;
    this.timestamp[i] = timestamp;
    this.typeCode[i] = this.types.add(type);
  }

  /** The table; the builder must not be used afterwards. */
  finish(): InteractionTable {
    const n = this.n;
    return {
      length: n,
      userIndex: this.userIndex.slice(0, n),
      itemIndex: this.itemIndex.slice(0, n),
      weight: this.weight.slice(0, n),
      timestamp: this.timestamp.slice(0, n),
      typeCode: this.typeCode.slice(0, n),
      types: this.types,
    };
  }

  private grow(): void {
    const next = Math.ceil(this.capacity * 1.5);
    this.userIndex = resize(this.userIndex, next, Int32Array);
    this.itemIndex = resize(this.itemIndex, next, Int32Array);
    this.weight = resize(this.weight, next, Float32Array);
    this.timestamp = resize(this.timestamp, next, Float64Array);
    this.typeCode = resize(this.typeCode, next, Uint16Array);
    this.capacity = next;
  }
}

type TypedArrayCtor<T> = new (length: number) => T;

function resize<T extends Int32Array | Float32Array | Float64Array | Uint16Array>(
  array: T,
  length: number,
  Ctor: TypedArrayCtor<T>,
): T {
  const next = new Ctor(length);
  next.set(array as never);
  return next;
}
