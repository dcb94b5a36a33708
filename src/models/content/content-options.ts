import { z } from "zod";

/** The blocks of a content vector; each is L2-normalised and weighted before the whole is. */
export const CONTENT_BLOCKS = ["categories", "price", "attributes", "numeric", "location"] as const;
/** One block of a content vector. */
export type ContentBlock = (typeof CONTENT_BLOCKS)[number];

/** Feature-name prefix of each block (`category:Italian`, `cell:fine:3,-7`, …). */
export const BLOCK_PREFIX: Record<ContentBlock, string> = {
  categories: "category",
  price: "price",
  attributes: "attribute",
  numeric: "numeric",
  location: "cell",
};

/** The block a feature name belongs to, from its prefix. */
export function blockOfName(name: string): ContentBlock | undefined {
  const prefix = name.slice(0, name.indexOf(":"));
  return CONTENT_BLOCKS.find((block) => BLOCK_PREFIX[block] === prefix);
}

/** Options of the content features and profiles (all stored in the artifact). */
export const ContentOptionsSchema = z.object({
  /** Weight of each block after its own L2 normalisation. */
  blockWeights: z.object({
    categories: z.number().nonnegative(),
    price: z.number().nonnegative(),
    attributes: z.number().nonnegative(),
    numeric: z.number().nonnegative(),
    location: z.number().nonnegative(),
  }),
  /** Quantile bins per numeric attribute and for price. */
  bins: z.number().int().min(2),
  /** Share of a value's weight given to each neighbouring bin. */
  binNeighbourWeight: z.number().min(0).max(1),
  fineCellKm: z.number().positive(),
  coarseCellKm: z.number().positive(),
  /** A categorical attribute value on fewer items than this is dropped (it cannot relate items). */
  minItems: z.number().int().min(1),
  /** Attributes that describe availability or the business, not taste. */
  ignoreAttributes: z.array(z.string()),
  /** User attributes holding declared categories as a `|`-joined list. */
  declaredCategoryKeys: z.array(z.string()),
  /** User attributes holding a declared price level, in order of preference. */
  declaredPriceKeys: z.array(z.string()),
  /** [lat, lon] attribute pairs of a user's home, in order of preference. */
  declaredHomeKeys: z.array(z.tuple([z.string(), z.string()])),
  /** How many interactions the declared preferences count as when blended with history. */
  declaredWeight: z.number().nonnegative(),
  /** Profiles average items equally instead of by interaction weight. */
  binary: z.boolean(),
});
/** Options of the content features and profiles. */
export type ContentOptions = z.infer<typeof ContentOptionsSchema>;

/**
 * Defaults of the content model, chosen on validation splits of movielens-latest-small and the UCI
 * restaurant data (bench/item-item.ts): people eat near where they are, so location weighs most.
 */
export const CONTENT_DEFAULTS: ContentOptions = {
  blockWeights: { categories: 1, price: 0.5, attributes: 0.5, numeric: 0.5, location: 4 },
  bins: 20,
  binNeighbourWeight: 0.5,
  fineCellKm: 1.5,
  coarseCellKm: 6,
  minItems: 2,
  // Opening hours filter candidates at serving time; margin is the business's interest, not the user's.
  ignoreAttributes: ["hours", "margin"],
  declaredCategoryKeys: ["cuisines", "categories", "genres"],
  declaredPriceKeys: ["price_preference", "budget"],
  declaredHomeKeys: [
    ["home_lat", "home_lon"],
    ["lat", "lon"],
  ],
  declaredWeight: 3,
  binary: true,
};

/** Options with defaults filled in; block weights may be given in part. */
export function resolveContentOptions(
  options: Partial<Omit<ContentOptions, "blockWeights">> & {
    blockWeights?: Partial<ContentOptions["blockWeights"]>;
  },
): ContentOptions {
  return ContentOptionsSchema.parse({
    ...CONTENT_DEFAULTS,
    ...options,
    blockWeights: { ...CONTENT_DEFAULTS.blockWeights, ...options.blockWeights },
  });
}
