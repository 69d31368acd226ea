// Burned-in overlays of screen captures: text, rulers, frames and bright lines drawn over the
// slices by the viewer that captured them. They are the same pixels on every slice (or
// saturated straight lines), while the anatomy changes from slice to slice; a crop that leaves
// them out keeps them out of the volume and the model.
import type { CropRect } from '../geometry/types';

export interface OverlayOptions {
  /** A pixel is static when it keeps its value between at least this fraction of consecutive sample slices (default 0.9). */
  staticFraction?: number;
  /** Static pixels this close (grey levels) to the static background are background, not overlay (default 2 % of the value range, at least 8 for 8-bit). */
  backgroundTolerance?: number;
  /** Pixels at or above this value are saturated (default: the largest sample value less 2 % of the range). */
  saturatedLevel?: number;
  /** Shortest straight run (along a row or column) of saturated pixels that is a drawn line, px (default max(20, 1/20 of the slice side)). */
  minLineLength?: number;
  /** The mask grows by this many pixels (anti-aliased text edges; default 2). */
  dilatePx?: number;
}

export interface OverlayDetection {
  width: number;
  height: number;
  /** 1 where a pixel is (or borders, within dilatePx) a burned-in overlay; width × height. */
  mask: Uint8Array;
  /** Pixels of the mask, and their fraction of the slice. */
  overlayPixels: number;
  fraction: number;
  /** Pixels that were static and not background (before dilation), and saturated line pixels found. */
  staticPixels: number;
  linePixels: number;
  /** Bounding boxes of the connected overlay pieces (before dilation), largest first, at most 50. */
  boxes: CropRect[];
  /**
   * The proposed crop: inside a rectangle free of overlays, the one holding the most changing
   * (anatomy) pixels, shrunk to them plus 2 px; null when no overlay was found.
   */
  crop: CropRect | null;
}

type Slice = ArrayLike<number>;

/** `n` slice indices spread evenly over a stack of `count` (first and last included): what to decode for detectOverlays. */
export function overlaySampleIndices(count: number, n = 8): number[] {
  if (count <= n) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: n }, (_, i) => Math.round((i * (count - 1)) / (n - 1)));
}

/** Grows a mask by r pixels (square neighbourhood), separably. */
function dilate(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  if (r <= 0) return mask.slice();
  const tmp = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let last = -Infinity;
    // distance to the nearest set pixel to the left, then to the right
    for (let x = 0; x < width; x++) {
      if (mask[row + x]) last = x;
      if (x - last <= r) tmp[row + x] = 1;
    }
    last = Infinity;
    for (let x = width - 1; x >= 0; x--) {
      if (mask[row + x]) last = x;
      if (last - x <= r) tmp[row + x] = 1;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < width; x++) {
    let last = -Infinity;
    for (let y = 0; y < height; y++) {
      if (tmp[y * width + x]) last = y;
      if (y - last <= r) out[y * width + x] = 1;
    }
    last = Infinity;
    for (let y = height - 1; y >= 0; y--) {
      if (tmp[y * width + x]) last = y;
      if (last - y <= r) out[y * width + x] = 1;
    }
  }
  return out;
}

/** Bounding boxes of the 8-connected pieces of a mask, largest (by pixels) first. */
function pieceBoxes(mask: Uint8Array, width: number, height: number, limit: number): CropRect[] {
  const seen = new Uint8Array(mask.length);
  const boxes: { box: CropRect; n: number }[] = [];
  const stack: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i] || seen[i]) continue;
    let x0 = width;
    let y0 = height;
    let x1 = -1;
    let y1 = -1;
    let n = 0;
    seen[i] = 1;
    stack.push(i);
    while (stack.length) {
      const j = stack.pop()!;
      const x = j % width;
      const y = (j - x) / width;
      n++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const k = ny * width + nx;
          if (mask[k] && !seen[k]) {
            seen[k] = 1;
            stack.push(k);
          }
        }
      }
    }
    boxes.push({ box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }, n });
  }
  return boxes
    .sort((a, b) => b.n - a.n)
    .slice(0, limit)
    .map(b => b.box);
}

/**
 * The rectangle free of `blocked` pixels that holds the most `wanted` pixels (ties: the larger
 * one), by the maximal-rectangle histogram sweep: every maximal free rectangle is visited once
 * per row it ends on, and scored from an integral image. O(width × height).
 */
function bestFreeRectangle(blocked: Uint8Array, wanted: Uint8Array, width: number, height: number): CropRect | null {
  const W1 = width + 1;
  const sum = new Float64Array(W1 * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += wanted[y * width + x];
      sum[(y + 1) * W1 + x + 1] = sum[y * W1 + x + 1] + row;
    }
  }
  const count = (x0: number, y0: number, x1: number, y1: number) => sum[y1 * W1 + x1] - sum[y0 * W1 + x1] - sum[y1 * W1 + x0] + sum[y0 * W1 + x0];
  const h = new Int32Array(width);
  const stackX = new Int32Array(width + 1);
  const stackH = new Int32Array(width + 1);
  let best: CropRect | null = null;
  let bestScore = -1;
  let bestArea = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) h[x] = blocked[y * width + x] ? 0 : h[x] + 1;
    let top = 0;
    for (let x = 0; x <= width; x++) {
      const hx = x < width ? h[x] : 0;
      let start = x;
      while (top > 0 && stackH[top - 1] >= hx) {
        top--;
        const hh = stackH[top];
        const left = stackX[top];
        if (hh > 0) {
          const score = count(left, y + 1 - hh, x, y + 1);
          const area = (x - left) * hh;
          if (score > bestScore || (score === bestScore && area > bestArea)) {
            bestScore = score;
            bestArea = area;
            best = { x: left, y: y + 1 - hh, width: x - left, height: hh };
          }
        }
        start = left;
      }
      stackX[top] = start;
      stackH[top] = hx;
      top++;
    }
  }
  return best;
}

/**
 * Finds burned-in overlays in a sample of slices (see overlaySampleIndices): pixels identical
 * across most of them that are not the static background (text, rulers, frames, panels), and
 * bright saturated straight lines on any of them (rulers, reference lines that move), and
 * proposes a crop that leaves them out and keeps the pixels that change (the anatomy). Pure.
 * Needs two slices or more (one slice has nothing to compare: only its saturated lines count).
 * @param slices grey slices of `width × height`, columns fastest
 */
export function detectOverlays(slices: readonly Slice[], width: number, height: number, opts: OverlayOptions = {}): OverlayDetection {
  const n = width * height;
  if (!slices.length) throw new Error('detectOverlays: no slices');
  for (const s of slices) if (s.length < n) throw new Error(`detectOverlays: a slice has ${s.length} pixels, expected ${n}`);
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of slices) {
    for (let i = 0; i < n; i++) {
      const v = s[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const range = Math.max(1, hi - lo);
  const tol = opts.backgroundTolerance ?? Math.max(hi <= 255 ? 8 : 0, 0.02 * range);
  const saturated = opts.saturatedLevel ?? hi - 0.02 * range;
  const minLine = opts.minLineLength ?? Math.max(20, Math.round(Math.min(width, height) / 20));

  // Static: the value holds between consecutive sample slices (most of the time).
  const m = slices.length;
  const isStatic = new Uint8Array(n);
  const changing = new Uint8Array(n);
  if (m >= 2) {
    const need = Math.ceil((opts.staticFraction ?? 0.9) * (m - 1));
    const same = new Uint16Array(n);
    for (let k = 1; k < m; k++) {
      const a = slices[k - 1];
      const b = slices[k];
      for (let i = 0; i < n; i++) if (a[i] === b[i]) same[i]++;
    }
    for (let i = 0; i < n; i++) {
      if (same[i] >= need) isStatic[i] = 1;
      else changing[i] = 1;
    }
  }
  // The static background: the commonest static value (black margins, a flat window).
  const ref = slices[m >> 1];
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) if (isStatic[i]) counts.set(ref[i], (counts.get(ref[i]) ?? 0) + 1);
  let background = lo;
  let most = -1;
  for (const [v, c] of counts) {
    if (c > most) {
      most = c;
      background = v;
    }
  }
  const raw = new Uint8Array(n);
  let staticPixels = 0;
  for (let i = 0; i < n; i++) {
    if (isStatic[i] && Math.abs(ref[i] - background) > tol) {
      raw[i] = 1;
      staticPixels++;
    }
  }

  // Saturated straight runs along rows and columns, on any sample slice.
  let linePixels = 0;
  const mark = (i: number) => {
    if (!raw[i]) {
      raw[i] = 1;
      linePixels++;
    }
  };
  for (const s of slices) {
    for (let y = 0; y < height; y++) {
      let run = 0;
      for (let x = 0; x <= width; x++) {
        if (x < width && s[y * width + x] >= saturated) run++;
        else {
          if (run >= minLine) for (let k = x - run; k < x; k++) mark(y * width + k);
          run = 0;
        }
      }
    }
    for (let x = 0; x < width; x++) {
      let run = 0;
      for (let y = 0; y <= height; y++) {
        if (y < height && s[y * width + x] >= saturated) run++;
        else {
          if (run >= minLine) for (let k = y - run; k < y; k++) mark(k * width + x);
          run = 0;
        }
      }
    }
  }

  const boxes = pieceBoxes(raw, width, height, 50);
  const mask = dilate(raw, width, height, opts.dilatePx ?? 2);
  let overlayPixels = 0;
  for (let i = 0; i < n; i++) overlayPixels += mask[i];

  let crop: CropRect | null = null;
  if (overlayPixels) {
    const wanted = new Uint8Array(n);
    let any = false;
    for (let i = 0; i < n; i++) {
      if (changing[i] && !mask[i]) {
        wanted[i] = 1;
        any = true;
      }
    }
    const free = bestFreeRectangle(mask, any ? wanted : new Uint8Array(n), width, height);
    if (free) {
      crop = free;
      if (any) {
        // Shrink to the changing pixels inside it, plus 2 px (still inside the free rectangle).
        let x0 = Infinity;
        let y0 = Infinity;
        let x1 = -1;
        let y1 = -1;
        for (let y = free.y; y < free.y + free.height; y++) {
          for (let x = free.x; x < free.x + free.width; x++) {
            if (!wanted[y * width + x]) continue;
            if (x < x0) x0 = x;
            if (x > x1) x1 = x;
            if (y < y0) y0 = y;
            if (y > y1) y1 = y;
          }
        }
        if (x1 >= 0) {
          const ax = Math.max(free.x, x0 - 2);
          const ay = Math.max(free.y, y0 - 2);
          const bx = Math.min(free.x + free.width - 1, x1 + 2);
          const by = Math.min(free.y + free.height - 1, y1 + 2);
          crop = { x: ax, y: ay, width: bx - ax + 1, height: by - ay + 1 };
        }
      }
    }
  }
  return { width, height, mask, overlayPixels, fraction: overlayPixels / n, staticPixels, linePixels, boxes, crop };
}
