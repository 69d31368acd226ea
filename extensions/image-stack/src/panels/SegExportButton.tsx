import React, { useState } from 'react';
import { Button } from '@ohif/ui-next';
import type { LoadedSeries } from '../services/ImageStackService';
import { ohifSegmentationHost, type HostContext } from '../segmentation/ohifHost';
import { useSegmentationVersion } from './useSegmentationVersion';

/**
 * Saves the segmentation as DICOM SEG with OHIF's own writer (the command its segmentation
 * panel uses), referencing our synthetic series, so other DICOM tools can reopen both.
 */
export default function SegExportButton({ series, ctx, commandsManager }: { series: LoadedSeries; ctx: HostContext; commandsManager: any }) {
  useSegmentationVersion(ctx.servicesManager);
  const [error, setError] = useState('');
  const segmentationId = ohifSegmentationHost(ctx, series).findLabelmap();
  if (!segmentationId) return null;
  const save = () => {
    setError('');
    try {
      commandsManager.runCommand('downloadSegmentation', { segmentationId });
    } catch (e) {
      setError(`DICOM SEG export failed: ${(e as Error).message}`);
    }
  };
  return (
    <div className="flex flex-col gap-1 px-3 pb-3">
      <Button data-cy="imagestack-save-seg" variant="secondary" onClick={save} title="OHIF's DICOM SEG writer, referencing this series">
        Save segmentation as DICOM SEG
      </Button>
      {error && <div className="text-muted-foreground">{error}</div>}
    </div>
  );
}
