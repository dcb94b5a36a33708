/**
 * Item categories as sorted integer id lists in CSR layout: item `i` owns
 * `ids[indptr[i]..indptr[i+1])`. Items past the end have no categories.
 */
export interface CategoryIndex {
  readonly indptr: Int32Array;
  readonly ids: Int32Array;
}

/** Category names per item index (undefined where an item has no metadata), or a prebuilt index. */
export type ItemCategories = readonly (readonly string[] | undefined)[] | CategoryIndex;

/** Interns category names into sorted, deduplicated id lists per item. */
export function buildCategoryIndex(
  itemCategories: readonly (readonly string[] | undefined)[],
): CategoryIndex {
  const codes = new Map<string, number>();
  const indptr = new Int32Array(itemCategories.length + 1);
  const lists: number[][] = [];
  for (let i = 0; i < itemCategories.length; i++) {
    const names = itemCategories[i] ?? [];
    const ids = new Set<number>();
    for (const name of names) {
      let code = codes.get(name);
      if (code === undefined) {
        code = codes.size;
        codes.set(name, code);
      }
      ids.add(code);
    }
    const sorted = [...ids].sort((a, b) => a - b);
    lists.push(sorted);
    indptr[i + 1] = indptr[i] + sorted.length;
  }
  const ids = new Int32Array(indptr[itemCategories.length]);
  for (let i = 0; i < lists.length; i++) ids.set(lists[i], indptr[i]);
  return { indptr, ids };
}

/** A category index from either form of `ItemCategories`. */
export function toCategoryIndex(categories: ItemCategories): CategoryIndex {
  return "indptr" in categories ? categories : buildCategoryIndex(categories);
}

/**
 * 1 − Jaccard similarity of two items' category sets (a sorted merge). Two items that both lack
 * categories count as identical (distance 0): nothing tells them apart.
 */
export function categoryDistance(index: CategoryIndex, a: number, b: number): number {
  const n = index.indptr.length - 1;
  let i = a < n ? index.indptr[a] : 0;
  const iEnd = a < n ? index.indptr[a + 1] : 0;
  let j = b < n ? index.indptr[b] : 0;
  const jEnd = b < n ? index.indptr[b + 1] : 0;
  const sizes = iEnd - i + (jEnd - j);
  if (sizes === 0) return 0;
  let common = 0;
  while (i < iEnd && j < jEnd) {
    const x = index.ids[i];
    const y = index.ids[j];
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return 1 - common / (sizes - common);
}
