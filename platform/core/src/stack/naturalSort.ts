/**
 * Compare relative paths ("scan/IMG (2).bmp") folder by folder, each part as naturalNameCompare
 * does: files with the same name in different subfolders sort by their folder first, so two
 * folders never interleave. A name without a folder is a path of one part.
 */
export function naturalCompare(a: string, b: string): number {
  if (!a.includes('/') && !b.includes('/')) return naturalNameCompare(a, b);
  const pa = a.split('/');
  const pb = b.split('/');
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    // Files of a folder before its subfolders' files: a shorter path ends in a file here.
    if (i === n - 1 && pa.length !== pb.length) return pa.length - pb.length;
    const c = naturalNameCompare(pa[i], pb[i]);
    if (c !== 0) return c;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The folder part of a relative path ("scan/a" of "scan/a/IMG1.bmp"); '' when there is none. */
export function folderOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/**
 * Compare file names the way people number them: digit runs compare as numbers ("IMG (2)"
 * before "IMG (10)", "slice_9" before "slice_010"), letters without case; ties broken by the
 * plain string so the order is total and stable.
 */
export function naturalNameCompare(a: string, b: string): number {
  const ta = a.match(/\d+|\D+/g) ?? [];
  const tb = b.match(/\d+|\D+/g) ?? [];
  const n = Math.min(ta.length, tb.length);
  for (let i = 0; i < n; i++) {
    const x = ta[i];
    const y = tb[i];
    if (x === y) continue;
    const dx = x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57;
    const dy = y.charCodeAt(0) >= 48 && y.charCodeAt(0) <= 57;
    if (dx && dy) {
      // Compare as numbers of any length: strip leading zeros, then longer is larger.
      const sx = x.replace(/^0+(?=\d)/, '');
      const sy = y.replace(/^0+(?=\d)/, '');
      if (sx.length !== sy.length) return sx.length - sy.length;
      if (sx !== sy) return sx < sy ? -1 : 1;
      if (x.length !== y.length) return y.length - x.length; // "007" == "7": more zeros first
      continue;
    }
    const lx = x.toLowerCase();
    const ly = y.toLowerCase();
    if (lx !== ly) return lx < ly ? -1 : 1;
  }
  if (ta.length !== tb.length) return ta.length - tb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A new array of `names` in natural order. */
export function naturalSort(names: readonly string[]): string[] {
  return [...names].sort(naturalCompare);
}
