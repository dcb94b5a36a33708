import assert from "node:assert/strict";
import { test } from "node:test";
import type { Dataset } from "../../core/dataset.js";
import { datasetPath } from "../testing/data-dir.js";
import { createLoadContext, finishDataset, type LoadOptions } from "./load-context.js";
import { loadRestaurantConsumer } from "./restaurant-consumer.js";
import { tempFiles } from "./temp-files.js";

async function load(dir: string, options: LoadOptions = {}): Promise<{ d: Dataset; warnings: string[] }> {
  const ctx = createLoadContext(options);
  await loadRestaurantConsumer(dir, ctx);
  return { d: finishDataset(ctx, "restaurant-consumer"), warnings: ctx.warnings };
}

const real = datasetPath("restaurant-consumer");

test("real data: 1,161 ratings, 138 users, 130 places with coordinates, cuisines and hours", {
  skip: real.skip,
}, async () => {
  const { d, warnings } = await load(real.path);
  assert.equal(d.interactions.length, 1_161);
  assert.equal(d.users.size, 138);
  assert.equal(d.items.size, 130);
  assert.equal(new Set(d.interactions.itemIndex).size, 130);
  assert.ok(
    d.itemMeta.every((item) => item?.lat !== undefined && item.lon !== undefined && item.price !== undefined),
  );
  assert.equal(d.itemMeta.filter((item) => (item?.categories.length ?? 0) > 0).length, 95);
  assert.deepEqual(d.report.byType, { rating: 1_161 });
  // Ratings 0–2 are kept as given, zeros included.
  const weights = [...d.interactions.weight];
  assert.deepEqual([...new Set(weights)].sort(), [0, 1, 2]);
  assert.ok(d.interactions.timestamp.every((t) => t === 0));

  const kiku = d.itemMeta[d.items.indexOf("134999")];
  assert.deepEqual(kiku, {
    itemId: "134999",
    title: "Kiku Cuernavaca",
    lat: 18.915421,
    lon: -99.184871,
    price: 2,
    categories: ["Japanese"],
    attributes: {
      alcohol: "No_Alcohol_Served",
      smoking_area: "none",
      dress_code: "informal",
      accessibility: "no_accessibility",
      Rambience: "familiar",
      franchise: "f",
      area: "closed",
      other_services: "none",
      hours: "Mon-Sun 11:00-21:00",
      parking: "none",
    },
  });
  // The source lost one "ó" (U+FFFD); the title is kept as given.
  assert.equal(d.itemMeta[d.items.indexOf("135106")]?.title, "El Rinc\uFFFDn de San Francisco");

  const u1001 = d.userMeta[d.users.indexOf("U1001")];
  assert.equal(u1001?.attributes["lat"], 22.139997);
  assert.equal(u1001?.attributes["lon"], -100.978803);
  assert.equal(u1001?.attributes["budget"], 2);
  assert.equal(u1001?.attributes["cuisines"], "American");
  assert.equal(u1001?.attributes["birth_year"], 1989);
  // "?" is missing: U1024 has no budget, smoker or ambience.
  const u1024 = d.userMeta[d.users.indexOf("U1024")]?.attributes ?? {};
  assert.equal("budget" in u1024 || "smoker" in u1024 || "ambience" in u1024, false);
  assert.ok(warnings.some((w) => /chefmozcuisine\.csv: \d+ rows name \d+ placeIDs/.test(w)));
});

const geoHeader =
  "placeID,latitude,longitude,the_geom_meter,name,address,city,state,country,fax,zip,alcohol,smoking_area," +
  "dress_code,accessibility,price,url,Rambience,franchise,area,other_services";

function synthetic(geoRows: string[], ratings: string[]): Record<string, string> {
  return {
    "geoplaces2.csv": [geoHeader, ...geoRows].join("\n"),
    "chefmozcuisine.csv": "placeID,Rcuisine\n1,Mexican\n1,Bar\n9,Thai\n",
    "chefmozhours4.csv": "placeID,hours,days\n1,08:00-12:00;,Mon;Tue;Wed;Thu;Fri;\n1,00:00-00:00;,Sun;\n",
    "userprofile.csv":
      "userID,latitude,longitude,smoker,budget,weight\nU1,22.1,-100.9,false,low,60\nU2,?,?,?,?,?\n",
    "usercuisine.csv": "userID,Rcuisine\nU1,Mexican\nU1,Pizzeria\n",
    "rating_final.csv": ["userID,placeID,rating,food_rating,service_rating", ...ratings].join("\n"),
  };
}

const place1 =
  "1,22.15,-100.97,0101,Tacos,?,?,?,?,?,?,No_Alcohol_Served,none,informal,completely,low,?,familiar,f,open,none";
const place2 =
  "2,22.16,-100.98,0101,Bar X,?,?,?,?,?,?,Full_Bar,none,casual,completely,high,?,quiet,t,closed,none";

test("synthetic directory: known answers for every file", async () => {
  const files = await tempFiles(synthetic([place1, place2], ["U1,1,2,2,2", "U2,2,0,1,1", "U1,2,1,0,0"]));
  try {
    const { d, warnings } = await load(files.dir);
    assert.deepEqual(d.items.toArray(), ["1", "2"]);
    assert.deepEqual(d.itemMeta[0]?.categories, ["Mexican", "Bar"]);
    assert.equal(d.itemMeta[0]?.attributes["hours"], "Mon-Fri 08:00-12:00;Sun 00:00-00:00");
    assert.equal(d.itemMeta[0]?.price, 1);
    assert.equal(d.itemMeta[1]?.price, 3);
    assert.deepEqual(d.userMeta, [
      {
        userId: "U1",
        attributes: {
          lat: 22.1,
          lon: -100.9,
          smoker: "false",
          budget: 1,
          weight: 60,
          cuisines: "Mexican|Pizzeria",
        },
      },
      { userId: "U2", attributes: {} },
    ]);
    assert.deepEqual([...d.interactions.weight], [2, 0, 1]);
    assert.deepEqual(warnings, [
      `${files.path("chefmozcuisine.csv")}: 1 rows name 1 placeIDs with no profile or place row; ignored`,
    ]);
  } finally {
    await files.remove();
  }
});

test("malformed rows name file:line:field; skipInvalid counts them", async () => {
  const badPlace = place2.replace("22.16", "95").replace(",high,", ",pricey,");
  const files = await tempFiles(synthetic([place1, badPlace], ["U1,1,2,2,2", "U1,1,two,1,1"]));
  try {
    await assert.rejects(load(files.dir), /geoplaces2\.csv:3: field 'latitude': 95 is outside \[-90, 90\]/);
    const { d } = await load(files.dir, { skipInvalid: true });
    assert.equal(d.report.skipped, 2);
    assert.match(d.report.skippedExamples[1], /rating_final\.csv:3: field 'rating': not a number: "two"/);
    assert.equal(d.interactions.length, 1);
  } finally {
    await files.remove();
  }
});
