import { InputError } from "../../core/errors.js";
import { eventWeight } from "../../core/event-weights.js";
import { InteractionSchema } from "../../core/types.js";
import { requireId } from "./cells.js";
import { IdIndexCache } from "./id-index-cache.js";
import type { LoadContext } from "./load-context.js";

/** Column names of one interaction file, used in error messages. */
export interface InteractionFieldNames {
  user: string;
  item: string;
  type: string;
}

/** Most distinct event types a table holds (its type codes are Uint16). */
const MAX_TYPES = 0xffff;

const TypeSchema = InteractionSchema.shape.type;

/**
 * Validates interactions and appends them to the context's typed-array builder. Zod runs once per
 * distinct user id, item id and event type (a known id was already validated), not once per row:
 * the same path must take 50M rows. Hashing id strings dominates the cost, so ids go through an
 * IdIndexCache, and the previous row's user, item and type are remembered (files grouped by user,
 * like MovieLens, skip most user lookups).
 */
export class InteractionSink {
  private readonly checkedTypes = new Set<string>();
  private lastUserId = "";
  private lastUser = -1;
  private lastItemId = "";
  private lastItem = -1;
  private lastType: string | undefined;
  private readonly users: IdIndexCache;
  private readonly items: IdIndexCache;

  constructor(
    private readonly ctx: LoadContext,
    private readonly source: string,
    private readonly names: InteractionFieldNames,
  ) {
    this.users = new IdIndexCache(ctx.users);
    this.items = new IdIndexCache(ctx.items);
  }

  /**
   * Appends one event. Everything is validated before any dictionary changes, so a rejected row
   * leaves no trace (no user or item index without an interaction).
   */
  add(
    line: number,
    userId: string,
    itemId: string,
    value: number | undefined,
    timestamp: number,
    type: string,
  ): void {
    const { users, items } = this;
    let user = userId === this.lastUserId ? this.lastUser : users.indexOf(userId);
    if (user === -1) requireId(userId, { source: this.source, line, field: this.names.user });
    let item = itemId === this.lastItemId ? this.lastItem : items.indexOf(itemId);
    if (item === -1) requireId(itemId, { source: this.source, line, field: this.names.item });
    if (type !== this.lastType && !this.checkedTypes.has(type)) this.checkType(type, line);
    if (user === -1) user = users.add(userId);
    if (item === -1) item = items.add(itemId);
    this.lastUserId = userId;
    this.lastUser = user;
    this.lastItemId = itemId;
    this.lastItem = item;
    this.lastType = type;
    this.ctx.interactions.push(user, item, eventWeight(this.ctx.eventWeights, type, value), timestamp, type);
  }

  private checkType(type: string, line: number): void {
    const at = { source: this.source, line, field: this.names.type };
    const result = TypeSchema.safeParse(type);
    if (!result.success) {
      throw new InputError(
        at,
        `${result.error.issues[0]?.message ?? "invalid type"}: ${JSON.stringify(type)}`,
      );
    }
    const types = this.ctx.interactions.types;
    if (!types.has(type) && types.size >= MAX_TYPES)
      throw new InputError(at, `more than ${MAX_TYPES} event types`);
    this.checkedTypes.add(type);
  }
}
