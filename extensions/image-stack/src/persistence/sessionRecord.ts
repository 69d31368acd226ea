import type { CropRect, DownsampleFactor, GapPolicy, SeriesIdentity, SeriesUids, SliceOrientation, StackGeometry } from '@imagestack/core';
import type { ImportProvenance } from '../services/ImageStackService';
import type { GeometryFormValues } from '../import/geometryForm';

/** Bumped when the record's shape changes; a record of another version is not restored. */
export const SESSION_RECORD_VERSION = 1;

/** One input file as the import saw it: enough to recognise the same file when it is picked again. */
export interface SavedFile {
  name: string;
  size: number;
  lastModified: number;
  /** The path inside a picked folder (webkitRelativePath), when there was one. */
  relativePath?: string;
}

/**
 * Where the slices came from. The slices themselves are not saved (a 2 GB stack): they are
 * generated again (the sample), read again through the browser's file handles where it gave
 * them (Chromium's File System Access), or picked again by the user and checked.
 */
export type SessionSource =
  | { kind: 'sample' }
  | {
      kind: 'files';
      files: SavedFile[];
      /** The name of the dropped folder that named the stack, if any. */
      folder?: string;
      /** The first slice of the sorted plan and core's hashPixels of its file's bytes. */
      firstSlice: { name: string; hash: string };
      /**
       * FileSystemHandles (one directory, or one per file) kept in IndexedDB; structured
       * clone keeps them, and on restore the browser asks the user for read permission again.
       */
      handles?: { kind: 'directory' | 'files'; handles: unknown[] };
    };

/** The saved labelmap: each segment's index and label, the voxels as run lengths per slice (labelmapRuns.ts). */
export interface SavedSegmentation {
  /** The id it had when saved (the workflow state is keyed by it; a restore makes a new one). */
  segmentationId?: string;
  label: string;
  segments: Array<{ index: number; label: string }>;
  /** One entry per slice in the series' slice order; null: no labelled voxel on that slice. */
  sliceRuns: Array<Uint8Array | null>;
  /** Voxels per label, for the banner and the check after a restore. */
  voxelCounts: Record<number, number>;
}

/**
 * Everything a reload needs to give the user back their work: the import's inputs, the plan
 * options and geometry, the series' identity (its UIDs: a restored series is the same series
 * to a PACS), the labelmap, the workflow's own state, and `extra` for what others add later
 * (device placements). Stored in IndexedDB by structured clone: typed arrays, Dates and file
 * handles as they are.
 */
export interface SessionRecord {
  version: number;
  /** When this record was last written (ms since the epoch). */
  savedAt: number;
  description: string;
  source: SessionSource;
  /**
   * The options the plan was made with (the files' order, crop, downsample, flip/turn and gap
   * policy) and, for real-valued slices, the window of values mapped to grey levels that the
   * load used: the saved labelmap is of those grey levels, so a restore must not measure anew.
   */
  plan: { reverse: boolean; crop?: CropRect; downsample: DownsampleFactor; orient?: SliceOrientation; gapPolicy?: GapPolicy; valueRange?: { low: number; high: number } };
  /** The import's calibration, orientation and gaps, for the sidecars of a restored series. */
  provenance?: ImportProvenance;
  /** The geometry form as the user typed it, and the StackGeometry of the assembled volume. */
  form?: GeometryFormValues;
  geometry: StackGeometry;
  /** The assembled volume's size: a restore that builds another size is refused. */
  dims: { columns: number; rows: number; slices: number };
  uids: SeriesUids;
  identity: SeriesIdentity;
  notes: string[];
  segmentation?: SavedSegmentation;
  /** The workflow layer's state (history of steps per segment): JSON, opaque here. */
  workflow?: unknown;
  /** Slots others fill (device placements, …): JSON or structured-cloneable values. */
  extra: Record<string, unknown>;
}

/** "hh:mm" of a saved time, in the user's local time. */
export function savedClock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** The banner's offer: "Restore <description> (N slices, saved hh:mm)". */
export function restoreOffer(r: Pick<SessionRecord, 'description' | 'dims' | 'savedAt'>): string {
  return `Restore ${r.description} (${r.dims.slices} slices, saved ${savedClock(r.savedAt)})`;
}

/** What a record of `unknown` shape needs to be restorable here; a reason when it is not. */
export function checkRecord(r: unknown): { record?: SessionRecord; reason?: string } {
  const rec = r as SessionRecord | undefined;
  if (!rec || typeof rec !== 'object') return { reason: 'nothing saved' };
  if (rec.version !== SESSION_RECORD_VERSION) return { reason: `saved by another version of ImageStack (record version ${rec.version})` };
  if (!rec.dims || !rec.geometry || !rec.uids || !rec.source) return { reason: 'the saved session is incomplete' };
  return { record: rec };
}

/** A File as the record keeps it. */
export function savedFileOf(f: File): SavedFile {
  const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath;
  return { name: f.name, size: f.size, lastModified: f.lastModified, ...(rel ? { relativePath: rel } : {}) };
}

/**
 * Matches files picked again against the saved ones by name and size: returns the picked
 * files that were in the import (in the saved order; extra files in the folder are left out),
 * or the differences as one line a user can act on. The first slice's hash is checked after
 * (it needs the file's bytes).
 */
export function matchPickedFiles<F extends { name: string; size: number }>(saved: readonly SavedFile[], picked: readonly F[]): { files?: F[]; difference?: string } {
  const byName = new Map<string, F>();
  for (const f of picked) if (!byName.has(f.name)) byName.set(f.name, f);
  const missing: string[] = [];
  const resized: string[] = [];
  const files: F[] = [];
  for (const s of saved) {
    const f = byName.get(s.name);
    if (!f) missing.push(s.name);
    else if (f.size !== s.size) resized.push(`${s.name} (${f.size} bytes, was ${s.size})`);
    else files.push(f);
  }
  if (!missing.length && !resized.length) return { files };
  const parts: string[] = [];
  const list = (names: string[]) => names.slice(0, 3).join(', ') + (names.length > 3 ? `, … (${names.length})` : '');
  if (missing.length) parts.push(`${missing.length} of the ${saved.length} saved files are missing: ${list(missing)}`);
  if (resized.length) parts.push(`${resized.length} differ in size: ${list(resized)}`);
  return { difference: `These are not the files of the saved session: ${parts.join('; ')}.` };
}
