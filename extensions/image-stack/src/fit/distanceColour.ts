/**
 * The colour map of signed distance on the device: red where it is through the wall by
 * `RED_AT_MM` or more, yellow at the wall, green where it is `GREEN_AT_MM` or more clear; linear
 * between. The panel draws the same scale.
 */
export const RED_AT_MM = -2;
export const GREEN_AT_MM = 2;

const RED = [220, 38, 38];
const YELLOW = [250, 204, 21];
const GREEN = [34, 197, 94];

/** RGB (0–255) for a signed distance, mm (+ clear, − interfering). */
export function distanceColour(mm: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, (mm - RED_AT_MM) / (GREEN_AT_MM - RED_AT_MM)));
  const [a, b, f] = t < 0.5 ? [RED, YELLOW, t * 2] : [YELLOW, GREEN, t * 2 - 1];
  return [0, 1, 2].map(i => Math.round(a[i] + (b[i] - a[i]) * f)) as [number, number, number];
}

/**
 * Per-corner colours for an actor built from an unwelded STL (3 points a triangle, in the
 * triangles' order, as the host's STL reader leaves them): corner c of triangle t takes the
 * colour of device vertex triangles[3t + c].
 */
export function cornerColours(triangles: Uint32Array, vertexDistanceMm: Float32Array): Uint8Array {
  const rgb = new Uint8Array(triangles.length * 3);
  for (let c = 0; c < triangles.length; c++) rgb.set(distanceColour(vertexDistanceMm[triangles[c]]), 3 * c);
  return rgb;
}
