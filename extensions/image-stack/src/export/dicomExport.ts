import type { StowFailure, StowResult, SyntheticCtRecord } from '@imagestack/core';
import { buildExportRecords, isImageStackError, part10Files, stowInstances, zipPart10FilesAsync } from '@imagestack/core';
import type { LoadedSeries } from '../services/ImageStackService';
import { fileNameFrom } from '../utils/download';

/** Our server's DICOMweb proxy (platform/app/scripts/server.cjs), relative to the page. */
export const DICOMWEB_ROOT = '/dicom-web';

/** The viewer route of a study held by the PACS: OHIF's /:mode/:dataSource form. */
export function pacsStudyPath(routeName: string, studyInstanceUID: string): string {
  return `/${routeName}/dicomweb?StudyInstanceUIDs=${encodeURIComponent(studyInstanceUID)}`;
}

/**
 * The 'export' records of the series the user is looking at: core's one builder with the
 * import's UIDs, window and identity (its date included), so the saved series is the viewed one.
 * The viewer's own records stay 8-bit grey levels (an HU rescale would make Cornerstone's volume
 * float, R32F); only these files carry the capture window's HU.
 */
export function exportRecordsOf(series: LoadedSeries): SyntheticCtRecord[] {
  // the capture window (if the user gave one) maps the grey values back to approximate HU: core's
  // exportRescale, the same rule as `imagestack convert --capture-window`
  return buildExportRecords(series.stack, series.geometry, { identity: series.identity, uids: series.uids, window: series.window, captureWindow: series.provenance.captureWindow });
}

/** What a Blob of the zip is built from: chunks are folded into Blobs as they come, so the page does not hold a second copy in JS arrays. */
class BlobCollector {
  private parts: BlobPart[] = [];
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  size = 0;

  push(chunk: Uint8Array): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.size += chunk.length;
    if (this.pendingBytes >= 32 * 1024 * 1024) this.fold();
  }

  private fold(): void {
    if (this.pending.length) this.parts.push(new Blob(this.pending as BlobPart[]));
    this.pending = [];
    this.pendingBytes = 0;
  }

  blob(type: string): Blob {
    this.fold();
    return new Blob(this.parts, { type });
  }
}

export interface ZipProgress {
  done: number;
  total: number;
  bytes: number;
}

/**
 * The series as a zip of Part-10 files (one per slice, in a folder named after the series),
 * built one slice at a time. Rejects with ImageStackError 'cancelled' when `signal` aborts.
 */
export async function zipSeries(
  series: LoadedSeries,
  { onProgress, signal }: { onProgress?: (p: ZipProgress) => void; signal?: AbortSignal } = {},
): Promise<{ blob: Blob; fileName: string }> {
  const records = exportRecordsOf(series);
  const total = records.length;
  const out = new BlobCollector();
  await zipPart10FilesAsync(part10Files(series.stack, records), chunk => out.push(chunk), {
    folder: fileNameFrom(series.description, ''),
    signal,
    onProgress: done => onProgress?.({ done, total, bytes: out.size }),
  });
  return { blob: out.blob('application/zip'), fileName: fileNameFrom(series.description, '.zip') };
}

/** Whether the DICOMweb proxy leads anywhere; the one line to show when it does not. */
export async function checkDicomWeb(root = DICOMWEB_ROOT, fetchImpl: typeof fetch = fetch): Promise<{ ok: true } | { ok: false; message: string }> {
  let response: Response;
  try {
    response = await fetchImpl(`${root}/studies?limit=1`, { headers: { Accept: 'application/dicom+json' } });
  } catch (e) {
    return { ok: false, message: `The viewer's server did not answer (${(e as Error).message}).` };
  }
  if (response.ok) return { ok: true };
  const text = (await response.text().catch(() => '')).trim();
  if (response.status === 503 && /no DICOMweb server configured/i.test(text)) {
    return { ok: false, message: 'No PACS configured: start the viewer server with IMAGESTACK_DICOMWEB_URL=<DICOMweb root>.' };
  }
  if (response.status === 502) {
    // our proxy's words: "DICOMweb server <origin> did not answer: <reason>"
    const m = /^DICOMweb server (?:https?:\/\/)?(\S+) did not answer: (.+)$/.exec(text.split('\n')[0]);
    return { ok: false, message: m ? `The PACS at ${m[1]} did not answer (${m[2].replace(/\s+\S+:\d+$/, '')}).` : 'The PACS did not answer (HTTP 502).' };
  }
  // Some servers refuse QIDO but take STOW: let the send decide.
  return { ok: true };
}

export interface PacsProgress {
  done: number;
  total: number;
  accepted: number;
  failed: number;
}

export type PacsOutcome =
  | { kind: 'sent'; result: StowResult; total: number }
  | { kind: 'cancelled'; accepted: number; failed: number; total: number }
  | { kind: 'unavailable'; message: string };

/**
 * Sends the series to the PACS behind our /dicom-web proxy by STOW-RS, building one slice's
 * file at a time. Never throws for what the server does: the outcome says what happened.
 */
export async function sendSeriesToPacs(
  series: LoadedSeries,
  { onProgress, signal, root = DICOMWEB_ROOT }: { onProgress?: (p: PacsProgress) => void; signal?: AbortSignal; root?: string } = {},
): Promise<PacsOutcome> {
  const check = await checkDicomWeb(root);
  if (!check.ok) return { kind: 'unavailable', message: check.message };
  const records = exportRecordsOf(series);
  const total = records.length;
  let last: PacsProgress = { done: 0, total, accepted: 0, failed: 0 };
  onProgress?.(last);
  async function* files() {
    for (const file of part10Files(series.stack, records)) {
      yield file;
      // let the progress bar repaint and Cancel be pressed while slices are encoded
      await new Promise<void>(resolve => setTimeout(resolve, 0));
    }
  }
  try {
    const result = await stowInstances(root, files(), {
      total,
      signal,
      onProgress: p => {
        last = { done: p.done, total, accepted: p.accepted, failed: p.failed };
        onProgress?.(last);
      },
    });
    return { kind: 'sent', result, total };
  } catch (e) {
    if (isImageStackError(e) && e.code === 'cancelled') return { kind: 'cancelled', accepted: last.accepted, failed: last.failed, total };
    return { kind: 'unavailable', message: isImageStackError(e) ? e.userMessage() : `Sending failed: ${(e as Error).message}` };
  }
}

/** The failures grouped by reason, most common first: "148 × refused by the server: …". */
export function failureSummary(failures: readonly StowFailure[]): string {
  const byReason = new Map<string, number>();
  for (const f of failures) byReason.set(f.reason, (byReason.get(f.reason) ?? 0) + 1);
  return [...byReason.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${n} × ${reason}`)
    .join('; ');
}

/** The one result line the panel shows. */
export function pacsResultLine(outcome: PacsOutcome): string {
  switch (outcome.kind) {
    case 'unavailable':
      return outcome.message;
    case 'cancelled':
      // a request cut short may still have been stored: say only what the PACS confirmed
      return `Cancelled: the PACS confirmed ${outcome.accepted} of ${outcome.total} instances before you stopped${outcome.failed ? ` (${outcome.failed} failed)` : ''}.`;
    case 'sent': {
      const { accepted, failed, failures } = outcome.result;
      const head = `Sent ${accepted} of ${outcome.total} instances`;
      return failed ? `${head}; ${failed} failed: ${failureSummary(failures)}` : head;
    }
  }
}
