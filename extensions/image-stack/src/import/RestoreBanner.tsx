import React from 'react';
import { Button } from '@ohif/ui-next';
import type { RestoreState } from './importSession';
import { BAD } from './ui';

/**
 * The offer of an autosaved session: "Restore <description> (N slices, saved hh:mm)" or
 * "Discard"; when the browser cannot read the files again by itself, a picker for the same
 * folder or files, and why it is needed (or how the picked files differ).
 */
export default function RestoreBanner({
  restore,
  onAccept,
  onDiscard,
  onPick,
}: {
  restore: RestoreState;
  onAccept: () => void;
  onDiscard: () => void;
  onPick: (files: File[]) => void;
}) {
  const { record, offer, phase, line, lineIsError, progress } = restore;
  const source = record.source;
  const fromFolder = source.kind === 'files' && (source.files.some(f => f.relativePath) || source.handles?.kind === 'directory');
  const busy = phase === 'restoring';
  return (
    <div data-cy="imagestack-restore" className="flex flex-col gap-2 rounded border p-3 text-sm" style={{ borderColor: '#2563eb' }}>
      <div className="flex flex-wrap items-center gap-3">
        <span className="min-w-0 flex-1">
          Your last session was saved in this browser.{' '}
          {record.segmentation ? `Its segmentation has ${record.segmentation.segments.length} segment${record.segmentation.segments.length === 1 ? '' : 's'}.` : ''}
        </span>
        <Button data-cy="imagestack-restore-accept" disabled={busy} onClick={onAccept}>
          {offer}
        </Button>
        <Button data-cy="imagestack-restore-discard" variant="secondary" disabled={busy} onClick={onDiscard}>
          Discard
        </Button>
      </div>
      {phase === 'needFiles' && source.kind === 'files' && (
        <label className="flex cursor-pointer items-center gap-2">
          <span className="text-primary underline">
            Pick the same {fromFolder ? 'folder' : 'files'} again ({source.files.length} file{source.files.length === 1 ? '' : 's'}
            {source.folder ? `, folder ${source.folder}` : ''})
          </span>
          <input
            data-cy="imagestack-restore-pick"
            type="file"
            multiple
            className="hidden"
            {...(fromFolder ? ({ webkitdirectory: '', directory: '' } as any) : {})}
            onChange={e => {
              const files = Array.from(e.currentTarget.files ?? []);
              e.currentTarget.value = '';
              if (files.length) onPick(files);
            }}
          />
        </label>
      )}
      {line && (
        <div data-cy="imagestack-restore-line" style={lineIsError ? BAD : undefined} className={lineIsError ? '' : 'text-muted-foreground'}>
          {line}
        </div>
      )}
      {busy && (
        <div className="text-muted-foreground flex items-center gap-2">
          {progress ? (
            <>
              <progress className="h-2 w-64" max={progress.total} value={progress.done} />
              <span>
                Reading slices {progress.done} / {progress.total}
              </span>
            </>
          ) : (
            <span>Restoring…</span>
          )}
        </div>
      )}
    </div>
  );
}
