import { z } from "zod";

/**
 * An external id: a non-empty string without control characters or unpaired UTF-16 surrogates
 * (JSON can carry "\ud800", but UTF-8 stores cannot: the id would silently become U+FFFD).
 */
export const ExternalIdSchema = z
  .string()
  .min(1, "must not be empty")
  .max(256, "must be at most 256 characters")
  .regex(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    /^(?:[^\u0000-\u001f\u007f\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])+$/,
    "must not contain control characters or unpaired surrogates",
  );

/** A single user–item event: a view, click, booking, rating or any other configured type. */
export const InteractionSchema = z.object({
  userId: ExternalIdSchema,
  itemId: ExternalIdSchema,
  type: z.string().min(1).max(64),
  value: z.number().finite().optional(),
  /** Unix seconds (fractional allowed). */
  timestamp: z.number().finite(),
});
export type Interaction = z.infer<typeof InteractionSchema>;

/** A free-form attribute value: numeric or categorical. */
export const AttributeValueSchema = z.union([z.number().finite(), z.string()]);
export type AttributeValue = z.infer<typeof AttributeValueSchema>;

/** Item metadata used by content features, filters and the simulated city. */
export const ItemSchema = z.object({
  itemId: ExternalIdSchema,
  title: z.string().optional(),
  categories: z.array(z.string().min(1)),
  price: z.number().finite().optional(),
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
  attributes: z.record(z.string(), AttributeValueSchema),
});
export type Item = z.infer<typeof ItemSchema>;

/** User metadata: declared preferences and profile attributes. */
export const UserSchema = z.object({
  userId: ExternalIdSchema,
  attributes: z.record(z.string(), AttributeValueSchema),
});
export type User = z.infer<typeof UserSchema>;
