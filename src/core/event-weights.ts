/**
 * Event types are open-ended strings. Each maps to a confidence weight; an event that carries an
 * explicit value (a rating, a weight column) uses that value instead.
 */
export interface EventWeights {
  /** Weight per event type. */
  byType: Readonly<Record<string, number>>;
  /** Weight of a type not listed in `byType` (counted per type in load reports, never dropped). */
  unknownType: number;
}

/** The defaults of the foundation issue: view 1, click 2, booking 5. */
export const DEFAULT_EVENT_WEIGHTS: EventWeights = {
  byType: { view: 1, click: 2, booking: 5, interaction: 1 },
  unknownType: 1,
};

/** The weight an interaction contributes to the user×item matrix. */
export function eventWeight(weights: EventWeights, type: string, value: number | undefined): number {
  if (value !== undefined) return value;
  const w = weights.byType[type];
  return w === undefined ? weights.unknownType : w;
}
