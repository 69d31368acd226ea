/**
 * Otsu's threshold of a histogram: the value t that best separates the counts below t from
 * those at or above it (maximum between-class variance). A sensible first guess for "object
 * versus background" that the user then adjusts. Returns 0 for an empty or constant histogram.
 */
export function otsuThreshold(histogram: ArrayLike<number>): number {
  let total = 0;
  let sumAll = 0;
  for (let v = 0; v < histogram.length; v++) {
    total += histogram[v];
    sumAll += v * histogram[v];
  }
  let best = 0;
  let bestVariance = -1;
  let countBelow = 0;
  let sumBelow = 0;
  for (let t = 1; t < histogram.length; t++) {
    countBelow += histogram[t - 1];
    sumBelow += (t - 1) * histogram[t - 1];
    const countAbove = total - countBelow;
    if (countBelow === 0 || countAbove === 0) continue;
    const meanBelow = sumBelow / countBelow;
    const meanAbove = (sumAll - sumBelow) / countAbove;
    const variance = countBelow * countAbove * (meanBelow - meanAbove) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      best = t;
    }
  }
  return best;
}
