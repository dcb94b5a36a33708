/**
 * The simulated restaurant city: generation of history files and the ground truth behind them.
 * Import from here; the other files are the parts.
 */
export { ChoiceSampler } from "./choice-sampler.js";
export { CITY_FILES, CITY_HEADERS } from "./city-files.js";
export {
  type CityEventType,
  CUISINES,
  EVENT_TYPES,
  MEAL_PERIOD_START_HOUR,
  MEAL_PERIODS,
  type MealPeriod,
} from "./constants.js";
export { type CityProgress, type GenerateCityOptions, generateCity } from "./generate.js";
export { latOf, lonOf, xOf, yOf } from "./geo.js";
export {
  bookingProbability,
  bookingProbabilityOf,
  clickProbability,
  clickProbabilityOf,
  type GroundTruthContext,
  type OracleRanking,
  oracleTopK,
  tasteTerm,
  utility,
  utilityAt,
} from "./ground-truth.js";
export { restaurantId, restaurantIndexOf, userId, userIndexOf } from "./ids.js";
export { type CityManifest, type CitySummary, loadCityWorld, readCityManifest } from "./manifest.js";
export { dayOfWeek, periodAt } from "./meal-time.js";
export { CITY_DEFAULTS, type CityParams, type ResolvedCityParams, resolveCityParams } from "./params.js";
export { buildWorld, type CityRestaurants, type CityUsers, type CityWorld, isOpen } from "./world.js";
