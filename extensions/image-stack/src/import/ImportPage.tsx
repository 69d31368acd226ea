import React, { useCallback, useEffect, useState } from 'react';
import { Button } from '@ohif/ui-next';
import { makeHeadPhantom } from '@imagestack/core';
import { ROUTE_NAME, SERVICE_NAME } from '../ids';
import { navigateTo, viewerPath } from '../utils/navigate';
import type { ImageStackService } from '../services/ImageStackService';

/**
 * The landing page (route "/"): where a user brings a folder of slices, checks the stack,
 * gives its geometry and opens it in the viewer. Replaces OHIF's study list, which has
 * nothing to list without a PACS.
 */
export default function ImportPage({ servicesManager }: { servicesManager: any }) {
  const service: ImageStackService = servicesManager.services[SERVICE_NAME];
  const [status, setStatus] = useState<string>('');
  const lost = new URLSearchParams(window.location.search).has('lost');

  useEffect(() => {
    document.title = 'ImageStack — import';
  }, []);

  const openSample = useCallback(() => {
    setStatus('Generating the sample head phantom…');
    // let the status paint before the (short) synchronous generation
    setTimeout(() => {
      const p = makeHeadPhantom();
      const series = service.addStack(p.stack, p.geometry, p.description);
      navigateTo(viewerPath(ROUTE_NAME, series.studyInstanceUID));
    }, 0);
  }, [service]);

  return (
    <div data-cy="imagestack-import" className="bg-background text-foreground flex h-full w-full flex-col overflow-auto">
      <header className="border-input flex items-center gap-4 border-b px-6 py-3">
        <span className="text-primary text-xl">ImageStack</span>
        <span className="text-muted-foreground text-sm">Image slices to a scaled DICOM series and 3D model</span>
      </header>
      <main className="mx-auto flex w-full max-w-4xl flex-col gap-4 p-6">
        {lost && (
          <div data-cy="imagestack-lost" className="rounded border border-yellow-600 p-3 text-sm">
            The stack you had open was held in this tab only and is gone after a reload. Drop the files again.
          </div>
        )}
        <section className="border-input flex flex-col items-center gap-3 rounded border-2 border-dashed p-8">
          <div className="text-lg">Drop a folder or files of BMP, PNG, JPEG or TIFF slices</div>
          <div className="flex gap-3">
            <label className="cursor-pointer">
              <span className="text-primary underline">Choose files</span>
              <input data-cy="imagestack-file-input" type="file" multiple className="hidden" />
            </label>
            <label className="cursor-pointer">
              <span className="text-primary underline">Choose a folder</span>
              <input
                data-cy="imagestack-folder-input"
                type="file"
                multiple
                className="hidden"
                {...({ webkitdirectory: '', directory: '' } as any)}
              />
            </label>
          </div>
        </section>
        <section className="flex items-center gap-3">
          <Button data-cy="imagestack-load-sample" onClick={openSample}>
            Load sample
          </Button>
          <span className="text-muted-foreground text-sm">
            A generated head phantom (192 × 240 × 150, 0.9 × 0.8 × 1.3 mm) with an airway, a skull and a burned-in 50 mm ruler.
          </span>
        </section>
        {status && (
          <div data-cy="imagestack-status" className="text-sm">
            {status}
          </div>
        )}
      </main>
    </div>
  );
}
