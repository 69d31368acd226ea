/** `x` rounded to `digits` significant figures (a number; 0 stays 0). */
export function roundSignificant(x: number, digits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

/**
 * A spacing as ImageStack shows it everywhere (CLI, import page, sidecar): 4 significant
 * figures, so 0.4799 and 0.4785 stay apart ("0.4799", "0.4785", "1.200", "12.50"); never
 * exponent notation for spacings of 0.001 mm to 100 mm.
 */
export function formatSpacingMm(mm: number): string {
  if (!Number.isFinite(mm)) return String(mm);
  const s = mm.toPrecision(4);
  if (!/e/i.test(s)) return s;
  // toPrecision switches to exponents below 1e-6 and from 1e4: spell them out.
  const decimals = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(mm))));
  return mm.toFixed(Math.min(20, decimals));
}

/** A percentage for the user: 2 significant figures, at least 0.01 ("0.26", "1.3", "12"). */
export function formatPercent(pct: number): string {
  if (!Number.isFinite(pct)) return String(pct);
  if (Math.abs(pct) < 0.01) return pct === 0 ? '0' : '<0.01';
  return String(roundSignificant(pct, 2));
}
