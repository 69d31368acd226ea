import {
  checkSpacingMm,
  deriveStackGeometry,
  ImageStackError,
  ORIENTATION_PRESETS,
  parseNumbers,
  parseOrigin,
  physicalSizeMm,
  type OrientationPresetName,
  type StackGeometry,
  type StackPlan,
} from '@imagestack/core';

/** The geometry form as typed: strings, so "unknown" (empty) is distinct from any number. */
export interface GeometryFormValues {
  spacingX: string;
  spacingY: string;
  sliceSpacing: string;
  /** "x, y, z" LPS mm of the first voxel of the original slices; empty means 0, 0, 0. */
  origin: string;
  orientation: OrientationPresetName;
}

export const EMPTY_GEOMETRY_FORM: GeometryFormValues = { spacingX: '', spacingY: '', sliceSpacing: '', origin: '', orientation: 'axial' };

export interface GeometryFormState {
  /** The geometry of the original files, when every value is given and valid. */
  userGeometry?: StackGeometry;
  /** The geometry of the volume as it will be assembled (after crop and downsample). */
  stackGeometry?: StackGeometry;
  /** Physical size W × H × D in mm of the assembled volume; null for an axis whose spacing is not known yet. */
  sizeMm: [number | null, number | null, number | null];
  /** Why loading is not possible yet, as an instruction ("Enter the slice spacing (mm)"); undefined when ready. */
  missing?: string;
  /** Per field, the reason its text cannot be used. */
  fieldErrors: Partial<Record<keyof GeometryFormValues, string>>;
}

function readSpacing(text: string, what: string): { value?: number; error?: string } {
  if (!text.trim()) return {};
  try {
    return { value: checkSpacingMm(parseNumbers(text, [1], what)[0], what) };
  } catch (e) {
    return { error: e instanceof ImageStackError ? e.userMessage() : String(e) };
  }
}

/**
 * Reads the form against the plan: which values are still missing or unusable, and the
 * geometry and physical size once they are given. There is no default spacing: an empty field
 * stays unknown and blocks loading. All geometry comes from core (deriveStackGeometry,
 * physicalSizeMm); nothing is computed here.
 */
export function readGeometryForm(values: GeometryFormValues, plan: StackPlan | undefined): GeometryFormState {
  const fieldErrors: GeometryFormState['fieldErrors'] = {};
  const x = readSpacing(values.spacingX, 'pixel spacing x');
  const y = readSpacing(values.spacingY, 'pixel spacing y');
  const z = readSpacing(values.sliceSpacing, 'slice spacing');
  if (x.error) fieldErrors.spacingX = x.error;
  if (y.error) fieldErrors.spacingY = y.error;
  if (z.error) fieldErrors.sliceSpacing = z.error;
  let originMm: [number, number, number] = [0, 0, 0];
  if (values.origin.trim()) {
    try {
      originMm = parseOrigin(values.origin);
    } catch (e) {
      fieldErrors.origin = e instanceof ImageStackError ? e.userMessage() : String(e);
    }
  }
  const orientation = [...ORIENTATION_PRESETS[values.orientation]] as StackGeometry['orientation'];

  // The size per axis as soon as that axis's spacing is known (a stand-in of 1 mm elsewhere is never shown).
  let sizeMm: GeometryFormState['sizeMm'] = [null, null, null];
  // the plan itself: crop, downsample, flip/rotate (with the capture's width and height), reverse
  const transforms = plan ?? {};
  if (plan) {
    const g = deriveStackGeometry(
      { pixelSpacingXMm: x.value ?? 1, pixelSpacingYMm: y.value ?? 1, sliceSpacingMm: z.value ?? 1, originMm: [0, 0, 0], orientation },
      transforms,
    );
    const s = physicalSizeMm(g, plan.columns, plan.rows, plan.slices.length);
    sizeMm = [x.value ? s[0] : null, y.value ? s[1] : null, z.value ? s[2] : null];
  }

  const missing =
    (!plan && 'Add the slices first') ||
    (x.error ?? (x.value === undefined && 'Enter the pixel spacing x (mm)')) ||
    (y.error ?? (y.value === undefined && 'Enter the pixel spacing y (mm)')) ||
    (z.error ?? (z.value === undefined && 'Enter the slice spacing (mm)')) ||
    fieldErrors.origin ||
    undefined;
  if (missing || !plan) return { sizeMm, missing: missing || 'Add the slices first', fieldErrors };

  const userGeometry: StackGeometry = { pixelSpacingXMm: x.value!, pixelSpacingYMm: y.value!, sliceSpacingMm: z.value!, originMm, orientation };
  return { userGeometry, stackGeometry: deriveStackGeometry(userGeometry, transforms), sizeMm, fieldErrors };
}

/** "86.4 × 96.0 × 52.0 mm", with "unknown" for an axis whose spacing is not given. */
export function formatSizeMm(size: GeometryFormState['sizeMm']): string {
  return `${size.map(v => (v === null ? 'unknown' : v.toFixed(1))).join(' × ')} mm`;
}
