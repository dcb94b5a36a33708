import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { ItemChanges } from "../storage/features/feature-store.js";
import { MemoryFeatureStore } from "../storage/features/memory-feature-store.js";
import { ItemSync } from "./item-sync.js";
import { servingFixture } from "./testing/serving-fixture.js";

// Item changes made through any replica reach the others by polling the feature store. A poll of
// an idle catalogue must not fetch every change ever made: it reads the change tag and stops.

/** A real memory store that counts the full fetches. */
class CountingStore extends MemoryFeatureStore {
  fetches = 0;
  override async itemChanges(): Promise<ItemChanges> {
    this.fetches++;
    return super.itemChanges();
  }
}

let fx: Awaited<ReturnType<typeof servingFixture>>;
before(async () => {
  fx = await servingFixture();
});
after(async () => {
  await fx?.close();
});

test("a poll fetches item changes only when the store's change tag moved", async () => {
  const store = new CountingStore();
  const sync = new ItemSync(fx.context, store);
  const catalog = () => fx.context.service!.model.catalog;
  await sync.sync();
  await sync.sync();
  await sync.sync();
  assert.equal(store.fetches, 1, "an idle catalogue is fetched once, then only the tag is read");

  const template = catalog().metadata(0);
  assert.ok(template);
  await store.putItem({ ...template, itemId: "synced-new" });
  await sync.sync();
  await sync.sync();
  assert.equal(store.fetches, 2);
  const added = catalog().ids.indexOf("synced-new");
  assert.ok(added >= 0 && !catalog().isDeleted(added), "the upsert reached the served model");

  await store.deleteItem("synced-new");
  await sync.sync();
  assert.equal(store.fetches, 3);
  assert.ok(catalog().isDeleted(catalog().ids.indexOf("synced-new")), "the delete reached it too");

  // After a model swap everything is applied again, whatever the tag.
  sync.reset();
  await sync.sync();
  assert.equal(store.fetches, 4);
});
