import { InputError } from "../../core/errors.js";
import { type Item, ItemSchema, type User, UserSchema } from "../../core/types.js";
import type { LoadContext } from "./load-context.js";

/** Where a metadata row came from and how its id column is called, for error messages. */
export interface RowOrigin {
  source: string;
  line: number;
  idField: string;
}

/**
 * An InputError from the first schema issue, naming the column as the file calls it: the id column
 * varies by file (item_id, movieId, placeID) and an attribute is its own column.
 */
function schemaFailure(
  origin: RowOrigin,
  issue: { path: PropertyKey[]; message: string } | undefined,
): InputError {
  const path = (issue?.path ?? []).map(String);
  const head = path[0] ?? "";
  let field = head;
  if (head === "itemId" || head === "userId") field = origin.idField;
  else if (head === "attributes" && path.length > 1) field = path[1];
  return new InputError({ source: origin.source, line: origin.line, field }, issue?.message ?? "invalid row");
}

/**
 * Validates an item with the core schema and registers it: a new id gets the next item index.
 * A second row for the same id is an error, since which one should win is not knowable.
 */
export function addItem(ctx: LoadContext, item: Item, origin: RowOrigin): number {
  const parsed = ItemSchema.safeParse(item);
  if (!parsed.success) throw schemaFailure(origin, parsed.error.issues[0]);
  const existing = ctx.items.indexOf(item.itemId);
  if (existing !== -1 && ctx.itemMeta[existing] !== undefined) {
    throw new InputError(
      { source: origin.source, line: origin.line, field: origin.idField },
      `duplicate item id ${JSON.stringify(item.itemId)}`,
    );
  }
  const index = existing === -1 ? ctx.items.add(item.itemId) : existing;
  ctx.itemMeta[index] = item;
  return index;
}

/** Validates a user with the core schema and registers it, as `addItem` does for items. */
export function addUser(ctx: LoadContext, user: User, origin: RowOrigin): number {
  const parsed = UserSchema.safeParse(user);
  if (!parsed.success) throw schemaFailure(origin, parsed.error.issues[0]);
  const existing = ctx.users.indexOf(user.userId);
  if (existing !== -1 && ctx.userMeta[existing] !== undefined) {
    throw new InputError(
      { source: origin.source, line: origin.line, field: origin.idField },
      `duplicate user id ${JSON.stringify(user.userId)}`,
    );
  }
  const index = existing === -1 ? ctx.users.add(user.userId) : existing;
  ctx.userMeta[index] = user;
  return index;
}
