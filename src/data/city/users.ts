import { Random } from "../../math/random.js";
import { CUISINES, MAX_ACTIVITY, USER_CENTRE_SHARE, USER_CENTRE_SPREAD_KM } from "./constants.js";
import { drawCityPoint, type PlanePoint } from "./geo.js";
import { type ResolvedCityParams, STREAMS, streamSeed } from "./params.js";
import type { CityUsers } from "./world.js";

/** The city's shared appetite per cuisine: common cuisines are common because people like them. */
const BASE_TASTE = Float64Array.from(CUISINES, (c) => Math.log(c.weight));
/** Extra taste for a user's one or two favourite cuisines. */
const FAVOURITE_BOOST = 1.2;
/** Noise on the true tastes before a user names their top two (people misjudge themselves). */
const DECLARATION_NOISE = 0.5;

/**
 * Fills `out` with standard normals, two per Box–Muller transform (Random.normal keeps one): users
 * need about 44 each, and at 2M users this halves the cost of building them.
 */
function fillNormals(rng: Random, out: Float64Array): void {
  for (let i = 0; i < out.length; i += 2) {
    let u = rng.next();
    while (u === 0) u = rng.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * rng.next();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle);
  }
}

/** Builds the users of a city from its own random stream. */
export function buildUsers(params: ResolvedCityParams): CityUsers {
  const n = params.users;
  const k = CUISINES.length;
  const rng = new Random(streamSeed(params.seed, STREAMS.users));
  const tastes = new Float32Array(n * k);
  const declared = new Int8Array(n * 2);
  const users: CityUsers = {
    count: n,
    tastes,
    x: new Float32Array(n),
    y: new Float32Array(n),
    pricePreference: new Float32Array(n),
    priceSensitivity: new Float32Array(n),
    distanceScale: new Float32Array(n),
    activity: new Float32Array(n),
    declared,
  };
  const point: PlanePoint = { x: 0, y: 0 };
  // Per user: k tastes, k declaration noises, then price preference, sensitivity, scale, activity.
  const z = new Float64Array(2 * k + 4);
  const noisy = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    drawCityPoint(rng, USER_CENTRE_SHARE, USER_CENTRE_SPREAD_KM, point);
    users.x[i] = point.x;
    users.y[i] = point.y;
    fillNormals(rng, z);
    const row = i * k;
    for (let c = 0; c < k; c++) tastes[row + c] = BASE_TASTE[c] + params.tasteSpread * z[c];
    const favourites = rng.next() < 0.5 ? 1 : 2;
    for (let f = 0; f < favourites; f++) tastes[row + rng.int(k)] += FAVOURITE_BOOST;
    users.pricePreference[i] = Math.min(4, Math.max(1, 2.2 + 0.7 * z[2 * k]));
    users.priceSensitivity[i] = 0.6 * Math.exp(0.5 * z[2 * k + 1]);
    users.distanceScale[i] = 2.5 * Math.exp(0.4 * z[2 * k + 2]);
    users.activity[i] = Math.min(MAX_ACTIVITY, Math.exp(params.activitySpread * z[2 * k + 3]));
    let first = -1;
    let second = -1;
    if (rng.next() >= params.undeclaredShare) {
      // The top two of the true tastes seen through noise.
      for (let c = 0; c < k; c++) noisy[c] = tastes[row + c] + DECLARATION_NOISE * z[k + c];
      first = 0;
      for (let c = 1; c < k; c++) if (noisy[c] > noisy[first]) first = c;
      second = first === 0 ? 1 : 0;
      for (let c = 0; c < k; c++) if (c !== first && noisy[c] > noisy[second]) second = c;
    }
    declared[2 * i] = first;
    declared[2 * i + 1] = second;
  }
  return users;
}
