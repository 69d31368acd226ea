// A burned-in ruler as screen captures carry it, for tests: a line with ticks, each mark drawn
// to the nearest pixel (no anti-aliasing), at a true (sub-pixel) length, on a noisy slice with
// anatomy and labels. Used by the tick-fit tests and the overlay tests.

// Builtins as module constants: under jest's vm context every global lookup (Math) is slow,
// and these run per pixel.
const { imul, sqrt, log, cos, round, max, min, hypot, ceil, PI } = Math;

/** mulberry32: a small seeded RNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal deviate from a uniform RNG (Box–Muller). */
export function gaussian(rand: () => number): number {
  return sqrt(-2 * log(1 - rand())) * cos(2 * PI * rand());
}

export interface SyntheticRulerOptions {
  width: number;
  height: number;
  /** True pixel spacing, mm (sub-pixel lengths follow). */
  spacingMm: number;
  /** Ruler length and tick gap, mm (50 and 10: 6 ticks). */
  lengthMm?: number;
  tickMm?: number;
  /** Start of the ruler (its first tick), continuous pixels, and its direction in degrees (0: along the rows). */
  start: [number, number];
  angleDeg?: number;
  tickLengthPx?: number;
  /** Grey of the ruler (default 255) and of the background (default 30); noise σ in grey levels (default 8). */
  ink?: number;
  background?: number;
  noise?: number;
  /** Number labels beyond the tick tips (default true). */
  labels?: boolean;
  /** A grey ellipse of anatomy (centre and semi-axes, px); default none. The ruler is drawn over it. */
  anatomy?: { cx: number; cy: number; rx: number; ry: number };
  rand: () => number;
}

/** Draws the ruler; returns the slice and the true positions of the first and last tick. */
export function syntheticRuler(o: SyntheticRulerOptions): { pixels: Uint8Array; ends: [[number, number], [number, number]] } {
  const { width, height, rand } = o;
  const lengthMm = o.lengthMm ?? 50;
  const tickMm = o.tickMm ?? 10;
  const a = ((o.angleDeg ?? 0) * Math.PI) / 180;
  const ux = Math.cos(a);
  const uy = Math.sin(a);
  // Ticks stick out to the side of −v (up, for a horizontal ruler).
  const vx = uy;
  const vy = -ux;
  const ink = o.ink ?? 255;
  const bg = o.background ?? 30;
  const noise = o.noise ?? 8;
  const img = new Float64Array(width * height).fill(bg);
  if (o.anatomy) {
    const { cx, cy, rx, ry } = o.anatomy;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const r = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
        if (r < 1) img[y * width + x] = 90 + 60 * (1 - r);
      }
  }
  const plot = (x: number, y: number) => {
    const px = round(x);
    const py = round(y);
    if (px >= 0 && py >= 0 && px < width && py < height) img[py * width + px] = ink;
  };
  const segment = (xa: number, ya: number, xb: number, yb: number) => {
    const n = ceil(hypot(xb - xa, yb - ya) * 4) + 1;
    for (let i = 0; i <= n; i++) plot(xa + ((xb - xa) * i) / n, ya + ((yb - ya) * i) / n);
  };
  const lengthPx = lengthMm / o.spacingMm;
  const [sx, sy] = o.start;
  segment(sx, sy, sx + ux * lengthPx, sy + uy * lengthPx);
  const tl = o.tickLengthPx ?? 7;
  const count = Math.round(lengthMm / tickMm);
  for (let k = 0; k <= count; k++) {
    const cx = sx + ux * (k * tickMm) / o.spacingMm;
    const cy = sy + uy * (k * tickMm) / o.spacingMm;
    const len = k % 5 === 0 ? tl : tl * 0.7;
    segment(cx, cy, cx + vx * len, cy + vy * len);
    if (o.labels !== false) {
      // a 3 × 5 "digit" 3 px beyond the tip, not touching it
      const lx = cx + vx * (len + 5);
      const ly = cy + vy * (len + 5);
      for (let j = -2; j <= 2; j++) for (let i = -1; i <= 1; i++) if ((i + j + k) % 2 === 0) plot(lx + i * ux + j * vx, ly + i * uy + j * vy);
    }
  }
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = max(0, min(255, round(img[i] + noise * gaussian(rand))));
  return { pixels, ends: [[sx, sy], [sx + ux * lengthPx, sy + uy * lengthPx]] };
}
