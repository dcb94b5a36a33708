/**
 * Intra-list diversity by primary category (Ziegler et al. 2005's intra-list similarity, with
 * "same primary category" as the similarity): 1 − the share of item pairs in the list whose
 * primary categories are equal. 0 when every item shares one category, 1 when all differ.
 *
 * Only items with a known category take part; a list with fewer than two of them has no pairs and
 * no diversity (null), so it is left out of the mean rather than counted as 0 or 1.
 */
export function intraListDiversity(
  items: readonly string[],
  categoryOf: (itemId: string) => string | undefined,
): number | null {
  // Same-category pairs from category counts: Σ c(c − 1)/2, linear in the list length.
  const counts = new Map<string, number>();
  let known = 0;
  for (const item of items) {
    const category = categoryOf(item);
    if (category === undefined) continue;
    known++;
    counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  if (known < 2) return null;
  let same = 0;
  for (const c of counts.values()) same += (c * (c - 1)) / 2;
  return 1 - same / ((known * (known - 1)) / 2);
}
