/** A hole in a numbered series: files numbered between `after` and `before` are missing. */
export interface SliceGap {
  after: string;
  before: string;
  /** The missing numbers (at most 20 listed). */
  missing: number[];
  missingCount: number;
}

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
        gaps.push({ after: g[i - 1].name, before: g[i].name, missing, missingCount: Math.ceil(d / step) - 1 });
      }
    }
  }
  return gaps;
}
