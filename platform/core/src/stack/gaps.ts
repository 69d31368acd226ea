import { ImageStackError } from '../errors';

/** A hole in a numbered series: files numbered between `after` and `before` are missing. */
export interface SliceGap {
  after: string;
  before: string;
  /** The missing numbers (at most 20 listed). */
  missing: number[];
  missingCount: number;
  /** The numbers in `after` and `before`, and the series' step (1, or 2 for 0, 2, 4, …). */
  afterNumber: number;
  beforeNumber: number;
  step: number;
}

/**
 * What to do with gaps in the numbering. There is no default: a gapped stack must be told.
 * - 'fill': every slice keeps its numbered place; each missing one is made by linear
 *   interpolation of the two slices around the gap (and marked as filled everywhere).
 * - 'continuous': the files are stacked one slice spacing apart as if none were missing (the
 *   stack is shorter, and every slice after a gap moves).
 */
export type GapPolicy = 'fill' | 'continuous';

export const GAP_POLICIES: readonly GapPolicy[] = ['fill', 'continuous'];

const NUMBERED = /^(.*?)(\d+)(\D*)$/;

function baseName(name: string): string {
  return name.split(/[\\/]/).pop() ?? name;
}

/**
 * Missing numbers in numbered file names ("img_001.bmp, img_002.bmp, img_004.bmp" → 3 is
 * missing). Names are grouped by the text around their last number, so "scout_1.png" does not
 * make a gap in "img_*.png". The step is the smallest difference in the group when it occurs
 * at least twice, so a series exported every second slice (0, 2, 4, …) has no gaps. `names`
 * may be in any order.
 */
export function findGaps(names: readonly string[]): SliceGap[] {
  const groups = new Map<string, { n: number; name: string }[]>();
  for (const name of names) {
    const m = NUMBERED.exec(baseName(name).replace(/#\d+$/, ''));
    if (!m) continue;
    const key = `${m[1]}\u0000${m[3].toLowerCase()}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push({ n: Number(m[2]), name });
  }
  const gaps: SliceGap[] = [];
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    g.sort((a, b) => a.n - b.n);
    // The series' step is its smallest difference when that occurs at least twice (0, 2, 4, …
    // exported every second slice); otherwise 1 (two files 1 and 9 leave 2–8 missing).
    let step = Infinity;
    let seen = 0;
    for (let i = 1; i < g.length; i++) {
      const d = g[i].n - g[i - 1].n;
      if (d <= 0) continue;
      if (d < step) {
        step = d;
        seen = 1;
      } else if (d === step) seen++;
    }
    if (!Number.isFinite(step)) continue;
    if (seen < 2) step = 1;
    for (let i = 1; i < g.length; i++) {
      const d = g[i].n - g[i - 1].n;
      if (d > step) {
        const missing: number[] = [];
        for (let k = g[i - 1].n + step; k < g[i].n && missing.length < 20; k += step) missing.push(k);
        gaps.push({ after: g[i - 1].name, before: g[i].name, missing, missingCount: Math.ceil(d / step) - 1, afterNumber: g[i - 1].n, beforeNumber: g[i].n, step });
      }
    }
  }
  return gaps;
}

/** "4, 9–11 (3 slices) missing after img_003.bmp, img_008.bmp": which numbers are missing, in one line. */
export function describeGaps(gaps: readonly SliceGap[]): string {
  const ranges = gaps.slice(0, 6).map(g => {
    const last = g.afterNumber + g.missingCount * g.step;
    return g.missingCount === 1 ? `${g.missing[0]}` : `${g.missing[0]}–${last}`;
  });
  const count = gaps.reduce((n, g) => n + g.missingCount, 0);
  const where = gaps.slice(0, 3).map(g => g.after);
  return (
    `slice number${count > 1 ? 's' : ''} ${ranges.join(', ')}${gaps.length > 6 ? ', …' : ''} ${count > 1 ? `(${count} slices) are` : 'is'} missing ` +
    `(after ${where.join(', ')}${gaps.length > 3 ? ', …' : ''})`
  );
}

/**
 * Refuses to go on with a gapped stack when no policy was chosen: the one place that makes
 * "never silently continuous" true, for the CLI and the viewer alike (the stack assembler
 * calls it before allocating a volume).
 */
export function checkGapPolicy(gaps: readonly SliceGap[], policy: GapPolicy | undefined): void {
  if (policy !== undefined && !GAP_POLICIES.includes(policy)) {
    throw new ImageStackError('bad-argument', `gap policy must be 'fill' or 'continuous', got "${String(policy)}"`);
  }
  if (gaps.length && !policy) {
    throw new ImageStackError(
      'bad-argument',
      `${describeGaps(gaps)}: choose 'fill' (interpolate each missing slice at its place) or 'continuous' (stack the files as if none were missing)`,
    );
  }
}

/** One slice no file holds, made from its neighbours (indices in slice order) at its numbered place. */
export interface GapFill {
  /** Its number in the series ("img_004" → 4). */
  number: number;
  /** "img_004.bmp (interpolated)". */
  name: string;
  /** The real slices either side, as indices into the planned slice order. */
  from: number;
  to: number;
  /** Weight of `to` (0 < w < 1): value = (1 − w) · from + w · to, rounded. */
  weight: number;
}

/** The name the missing file would have had, from its neighbour's ("img_003.bmp", 4 → "img_004.bmp"). */
function missingName(neighbour: string, n: number): string {
  const m = NUMBERED.exec(baseName(neighbour).replace(/#\d+$/, ''));
  if (!m) return `${n}`;
  const digits = m[2].length > 1 && m[2].startsWith('0') ? String(n).padStart(m[2].length, '0') : String(n);
  return `${m[1]}${digits}${m[3]}`;
}

/**
 * Where the missing slices go: for each gap, between the two slices (in slice order, which may
 * be reversed) of the files around it, one fill per missing number in slice order. `files` is
 * the file of each slice in slice order. Pure. Refuses gaps that cannot keep their place: a
 * number off the series' step, or another file sorted between the two neighbours.
 * @returns the fills, each with `insertAfter`: the index (in `files`) of the slice it follows
 */
export function planGapFills(files: readonly string[], gaps: readonly SliceGap[]): (GapFill & { insertAfter: number })[] {
  const out: (GapFill & { insertAfter: number })[] = [];
  for (const g of gaps) {
    if ((g.beforeNumber - g.afterNumber) % g.step !== 0) {
      throw new ImageStackError(
        'bad-argument',
        `cannot keep slices at their numbered places: ${g.after} → ${g.before} is not a whole number of steps of ${g.step}; treat the stack as continuous, or rename the files`,
      );
    }
    let at = -1;
    for (let i = 0; i + 1 < files.length; i++) {
      const a = files[i];
      const b = files[i + 1];
      if ((a === g.after && b === g.before) || (a === g.before && b === g.after)) {
        at = i;
        break;
      }
    }
    if (at < 0) {
      throw new ImageStackError(
        'bad-argument',
        `cannot fill the gap between ${g.after} and ${g.before}: other files sort between them; remove them, or treat the stack as continuous`,
      );
    }
    const forward = files[at] === g.after;
    const prevNumber = forward ? g.afterNumber : g.beforeNumber;
    const span = g.beforeNumber - g.afterNumber;
    for (let m = 1; m <= g.missingCount; m++) {
      const number = forward ? g.afterNumber + m * g.step : g.beforeNumber - m * g.step;
      out.push({
        insertAfter: at,
        number,
        name: `${missingName(g.after, number)} (interpolated)`,
        from: at,
        to: at + 1,
        weight: Math.abs(number - prevNumber) / span,
      });
    }
  }
  return out;
}
