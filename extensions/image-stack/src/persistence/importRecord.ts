import { hashPixels, type StackPlan } from '@imagestack/core';
import type { GeometryFormValues } from '../import/geometryForm';
import type { LoadedSeries } from '../services/ImageStackService';
import { SESSION_RECORD_VERSION, savedFileOf, type SessionRecord, type SessionSource } from './sessionRecord';
import type { SavedHandles } from './fileHandles';

/** The first record of a session, written when the stack opens: the import's inputs and the series' identity, no labelmap yet. */
export function importRecord(
  series: Pick<LoadedSeries, 'description' | 'geometry' | 'stack' | 'uids' | 'identity' | 'notes'> & Partial<Pick<LoadedSeries, 'provenance'>>,
  { source, plan, form }: { source: SessionSource; plan: SessionRecord['plan']; form?: GeometryFormValues },
  now: number = Date.now(),
): SessionRecord {
  return {
    version: SESSION_RECORD_VERSION,
    savedAt: now,
    description: series.description,
    source,
    plan,
    form,
    geometry: series.geometry,
    dims: { columns: series.stack.columns, rows: series.stack.rows, slices: series.stack.slices },
    uids: series.uids,
    identity: series.identity,
    notes: series.notes,
    ...(series.provenance ? { provenance: series.provenance } : {}),
    extra: {},
  };
}

/**
 * The source of an import of files: what each file was, the first slice of the plan and the
 * hash of its file's bytes (read once here, a few milliseconds for a screen capture), and the
 * browser's handles when it gave them.
 */
export async function filesSource(files: readonly File[], plan: StackPlan, folder?: string, handles?: SavedHandles): Promise<SessionSource> {
  const first = plan.slices[0];
  // only the files the stack is made of: a folder's notes or thumbnails may change freely
  const used = new Set(plan.slices.map(s => s.file));
  const firstFile = files.find(f => f.name === first.file) ?? (first.source as File);
  return {
    kind: 'files',
    files: files.filter(f => used.has(f.name)).map(savedFileOf),
    ...(folder ? { folder } : {}),
    firstSlice: { name: first.name, hash: hashPixels(new Uint8Array(await firstFile.arrayBuffer())) },
    ...(handles ? { handles } : {}),
  };
}
