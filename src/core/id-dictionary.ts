/** Maps external string ids to dense int32 indices (in insertion order) and back. */
export class IdDictionary {
  private readonly indexById = new Map<string, number>();
  private readonly ids: string[] = [];

  /** Builds a dictionary holding `ids` in order; duplicates keep their first index. */
  static from(ids: Iterable<string>): IdDictionary {
    const dict = new IdDictionary();
    for (const id of ids) dict.add(id);
    return dict;
  }

  get size(): number {
    return this.ids.length;
  }

  /** The index of `id`, adding it if it is new. */
  add(id: string): number {
    const existing = this.indexById.get(id);
    if (existing !== undefined) return existing;
    const index = this.ids.length;
    this.indexById.set(id, index);
    this.ids.push(id);
    return index;
  }

  /** The index of `id`, or -1 when unknown. */
  indexOf(id: string): number {
    const index = this.indexById.get(id);
    return index === undefined ? -1 : index;
  }

  has(id: string): boolean {
    return this.indexById.has(id);
  }

  /** The external id at `index`; throws on an out-of-range index. */
  idAt(index: number): string {
    const id = this.ids[index];
    if (id === undefined) throw new RangeError(`index ${index} out of range (size ${this.ids.length})`);
    return id;
  }

  /** All ids in index order (a copy). */
  toArray(): string[] {
    return this.ids.slice();
  }
}
