import type { AttributeValue, Item, User } from "../../core/types.js";
import { BLOCK_PREFIX, blockOfName, CONTENT_BLOCKS, type ContentOptions } from "./content-options.js";
import { forEachCell, type GeoGrid } from "./geo-cells.js";
import { forEachSoftBin, quantileEdges } from "./quantile-bins.js";

/** What, beyond the feature names and weights, turns metadata into a vector; JSON-friendly. */
export interface ContentSpec {
  options: ContentOptions;
  /** Bin edges of item price, null when no item has one. */
  priceEdges: number[] | null;
  /** Bin edges per numeric attribute. */
  numericEdges: Record<string, number[]>;
  grid: GeoGrid | null;
}

type Emit = (name: string, weight: number) => void;

/**
 * Turns item metadata (and a user's declared preferences) into content vectors over a fixed
 * vocabulary: categories as TF-IDF-weighted one-hot, price and numeric attributes in soft
 * quantile bins, categorical attributes one-hot, location as fine and coarse grid cells. Each block
 * is L2-normalised and weighted, then the whole vector is. A new item is embedded with the same
 * vocabulary, so its vector is exactly what training would have given it.
 */
export class ContentFeaturizer {
  readonly spec: ContentSpec;
  /** Feature name per column. */
  readonly features: readonly string[];
  /** Multiplier per column: the idf of category features, 1 elsewhere. */
  readonly weights: Float32Array;
  private readonly column = new Map<string, number>();
  /** Index into CONTENT_BLOCKS per column. */
  private readonly blockIndex: Uint8Array;
  private readonly blockScale: Float64Array;

  constructor(spec: ContentSpec, features: readonly string[], weights: Float32Array) {
    if (weights.length !== features.length) {
      throw new RangeError(`${features.length} features but ${weights.length} weights`);
    }
    this.spec = spec;
    this.features = features;
    this.weights = weights;
    this.blockIndex = new Uint8Array(features.length);
    features.forEach((name, col) => {
      const block = blockOfName(name);
      if (block === undefined) throw new RangeError(`feature '${name}' has no known block prefix`);
      this.column.set(name, col);
      this.blockIndex[col] = CONTENT_BLOCKS.indexOf(block);
    });
    this.blockScale = new Float64Array(CONTENT_BLOCKS.length);
  }

  /** Number of columns of a content vector. */
  get dims(): number {
    return this.features.length;
  }

  /** Learns the vocabulary, idf, bin edges and grid from a catalogue (undefined = no metadata). */
  static fit(items: readonly (Item | undefined)[], options: ContentOptions): ContentFeaturizer {
    const known = items.filter((item): item is Item => item !== undefined);
    const ignored = new Set(options.ignoreAttributes);
    const prices = known.flatMap((item) => (item.price === undefined ? [] : [item.price]));
    const byAttribute = new Map<string, AttributeValue[]>();
    for (const item of known) {
      for (const [name, value] of Object.entries(item.attributes)) {
        if (ignored.has(name)) continue;
        const list = byAttribute.get(name);
        if (list) list.push(value);
        else byAttribute.set(name, [value]);
      }
    }
    const numericEdges: Record<string, number[]> = {};
    for (const [name, values] of byAttribute) {
      if (values.every((v) => typeof v === "number"))
        numericEdges[name] = quantileEdges(values as number[], options.bins);
    }
    const located = known.filter((item) => item.lat !== undefined && item.lon !== undefined);
    const grid: GeoGrid | null =
      located.length === 0
        ? null
        : {
            refLat: located.reduce((s, item) => s + item.lat!, 0) / located.length,
            fineKm: options.fineCellKm,
            coarseKm: options.coarseCellKm,
          };
    const spec: ContentSpec = {
      options,
      priceEdges: prices.length === 0 ? null : quantileEdges(prices, options.bins),
      numericEdges,
      grid,
    };

    // Count the items carrying each feature name (once per item), with a vocabulary-free walk.
    const probe = new ContentFeaturizer(spec, [], new Float32Array(0));
    const itemCount = new Map<string, number>();
    for (const item of known) {
      const seen = new Set<string>();
      probe.walkItem(item, (name) => seen.add(name));
      for (const name of seen) itemCount.set(name, (itemCount.get(name) ?? 0) + 1);
    }
    const kept = [...itemCount.keys()].filter(
      (name) => !name.startsWith(`${BLOCK_PREFIX.attributes}:`) || itemCount.get(name)! >= options.minItems,
    );
    // Block order, then name order: the same catalogue always gives the same columns.
    const rank = (name: string) => CONTENT_BLOCKS.indexOf(blockOfName(name)!);
    kept.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    const weights = Float32Array.from(kept, (name) =>
      name.startsWith(`${BLOCK_PREFIX.categories}:`) ? 1 + Math.log(known.length / itemCount.get(name)!) : 1,
    );
    return new ContentFeaturizer(spec, kept, weights);
  }

  /** The content vector of an item (unit length, or all zeros when nothing in it is known). */
  embedItem(item: Item, out?: Float32Array): Float32Array {
    const v = this.target(out);
    this.walkItem(item, (name, w) => this.add(v, name, w));
    return this.finish(v);
  }

  /**
   * The content vector of a user's declared preferences (categories, price level, home, and any
   * attribute named like an item attribute), or null when none of them maps to a known feature.
   */
  embedDeclared(user: User, out?: Float32Array): Float32Array | null {
    const v = this.target(out);
    let matched = false;
    this.walkDeclared(user, (name, w) => {
      if (this.add(v, name, w)) matched = true;
    });
    return matched ? this.finish(v) : null;
  }

  private target(out: Float32Array | undefined): Float32Array {
    if (out === undefined) return new Float32Array(this.dims);
    if (out.length !== this.dims)
      throw new RangeError(`out must have ${this.dims} values, got ${out.length}`);
    out.fill(0);
    return out;
  }

  /** Adds a weighted feature if it is in the vocabulary; returns whether it was. */
  private add(v: Float32Array, name: string, weight: number): boolean {
    const col = this.column.get(name);
    if (col === undefined) return false;
    v[col] += weight * this.weights[col];
    return true;
  }

  /** Normalises each block, weights it, then normalises the whole vector, in place. */
  private finish(v: Float32Array): Float32Array {
    const scale = this.blockScale;
    scale.fill(0);
    for (let c = 0; c < v.length; c++) scale[this.blockIndex[c]] += v[c] * v[c];
    let total = 0;
    for (let b = 0; b < scale.length; b++) {
      const weight = this.spec.options.blockWeights[CONTENT_BLOCKS[b]];
      scale[b] = scale[b] > 0 ? weight / Math.sqrt(scale[b]) : 0;
      // Each non-empty block has norm `weight` after scaling, and the blocks are orthogonal.
      if (scale[b] > 0) total += weight * weight;
    }
    const inv = total > 0 ? 1 / Math.sqrt(total) : 0;
    for (let c = 0; c < v.length; c++) v[c] *= scale[this.blockIndex[c]] * inv;
    return v;
  }

  private walkItem(item: Item, emit: Emit): void {
    const { options, priceEdges, numericEdges, grid } = this.spec;
    for (const category of new Set(item.categories.flatMap(splitList))) {
      emit(`${BLOCK_PREFIX.categories}:${category}`, 1);
    }
    if (item.price !== undefined && priceEdges !== null) this.emitBins("price", item.price, priceEdges, emit);
    const ignored = options.ignoreAttributes;
    for (const [name, value] of Object.entries(item.attributes)) {
      if (ignored.includes(name)) continue;
      const edges = numericEdges[name];
      if (edges !== undefined && typeof value === "number")
        this.emitBins(`numeric:${name}`, value, edges, emit);
      else this.emitCategorical(name, value, emit);
    }
    if (grid !== null && item.lat !== undefined && item.lon !== undefined)
      forEachCell(grid, item.lat, item.lon, emit);
  }

  private walkDeclared(user: User, emit: Emit): void {
    const { options, priceEdges, numericEdges, grid } = this.spec;
    const attrs = user.attributes;
    for (const key of options.declaredCategoryKeys) {
      const value = attrs[key];
      if (value === undefined) continue;
      for (const category of new Set(splitList(value))) emit(`${BLOCK_PREFIX.categories}:${category}`, 1);
    }
    const priceKey = options.declaredPriceKeys.find((key) => typeof attrs[key] === "number");
    if (priceKey !== undefined && priceEdges !== null)
      this.emitBins("price", attrs[priceKey] as number, priceEdges, emit);
    const home = options.declaredHomeKeys.find(
      ([lat, lon]) => typeof attrs[lat] === "number" && typeof attrs[lon] === "number",
    );
    if (home !== undefined && grid !== null)
      forEachCell(grid, attrs[home[0]] as number, attrs[home[1]] as number, emit);
    // Any other attribute named like an item attribute speaks the same vocabulary (e.g. payment).
    for (const [name, value] of Object.entries(attrs)) {
      if (options.ignoreAttributes.includes(name)) continue;
      const edges = numericEdges[name];
      if (edges !== undefined && typeof value === "number")
        this.emitBins(`numeric:${name}`, value, edges, emit);
      else this.emitCategorical(name, value, emit);
    }
  }

  private emitBins(prefix: string, value: number, edges: readonly number[], emit: Emit): void {
    forEachSoftBin(edges, value, this.spec.options.binNeighbourWeight, (bin, w) =>
      emit(`${prefix}:${bin}`, w),
    );
  }

  private emitCategorical(name: string, value: AttributeValue, emit: Emit): void {
    for (const part of new Set(splitList(value))) emit(`${BLOCK_PREFIX.attributes}:${name}=${part}`, 1);
  }
}

/**
 * The entries of a `|`-joined list (a plain value is a list of one), trimmed, empty ones dropped;
 * line breaks become spaces because feature names are stored one per line.
 */
function splitList(value: AttributeValue): string[] {
  return String(value)
    .split("|")
    .map((part) => part.trim().replace(/[\r\n]+/g, " "))
    .filter((part) => part.length > 0);
}
