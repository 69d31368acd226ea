/** Longest DICOM Decimal String (DS) value, characters. */
const DS_MAX_LENGTH = 16;
/** Values this close to 0 are rounding noise from direction cosines (6e-17), written as 0. */
const ZERO_SNAP = 1e-10;

/**
 * The nearest number whose JavaScript text fits a DICOM DS value (16 characters). Records
 * hold this number, so the viewer's metadata and the written file say exactly the same thing
 * (dcmjs would otherwise shorten it silently on write).
 */
export function toDecimalString(value: number): number {
  if (!Number.isFinite(value)) throw new Error(`toDecimalString: ${value} is not a finite number`);
  if (Math.abs(value) < ZERO_SNAP) return 0;
  for (let digits = 15; digits >= 1; digits--) {
    const v = Number(value.toPrecision(digits));
    if (String(v).length <= DS_MAX_LENGTH) return v;
  }
  return 0;
}
