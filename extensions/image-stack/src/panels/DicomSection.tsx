import React, { useEffect, useRef, useState } from 'react';
import { Button, PanelSection } from '@ohif/ui-next';
import { isImageStackError } from '@imagestack/core';
import { ROUTE_NAME } from '../ids';
import type { LoadedSeries } from '../services/ImageStackService';
import {
  pacsResultLine,
  pacsStudyPath,
  sendSeriesToPacs,
  zipSeries,
  type PacsOutcome,
  type PacsProgress,
  type ZipProgress,
} from '../export/dicomExport';
import { formatBytes } from '@imagestack/core';
import { downloadBlob } from '../utils/download';
import { errorLine } from '../utils/errors';

type ZipState = { phase: 'idle' } | { phase: 'running'; progress: ZipProgress } | { phase: 'done'; line: string; error?: boolean };
type PacsState = { phase: 'idle' } | { phase: 'running'; progress: PacsProgress } | { phase: 'done'; outcome: PacsOutcome };

function ProgressBar({ done, total, cy }: { done: number; total: number; cy: string }) {
  const pct = total ? Math.round((100 * done) / total) : 0;
  return (
    <div data-cy={cy} role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} className="bg-input h-1.5 w-full overflow-hidden rounded">
      <div className="bg-primary h-full" style={{ width: `${pct}%` }} />
    </div>
  );
}

/** "Save as DICOM (zip)" and "Send to PACS" for the loaded series: the export records of what is on screen. */
export default function DicomSection({ series }: { series: LoadedSeries; servicesManager: any }) {
  const [zip, setZip] = useState<ZipState>({ phase: 'idle' });
  const [pacs, setPacs] = useState<PacsState>({ phase: 'idle' });
  const zipAbort = useRef<AbortController | null>(null);
  const pacsAbort = useRef<AbortController | null>(null);
  // which series the running work belongs to: results for a series no longer shown are dropped
  const shown = useRef(series);

  // a new series (or leaving the panel) stops work on the old one
  useEffect(() => {
    shown.current = series;
    setZip({ phase: 'idle' });
    setPacs({ phase: 'idle' });
    return () => {
      zipAbort.current?.abort();
      pacsAbort.current?.abort();
    };
  }, [series]);

  const slices = series.stack.slices;

  async function saveZip() {
    const controller = new AbortController();
    zipAbort.current = controller;
    const setZipIfShown = (state: ZipState) => shown.current === series && setZip(state);
    setZip({ phase: 'running', progress: { done: 0, total: slices, bytes: 0 } });
    try {
      const { blob, fileName } = await zipSeries(series, { signal: controller.signal, onProgress: progress => setZipIfShown({ phase: 'running', progress }) });
      downloadBlob(blob, fileName);
      setZipIfShown({ phase: 'done', line: `Saved ${fileName}: ${slices} slices, ${formatBytes(blob.size)}` });
    } catch (e) {
      if (isImageStackError(e) && e.code === 'cancelled') setZipIfShown({ phase: 'done', line: 'Cancelled: no zip was saved.' });
      else setZipIfShown({ phase: 'done', line: `Could not save the zip: ${errorLine(e)}`, error: true });
    } finally {
      if (zipAbort.current === controller) zipAbort.current = null;
    }
  }

  async function sendPacs() {
    const controller = new AbortController();
    pacsAbort.current = controller;
    setPacs({ phase: 'running', progress: { done: 0, total: slices, accepted: 0, failed: 0 } });
    const setPacsIfShown = (state: PacsState) => shown.current === series && setPacs(state);
    const outcome = await sendSeriesToPacs(series, { signal: controller.signal, onProgress: progress => setPacsIfShown({ phase: 'running', progress }) });
    if (pacsAbort.current === controller) pacsAbort.current = null;
    setPacsIfShown({ phase: 'done', outcome });
  }

  const accepted = pacs.phase === 'done' ? (pacs.outcome.kind === 'sent' ? pacs.outcome.result.accepted : pacs.outcome.kind === 'cancelled' ? pacs.outcome.accepted : 0) : 0;
  const pacsFailed = pacs.phase === 'done' && (pacs.outcome.kind === 'unavailable' || (pacs.outcome.kind === 'sent' && pacs.outcome.result.failed > 0));

  return (
    <PanelSection defaultOpen={true}>
      <PanelSection.Header>DICOM</PanelSection.Header>
      <PanelSection.Content>
        <div data-cy="imagestack-dicom" className="flex flex-col gap-3 p-3">
          <div className="flex flex-col gap-1.5">
            <div className="flex items-center gap-2">
              <Button data-cy="imagestack-save-dicom" size="sm" disabled={zip.phase === 'running'} onClick={saveZip}>
                Save as DICOM (zip)
              </Button>
              {zip.phase === 'running' && (
                <Button data-cy="imagestack-save-dicom-cancel" size="sm" variant="ghost" onClick={() => zipAbort.current?.abort()}>
                  Cancel
                </Button>
              )}
            </div>
            {zip.phase === 'running' && (
              <>
                <ProgressBar cy="imagestack-save-dicom-progress" done={zip.progress.done} total={zip.progress.total} />
                <span data-cy="imagestack-save-dicom-status" className="text-muted-foreground">
                  {zip.progress.done} / {zip.progress.total} slices, {formatBytes(zip.progress.bytes)}
                </span>
              </>
            )}
            {zip.phase === 'done' && (
              <span data-cy="imagestack-save-dicom-result" className={zip.error ? 'text-red-500' : 'text-muted-foreground'}>
                {zip.line}
              </span>
            )}
          </div>

          <div className="flex flex-col gap-1.5">
            <div className="flex items-center gap-2">
              <Button data-cy="imagestack-send-pacs" size="sm" disabled={pacs.phase === 'running'} onClick={sendPacs}>
                Send to PACS
              </Button>
              {pacs.phase === 'running' && (
                <Button data-cy="imagestack-pacs-cancel" size="sm" variant="ghost" onClick={() => pacsAbort.current?.abort()}>
                  Cancel
                </Button>
              )}
            </div>
            {pacs.phase === 'running' && (
              <>
                <ProgressBar cy="imagestack-pacs-progress" done={pacs.progress.done} total={pacs.progress.total} />
                <span data-cy="imagestack-pacs-status" className="text-muted-foreground">
                  {pacs.progress.done} / {pacs.progress.total} instances sent{pacs.progress.failed ? `, ${pacs.progress.failed} failed` : ''}
                </span>
              </>
            )}
            {pacs.phase === 'done' && (
              <span data-cy="imagestack-pacs-result" className={pacsFailed ? 'text-red-500' : 'text-muted-foreground'}>
                {pacsResultLine(pacs.outcome)}
              </span>
            )}
            {pacs.phase === 'done' && accepted > 0 && (
              <a
                data-cy="imagestack-open-pacs"
                className="text-primary underline"
                href={pacsStudyPath(ROUTE_NAME, series.studyInstanceUID)}
                target="_blank"
                rel="noopener"
              >
                Open from PACS
              </a>
            )}
          </div>
        </div>
      </PanelSection.Content>
    </PanelSection>
  );
}
