import { ImageStackError } from '../errors';
import { checkOrientation, sliceNormal } from '../geometry/orientation';
import { checkGeometry } from '../geometry/positions';
import type { Orientation6, Point3, StackGeometry } from '../geometry/types';
import type { VoxelStack } from '../stack/types';
import { readPart10 } from './part10';
import type { Rescale, RescaleType, SeriesIdentity } from './records';

/** A file's bytes and its name as the user sees it. */
export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

export interface DicomSeriesStack {
  stack: VoxelStack;
  /** Geometry read from the files: PixelSpacing, ImageOrientationPatient, positions. */
  geometry: StackGeometry;
  identity: SeriesIdentity;
  seriesInstanceUID: string;
  /** The files' modality rescale when it is not identity (e.g. approximate HU of a capture window); the stack holds the stored values. */
  rescale?: Rescale;
}

/** Positions may wander by this much (mm) from a straight, evenly spaced line of slices. */
const POSITION_TOLERANCE_MM = 1e-3;

const numbers = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : v === undefined || v === null || v === '' ? [] : [Number(v)]);

function personName(v: unknown): string | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  if (typeof first === 'string') return first || undefined;
  if (first && typeof first === 'object' && 'Alphabetic' in first) return String((first as { Alphabetic: unknown }).Alphabetic) || undefined;
  return undefined;
}

/**
 * A voxel stack and its geometry from a DICOM series of single-frame grey slices, such as one
 * `imagestack convert` wrote: slices sorted along the slice normal, slice spacing and origin
 * from ImagePositionPatient. A modality rescale (one for the whole series) is returned beside
 * the stored values. Refuses mixed series, sizes, orientations or rescales, signed values,
 * and uneven or sheared positions, naming the file. 16-bit values that all fit in
 * 8 bits (what the export does to 8-bit data) come back as an 8-bit stack.
 */
export function stackFromPart10(files: readonly NamedBytes[]): DicomSeriesStack {
  if (files.length === 0) throw new ImageStackError('empty', 'no DICOM files given');
  try {
    return seriesStack(files);
  } catch (e) {
    // a check below the file level (spacing, orientation) names no file: the series' first does
    throw e instanceof ImageStackError ? e.withFile(files[0].name) : e;
  }
}

function seriesStack(files: readonly NamedBytes[]): DicomSeriesStack {
  const slices = files.map(f => ({ name: f.name, ...readPart10(f.bytes, f.name) }));
  const first = slices[0];
  const d0 = first.dataset;
  const columns = Number(d0.Columns);
  const rows = Number(d0.Rows);
  const spacing = numbers(d0.PixelSpacing);
  const orientation = numbers(d0.ImageOrientationPatient);
  if (spacing.length !== 2) throw new ImageStackError('unsupported-format', 'has no PixelSpacing: its scale is unknown', first.name);
  if (orientation.length !== 6) throw new ImageStackError('unsupported-format', 'has no ImageOrientationPatient', first.name);
  const o = checkOrientation(orientation) as Orientation6;
  const n = sliceNormal(o);

  for (const s of slices) {
    const d = s.dataset;
    if (d.SeriesInstanceUID !== d0.SeriesInstanceUID) throw new ImageStackError('mismatch', `belongs to another series than ${first.name}`, s.name);
    if (Number(d.Columns) !== columns || Number(d.Rows) !== rows) {
      throw new ImageStackError('mismatch', `is ${String(d.Columns)}×${String(d.Rows)}, ${first.name} is ${columns}×${rows}`, s.name);
    }
    if (d.SamplesPerPixel !== undefined && Number(d.SamplesPerPixel) !== 1) throw new ImageStackError('unsupported-format', 'is not a grey image', s.name);
    if (d.PhotometricInterpretation !== 'MONOCHROME2') {
      throw new ImageStackError('unsupported-format', `is ${String(d.PhotometricInterpretation)}; only MONOCHROME2 is read`, s.name);
    }
    if (Number(d.PixelRepresentation ?? 0) !== 0) throw new ImageStackError('unsupported-format', 'has signed pixel values; only unsigned are read', s.name);
    if (Number(d.RescaleSlope ?? 1) !== Number(d0.RescaleSlope ?? 1) || Number(d.RescaleIntercept ?? 0) !== Number(d0.RescaleIntercept ?? 0)) {
      throw new ImageStackError('mismatch', `has another RescaleSlope/Intercept than ${first.name}`, s.name);
    }
    const ps = numbers(d.PixelSpacing);
    if (ps.length !== 2 || Math.abs(ps[0] - spacing[0]) > 1e-6 || Math.abs(ps[1] - spacing[1]) > 1e-6) {
      throw new ImageStackError('mismatch', `has PixelSpacing ${ps.join('\\')}, ${first.name} has ${spacing.join('\\')}`, s.name);
    }
    const io = numbers(d.ImageOrientationPatient);
    if (io.length !== 6 || io.some((v, i) => Math.abs(v - o[i]) > 1e-4)) throw new ImageStackError('mismatch', `is oriented differently from ${first.name}`, s.name);
    if (numbers(d.ImagePositionPatient).length !== 3) throw new ImageStackError('unsupported-format', 'has no ImagePositionPatient', s.name);
    if (s.pixels.length < rows * columns) throw new ImageStackError('corrupt', `has ${s.pixels.length} pixels for ${columns}×${rows}`, s.name);
  }

  const along = (p: number[]) => p[0] * n[0] + p[1] * n[1] + p[2] * n[2];
  slices.sort((a, b) => along(numbers(a.dataset.ImagePositionPatient)) - along(numbers(b.dataset.ImagePositionPatient)));
  const origin = numbers(slices[0].dataset.ImagePositionPatient) as Point3;

  let sliceSpacingMm: number;
  if (slices.length === 1) {
    sliceSpacingMm = Number(d0.SpacingBetweenSlices ?? d0.SliceThickness);
  } else {
    sliceSpacingMm = (along(numbers(slices[slices.length - 1].dataset.ImagePositionPatient)) - along(origin)) / (slices.length - 1);
    for (let k = 0; k < slices.length; k++) {
      const p = numbers(slices[k].dataset.ImagePositionPatient);
      const expected = [0, 1, 2].map(i => origin[i] + k * sliceSpacingMm * n[i]);
      const off = Math.hypot(p[0] - expected[0], p[1] - expected[1], p[2] - expected[2]);
      if (off > POSITION_TOLERANCE_MM + 1e-6 * Math.abs(k * sliceSpacingMm)) {
        throw new ImageStackError(
          'mismatch',
          `is ${off.toFixed(3)} mm away from an evenly spaced, straight stack (a missing, duplicate or sheared slice?)`,
          slices[k].name,
        );
      }
    }
  }
  const geometry = checkGeometry({
    pixelSpacingXMm: spacing[1],
    pixelSpacingYMm: spacing[0],
    sliceSpacingMm,
    originMm: origin,
    orientation: o,
  });

  const perSlice = rows * columns;
  let max = 0;
  for (const s of slices) for (let i = 0; i < perSlice; i++) if (s.pixels[i] > max) max = s.pixels[i];
  const bitsStored = max <= 255 ? 8 : 16;
  const voxels = bitsStored === 8 ? new Uint8Array(perSlice * slices.length) : new Uint16Array(perSlice * slices.length);
  slices.forEach((s, k) => voxels.set(s.pixels.subarray(0, perSlice), k * perSlice));

  return {
    stack: { columns, rows, slices: slices.length, bitsStored, voxels, sliceNames: slices.map(s => s.name) },
    geometry,
    identity: {
      patientName: personName(d0.PatientName),
      patientId: typeof d0.PatientID === 'string' && d0.PatientID ? d0.PatientID : undefined,
      description: typeof d0.SeriesDescription === 'string' && d0.SeriesDescription ? d0.SeriesDescription : undefined,
    },
    seriesInstanceUID: String(d0.SeriesInstanceUID),
    ...seriesRescale(d0),
  };
}

/** The rescale of a series' first file, when it is not identity; RescaleType absent in CT means HU. */
function seriesRescale(d: Record<string, unknown>): { rescale?: Rescale } {
  const slope = Number(d.RescaleSlope ?? 1);
  const intercept = Number(d.RescaleIntercept ?? 0);
  if (slope === 1 && intercept === 0) return {};
  if (!Number.isFinite(slope) || slope === 0 || !Number.isFinite(intercept)) return {};
  const type = (typeof d.RescaleType === 'string' && d.RescaleType ? d.RescaleType : 'HU') as RescaleType;
  return { rescale: { slope, intercept, type } };
}
