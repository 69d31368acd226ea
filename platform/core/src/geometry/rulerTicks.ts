import { ImageStackError } from '../errors';

/** A line in continuous pixel coordinates of a slice (0 at the centre of the first pixel). */
export interface PixelLine {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface RulerTickOptions {
  /** Half-width in pixels of the band searched beside the line (default 10): the ticks and the ruler's own line must lie in it. */
  bandPx?: number;
  /** How far past each end of the line to look for the end ticks, in pixels (default max(6, 8 % of the line)). */
  marginPx?: number;
  /** Ticks brighter ('bright') or darker ('dark') than the background; 'auto' (default): the minority of the band. */
  polarity?: 'bright' | 'dark' | 'auto';
  /**
   * Distance between neighbouring ticks in mm, when known. Otherwise it is worked out from the
   * typed length and the tick gaps found: the drawn line holds a whole number of gaps.
   */
  tickSpacingMm?: number;
}

export interface RulerTickFit {
  /** Pixel spacing (square pixels) from the fitted ruler: lengthMm / lengthPx. */
  spacingMm: number;
  /** Fitted length in pixels of `intervals` tick gaps. */
  lengthPx: number;
  /** RMS distance along the ruler of the ticks from the fitted, evenly spaced positions, px. */
  residualPx: number;
  /**
   * Expanded uncertainty of spacingMm, percent: the larger of two standard errors of the fitted
   * tick spacing and the worst case of ticks each drawn to the nearest pixel (±0.5 px).
   */
  uncertaintyPct: number;
  /** Centres of the ticks the fit used, in order along the line, in pixel coordinates. */
  ticks: { x: number; y: number }[];
  /** The fitted positions of the ticks at the two ends of the measured length. */
  line: PixelLine;
  /** Tick gaps in the measured length, and the fitted gap in pixels. */
  intervals: number;
  tickSpacingPx: number;
}

type Pixels = ArrayLike<number>;

const NICE_MM = [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100];

function bad(message: string): ImageStackError {
  return new ImageStackError('bad-argument', message);
}

/** Otsu's threshold of values (binned to 256 levels between lo and hi). */
function otsu(values: Float64Array, lo: number, hi: number): number {
  const bins = 256;
  const hist = new Float64Array(bins);
  const scale = hi > lo ? (bins - 1) / (hi - lo) : 0;
  for (const v of values) hist[Math.round((v - lo) * scale)]++;
  const total = values.length;
  let sumAll = 0;
  for (let i = 0; i < bins; i++) sumAll += i * hist[i];
  let wB = 0;
  let sumB = 0;
  let best = -1;
  let at = 0;
  for (let i = 0; i < bins - 1; i++) {
    wB += hist[i];
    if (!wB) continue;
    const wF = total - wB;
    if (!wF) break;
    sumB += i * hist[i];
    const mB = sumB / wB;
    const mF = (sumAll - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      at = i;
    }
  }
  return lo + (at + 0.5) / (scale || 1);
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Tick {
  x: number;
  y: number;
  t: number;
  size: number;
}

/** The drawn line as a frame: t along it from (x0, y0), s across it; the band searched. */
interface LineFrame {
  x0: number;
  y0: number;
  ux: number;
  uy: number;
  L: number;
  band: number;
  margin: number;
}

interface BandPoint {
  x: number;
  y: number;
  t: number;
  s: number;
  w: number;
}

interface BandRegion {
  bx0: number;
  by0: number;
  bw: number;
  bh: number;
  /** 1 where the pixel of the bounding box lies in the band. */
  inBand: Uint8Array;
  values: Float64Array;
}

/** The pixels within `band` of the line (and `margin` past its ends): a bounding box and a mask. */
function collectBand(pixels: Pixels, width: number, height: number, f: LineFrame): BandRegion {
  const { x0, y0, ux, uy, L, band, margin } = f;
  const ax = x0 - margin * ux;
  const ay = y0 - margin * uy;
  const bx = x0 + (L + margin) * ux;
  const by = y0 + (L + margin) * uy;
  const bx0 = Math.max(0, Math.floor(Math.min(ax, bx) - band - 1));
  const bx1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + band + 1));
  const by0 = Math.max(0, Math.floor(Math.min(ay, by) - band - 1));
  const by1 = Math.min(height - 1, Math.ceil(Math.max(ay, by) + band + 1));
  if (bx1 < bx0 || by1 < by0) throw bad('ruler line lies outside the slice');
  const bw = bx1 - bx0 + 1;
  const bh = by1 - by0 + 1;
  const inBand = new Uint8Array(bw * bh);
  const values: number[] = [];
  for (let y = by0; y <= by1; y++) {
    const dy = y - y0;
    for (let x = bx0; x <= bx1; x++) {
      const dx = x - x0;
      const t = dx * ux + dy * uy;
      const s = dy * ux - dx * uy;
      if (t < -margin || t > L + margin || s > band || s < -band) continue;
      inBand[(y - by0) * bw + (x - bx0)] = 1;
      values.push(pixels[y * width + x]);
    }
  }
  return { bx0, by0, bw, bh, inBand, values: Float64Array.from(values) };
}

/**
 * Which grey values are the ruler's ink: Otsu's threshold, the minority side (or the polarity
 * given); when that side is itself two classes far apart (anatomy or a grey panel beside a
 * white ruler), the extreme one (of at least `minInk` pixels) is the ruler.
 */
function inkOf(values: Float64Array, polarity: RulerTickOptions['polarity'], minInk: number): { isInk(v: number): boolean; background: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) throw bad('the band along the ruler line is one flat grey: there are no tick marks to find');
  let threshold = otsu(values, lo, hi);
  let above = 0;
  for (const v of values) if (v > threshold) above++;
  const bright = polarity === 'bright' || (polarity !== 'dark' && above <= values.length / 2);
  for (let pass = 0; pass < 2; pass++) {
    const side = values.filter(v => (bright ? v > threshold : v <= threshold));
    if (side.length < 2 * minInk) break;
    let sLo = Infinity;
    let sHi = -Infinity;
    for (const v of side) {
      if (v < sLo) sLo = v;
      if (v > sHi) sHi = v;
    }
    if (!(sHi > sLo)) break;
    const t2 = otsu(side, sLo, sHi);
    let nIn = 0;
    let mIn = 0;
    let mOut = 0;
    for (const v of side) {
      if (bright ? v > t2 : v <= t2) {
        nIn++;
        mIn += v;
      } else mOut += v;
    }
    const nOut = side.length - nIn;
    // Two classes on the ink side, far apart: the extreme one is the ruler.
    if (nIn < minInk || !nOut || Math.abs(mIn / nIn - mOut / nOut) < 0.25 * (hi - lo)) break;
    threshold = t2;
  }
  const t = threshold;
  const rest = Array.from(values.filter(v => (bright ? v <= t : v > t)));
  return { isInk: bright ? v => v > t : v => v <= t, background: rest.length ? median(rest) : bright ? lo : hi };
}

/** Connected pieces (8-neighbours) of ink in the band, as indices into the bounding box. */
function inkPieces(pixels: Pixels, width: number, r: BandRegion, isInk: (v: number) => boolean): number[][] {
  const { bx0, by0, bw, bh, inBand } = r;
  const ink = new Uint8Array(bw * bh);
  for (let y = 0, i = 0; y < bh; y++) {
    const row = (by0 + y) * width + bx0;
    for (let x = 0; x < bw; x++, i++) if (inBand[i] && isInk(pixels[row + x])) ink[i] = 1;
  }
  const label = new Int32Array(bw * bh);
  const pieces: number[][] = [];
  const stack: number[] = [];
  for (let i = 0; i < ink.length; i++) {
    if (!ink[i] || label[i]) continue;
    const id = pieces.length + 1;
    const members: number[] = [];
    label[i] = id;
    stack.push(i);
    while (stack.length) {
      const j = stack.pop()!;
      members.push(j);
      const jx = j % bw;
      const jy = (j - jx) / bw;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = jy + dy;
        if (ny < 0 || ny >= bh) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = jx + dx;
          if (nx < 0 || nx >= bw) continue;
          const k = ny * bw + nx;
          if (!ink[k] || label[k]) continue;
          label[k] = id;
          stack.push(k);
        }
      }
    }
    pieces.push(members);
  }
  return pieces;
}

function bandPoint(pixels: Pixels, width: number, r: BandRegion, f: LineFrame, j: number, weightOf: (v: number) => number): BandPoint {
  const x = r.bx0 + (j % r.bw);
  const y = r.by0 + Math.floor(j / r.bw);
  const dx = x - f.x0;
  const dy = y - f.y0;
  return { x, y, t: dx * f.ux + dy * f.uy, s: dy * f.ux - dx * f.uy, w: weightOf(pixels[y * width + x]) };
}

function extentAlong(points: BandPoint[]): number {
  let a = Infinity;
  let b = -Infinity;
  for (const p of points) {
    if (p.t < a) a = p.t;
    if (p.t > b) b = p.t;
  }
  return b - a;
}

function centre(points: BandPoint[], f: LineFrame): Tick {
  let w = 0;
  let x = 0;
  let y = 0;
  for (const p of points) {
    w += p.w;
    x += p.w * p.x;
    y += p.w * p.y;
  }
  x /= w;
  y /= w;
  return { x, y, t: (x - f.x0) * f.ux + (y - f.y0) * f.uy, size: points.length };
}

/**
 * A ruler with its own line: fit that line through the stretches of the piece that are line only
 * (as thick as most), take it away, and each place where pixels stick out of it is a tick.
 */
function ticksOffTheLine(px: BandPoint[], f: LineFrame): Tick[] {
  const byBin = new Map<number, BandPoint[]>();
  for (const p of px) {
    const b = Math.floor(p.t);
    let list = byBin.get(b);
    if (!list) byBin.set(b, (list = []));
    list.push(p);
  }
  const typical = median([...byBin.values()].map(l => l.length));
  const linePx = [...byBin.values()].filter(l => l.length <= typical + 0.5).flat();
  // s = icept + slope · t by weighted least squares
  let sw = 0;
  let st = 0;
  let ss = 0;
  let stt = 0;
  let sts = 0;
  for (const p of linePx) {
    sw += p.w;
    st += p.w * p.t;
    ss += p.w * p.s;
    stt += p.w * p.t * p.t;
    sts += p.w * p.t * p.s;
  }
  const det = sw * stt - st * st;
  const slope = det > 0 ? (sw * sts - st * ss) / det : 0;
  const icept = det > 0 ? (ss - slope * st) / sw : ss / sw;
  let half = 0;
  for (const p of linePx) half = Math.max(half, Math.abs(p.s - icept - slope * p.t));
  const cut = Math.min(half, typical / 2 + 1) + 0.75;
  const out = px.filter(p => Math.abs(p.s - icept - slope * p.t) > cut).sort((a, b) => a.t - b.t);
  const ticks: Tick[] = [];
  let group: BandPoint[] = [];
  for (const p of out) {
    if (group.length && p.t - group[group.length - 1].t > 1.5) {
      if (group.length >= 2) ticks.push(centre(group, f));
      group = [];
    }
    group.push(p);
  }
  if (group.length >= 2) ticks.push(centre(group, f));
  return ticks;
}

/** Marks without a line: each piece of two pixels or more near the common line of the marks is a tick. */
function ticksFromMarks(points: BandPoint[][], f: LineFrame): Tick[] {
  const ticks = points.filter(p => p.length >= 2).map(p => centre(p, f));
  if (!ticks.length) return ticks;
  const across = (k: Tick) => (k.y - f.y0) * f.ux - (k.x - f.x0) * f.uy;
  const sMid = median(ticks.map(across));
  return ticks.filter(k => Math.abs(across(k) - sMid) <= 2).sort((a, b) => a.t - b.t);
}

/**
 * Finds the burned-in tick marks of a ruler along (and beside) a line drawn over it, and fits
 * their spacing by least squares, to sub-pixel precision, so a roughly drawn line (ends a few
 * pixels off, a pixel or two to the side) gives the ruler's own length.
 *
 * How: the band around the line is thresholded (Otsu), the ruler is its connected piece that
 * runs furthest along the line; its straight line is fitted and taken away, and what sticks out
 * of it in separate places are the ticks (their intensity-weighted centres). A ruler without a
 * line is read from its separate marks. The ticks are numbered by an even grid, the tick gap is
 * fitted in 2D (x and y separately, so the line's angle does not matter), and the measured
 * length is the whole number of gaps between the ticks nearest the line's two ends.
 *
 * The limit is the drawing: ticks drawn to the nearest pixel are each up to 0.5 px off, which
 * uncertaintyPct always includes. For 6 ticks (50 mm, every 10 mm) that worst case is 0.26 px per
 * gap: within 0.5 % needs gaps of about 52 px or more (a ruler of 260 px); a 100 px ruler can be
 * up to 1.3 % off, whatever the method, because its pixels are the same over that range.
 *
 * @param pixels grey values, width × height, columns fastest (8- or 16-bit, or any numbers)
 * @param line the line drawn along the ruler, pixel coordinates
 * @param lengthMm the length the line measures on the ruler, as typed
 */
export function fitRulerTicks(pixels: Pixels, width: number, height: number, line: PixelLine, lengthMm: number, opts: RulerTickOptions = {}): RulerTickFit {
  const { x0, y0, x1, y1 } = line;
  if (![x0, y0, x1, y1].every(Number.isFinite)) throw bad('ruler line: its end points must be two finite pixel positions');
  if (!(lengthMm > 0) || !Number.isFinite(lengthMm)) throw bad(`ruler length must be a positive number of millimetres, got ${String(lengthMm)}`);
  if (pixels.length < width * height) throw new Error(`fitRulerTicks: ${pixels.length} pixels for ${width} × ${height}`);
  const L = Math.hypot(x1 - x0, y1 - y0);
  if (L < 8) throw bad('ruler line is shorter than 8 pixels: draw it along the ruler, from end tick to end tick');
  const ux = (x1 - x0) / L;
  const uy = (y1 - y0) / L;
  const band = opts.bandPx ?? 10;
  const margin = opts.marginPx ?? Math.max(6, 0.08 * L);

  const frame: LineFrame = { x0, y0, ux, uy, L, band, margin };
  const region = collectBand(pixels, width, height, frame);
  const ink = inkOf(region.values, opts.polarity, Math.max(8, L / 2));
  const pieces = inkPieces(pixels, width, region, ink.isInk);
  if (!pieces.length) throw bad('found no marks along the ruler line: draw it over the ruler');
  const weightOf = (v: number) => Math.max(1e-6, Math.abs(v - ink.background));
  const points = pieces.map(members => members.map(j => bandPoint(pixels, width, region, frame, j, weightOf)));
  const extents = points.map(extentAlong);
  let longest = 0;
  for (let i = 1; i < points.length; i++) if (extents[i] > extents[longest]) longest = i;
  let ticks = extents[longest] >= 0.5 * L ? ticksOffTheLine(points[longest], frame) : ticksFromMarks(points, frame);
  if (ticks.length) {
    const typicalSize = median(ticks.map(k => k.size));
    ticks = ticks.filter(k => k.size >= 0.3 * typicalSize);
  }
  if (ticks.length < 3) {
    throw bad(`found ${ticks.length} tick mark${ticks.length === 1 ? '' : 's'} along the ruler line, need at least 3: draw the line along the ruler's ticks, or type the length without detecting ticks`);
  }

  // Number the ticks on an even grid, dropping marks that are off it (labels, specks), then fit.
  let gap = median(ticks.slice(1).map((k, i) => k.t - ticks[i].t));
  const ref = ticks.reduce((best, k) => (Math.abs(k.t) < Math.abs(best.t) ? k : best), ticks[0]);
  let origin = ref.t;
  let used: { tick: Tick; k: number }[] = [];
  for (let pass = 0; pass < 3; pass++) {
    const byIndex = new Map<number, { tick: Tick; k: number; off: number }>();
    for (const tick of ticks) {
      const k = Math.round((tick.t - origin) / gap);
      const off = Math.abs(tick.t - origin - k * gap);
      if (off > 0.3 * gap) continue;
      const prev = byIndex.get(k);
      if (!prev || off < prev.off) byIndex.set(k, { tick, k, off });
    }
    used = [...byIndex.values()].sort((a, b) => a.k - b.k);
    if (used.length < 3) break;
    const kMean = used.reduce((a, u) => a + u.k, 0) / used.length;
    const tMean = used.reduce((a, u) => a + u.tick.t, 0) / used.length;
    let num = 0;
    let den = 0;
    for (const u of used) {
      num += (u.k - kMean) * (u.tick.t - tMean);
      den += (u.k - kMean) ** 2;
    }
    gap = num / den;
    origin = tMean - gap * kMean;
  }
  if (used.length < 3 || !(gap > 1)) throw bad('the marks along the ruler line are not evenly spaced ticks: draw the line along the ruler');

  // Least squares in x and y against the tick number.
  const m = used.length;
  const kMean = used.reduce((a, u) => a + u.k, 0) / m;
  const xMean = used.reduce((a, u) => a + u.tick.x, 0) / m;
  const yMean = used.reduce((a, u) => a + u.tick.y, 0) / m;
  let sxk = 0;
  let syk = 0;
  let skk = 0;
  let sAbs = 0;
  for (const u of used) {
    const dk = u.k - kMean;
    sxk += dk * (u.tick.x - xMean);
    syk += dk * (u.tick.y - yMean);
    skk += dk * dk;
    sAbs += Math.abs(dk);
  }
  const dx = sxk / skk;
  const dy = syk / skk;
  const D = Math.hypot(dx, dy);
  const ex = dx / D;
  const ey = dy / D;
  let rss = 0;
  for (const u of used) {
    const rx = u.tick.x - (xMean + dx * (u.k - kMean));
    const ry = u.tick.y - (yMean + dy * (u.k - kMean));
    rss += (rx * ex + ry * ey) ** 2;
  }
  const residualPx = Math.sqrt(rss / m);
  const slopeSe = m > 2 ? Math.sqrt(rss / (m - 2) / skk) : Infinity;
  const rounding = (0.5 * sAbs) / skk;

  // How many gaps the typed length spans.
  let intervals: number;
  if (opts.tickSpacingMm !== undefined) {
    if (!(opts.tickSpacingMm > 0)) throw bad(`tick spacing must be a positive number of millimetres, got ${String(opts.tickSpacingMm)}`);
    intervals = Math.round(lengthMm / opts.tickSpacingMm);
    if (intervals < 1 || Math.abs(lengthMm / opts.tickSpacingMm - intervals) > 0.01) {
      throw bad(`a length of ${lengthMm} mm is not a whole number of ${opts.tickSpacingMm} mm tick gaps`);
    }
  } else {
    const drawn = L / D;
    intervals = Math.max(1, Math.round(drawn));
    // Dense ticks: the drawn length in gaps is not sure to ±1; a round tick spacing decides.
    const perGap = lengthMm / drawn;
    const nice = NICE_MM.reduce((b, v) => (Math.abs(Math.log(v / perGap)) < Math.abs(Math.log(b / perGap)) ? v : b), NICE_MM[0]);
    const n = lengthMm / nice;
    if (Math.abs(Math.log(nice / perGap)) < Math.log(1.25) && Math.abs(n - Math.round(n)) < 0.02 && Math.round(n) >= 1) intervals = Math.round(n);
  }

  // The measured length runs between the ticks nearest the two ends of the drawn line.
  const tAt = (k: number) => origin + gap * k;
  const first = Math.round(-origin / gap);
  let start = first;
  let bestCost = Infinity;
  for (const k of [first - 1, first, first + 1]) {
    const cost = Math.abs(tAt(k)) + Math.abs(tAt(k + intervals) - L);
    if (cost < bestCost) {
      bestCost = cost;
      start = k;
    }
  }
  const end = start + intervals;
  const point = (k: number) => [xMean + dx * (k - kMean), yMean + dy * (k - kMean)];
  const [lx0, ly0] = point(start);
  const [lx1, ly1] = point(end);
  const lengthPx = intervals * D;
  return {
    spacingMm: lengthMm / lengthPx,
    lengthPx,
    residualPx,
    uncertaintyPct: (100 * Math.max(Number.isFinite(slopeSe) ? 2 * slopeSe : 0, rounding)) / D,
    ticks: used.map(u => ({ x: u.tick.x, y: u.tick.y })),
    line: { x0: lx0, y0: ly0, x1: lx1, y1: ly1 },
    intervals,
    tickSpacingPx: D,
  };
}
