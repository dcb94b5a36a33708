/** Kilometres per degree of latitude (mean Earth radius). */
const KM_PER_DEGREE = 111.195;

/** How locations become grid cells: two cell sizes on a plane fixed at a reference latitude. */
export interface GeoGrid {
  /** Latitude whose cosine scales longitude to kilometres (the catalogue's mean latitude). */
  refLat: number;
  /** Side of the fine cells, in km; an item spreads over the four fine cells around it. */
  fineKm: number;
  /** Side of the coarse cells, in km (a district); an item sits in exactly one. */
  coarseKm: number;
}

/**
 * Calls `emit(name, weight)` for the cells of a location: the four fine cells whose centres
 * surround it, with bilinear weights (so two places 100 m apart share most of their weight even
 * across a cell border), and the one coarse cell containing it (weight 1).
 */
export function forEachCell(
  grid: GeoGrid,
  lat: number,
  lon: number,
  emit: (name: string, weight: number) => void,
): void {
  const xKm = lon * KM_PER_DEGREE * Math.cos((grid.refLat * Math.PI) / 180);
  const yKm = lat * KM_PER_DEGREE;
  const fx = xKm / grid.fineKm - 0.5;
  const fy = yKm / grid.fineKm - 0.5;
  const ix = Math.floor(fx);
  const iy = Math.floor(fy);
  const tx = fx - ix;
  const ty = fy - iy;
  const corners: [number, number, number][] = [
    [0, 0, (1 - tx) * (1 - ty)],
    [1, 0, tx * (1 - ty)],
    [0, 1, (1 - tx) * ty],
    [1, 1, tx * ty],
  ];
  for (const [dx, dy, w] of corners) if (w > 0) emit(`cell:fine:${ix + dx},${iy + dy}`, w);
  emit(`cell:coarse:${Math.floor(xKm / grid.coarseKm)},${Math.floor(yKm / grid.coarseKm)}`, 1);
}
