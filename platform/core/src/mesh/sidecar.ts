import type { CalibrationRecord, SliceOrientation, StackGeometry } from '../geometry';
import { checkSliceOrientation, describeSliceOrientation, mirrorsCapture } from '../geometry/sliceOrientation';
import type { GapPolicy } from '../stack/gaps';
import type { SurfaceOperation } from './buildSurface';
import type { MeshStats } from './meshStats';
import type { MeshFrame } from './types';

/** The JSON written next to a model: enough to know where it came from and to reproduce it. */
export interface MeshSidecar {
  software: 'ImageStack';
  /** Sidecar format version. */
  version: 1;
  units: 'mm';
  frame: MeshFrame;
  /** The model file(s) this describes, as named by the writer. */
  files: string[];
  /** The inputs as the user named them (files, folders, a series). */
  inputs: string[];
  /** The geometry the vertices were placed with (after crop and downsample). */
  geometry: StackGeometry;
  /** Voxel counts the labelmap had: columns, rows, slices. */
  dims: [number, number, number];
  /** How the spacing was found (typed, ruler lines, ticks), with the lines and the uncertainty. */
  calibration?: CalibrationRecord;
  /** How the slices were flipped/turned at import, and whether that mirrors the capture. */
  orientation?: SliceOrientationRecord;
  /** Gaps in the numbering and what was done with them. */
  gaps?: GapRecord;
  /** Inclusive voxel value range meshed; null high = no upper bound. */
  threshold: [number, number | null] | null;
  /** Labelmap operations then surface operations, in the order applied. */
  operations: Array<SurfaceOperation | { op: string; [parameter: string]: unknown }>;
  stats: MeshStats;
  created: string;
}

/** See MeshSidecar.orientation. */
export interface SliceOrientationRecord extends Required<SliceOrientation> {
  mirrorsCapture: boolean;
  /** The sentence the user was shown (describeSliceOrientation). */
  description: string;
}

/** See MeshSidecar.gaps. */
export interface GapRecord {
  policy: GapPolicy;
  /** Numbers missing from the file names. */
  missing: number;
  /** Slices interpolated from their neighbours ('fill'), by name. */
  filled: string[];
}

/** The sidecar's record of an import orientation. */
export function sliceOrientationRecord(o: SliceOrientation | undefined): SliceOrientationRecord {
  return { ...checkSliceOrientation(o), mirrorsCapture: mirrorsCapture(o), description: describeSliceOrientation(o) };
}

export interface MeshSidecarInput {
  files: string[];
  inputs: string[];
  geometry: StackGeometry;
  dims: [number, number, number];
  calibration?: CalibrationRecord;
  /** Recorded when given (also when it changes nothing). */
  orientation?: SliceOrientation;
  gaps?: GapRecord;
  threshold?: [number, number];
  operations: MeshSidecar['operations'];
  stats: MeshStats;
  frame?: MeshFrame;
  /** ISO time; default now. */
  created?: string;
}

/** Builds the sidecar object (serialise with JSON.stringify). */
export function meshSidecar(input: MeshSidecarInput): MeshSidecar {
  return {
    software: 'ImageStack',
    version: 1,
    units: 'mm',
    frame: input.frame ?? 'LPS',
    files: input.files,
    inputs: input.inputs,
    geometry: input.geometry,
    dims: input.dims,
    ...(input.calibration ? { calibration: input.calibration } : {}),
    ...(input.orientation ? { orientation: sliceOrientationRecord(input.orientation) } : {}),
    ...(input.gaps ? { gaps: input.gaps } : {}),
    threshold: input.threshold ? [input.threshold[0], Number.isFinite(input.threshold[1]) ? input.threshold[1] : null] : null,
    operations: input.operations,
    stats: input.stats,
    created: input.created ?? new Date().toISOString(),
  };
}
