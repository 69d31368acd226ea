import React, { useEffect, useState } from 'react';
import { PanelSection } from '@ohif/ui-next';
import { physicalSizeMm } from '@imagestack/core';
import { SERVICE_NAME } from '../ids';
import { ohifSegmentationHost } from '../segmentation/ohifHost';
import { stillLoading, type ImageStackService, type LoadedSeries, type SeriesLoading } from '../services/ImageStackService';
import ProgressRow from './ProgressRow';
import DeviceSection from './DeviceSection';
import DicomSection from './DicomSection';
import ExportSection from './ExportSection';
import SegExportButton from './SegExportButton';
import RefineSection from './RefineSection';
import ThresholdSection from './ThresholdSection';
import { useSegmentationVersion } from './useSegmentationVersion';

const mm = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} mm`;

/**
 * The panel scrolls inside itself. OHIF's side panel is a fixed-height column (its tab strip,
 * then the panel) inside an overflow-hidden box: a taller panel was cut off, and focusing a
 * control below the fold scrolled that box, taking the tab strip with it. As the column's
 * flexible, scrolling item, the panel keeps the tab strip in view. (Inline: the host's Tailwind
 * build has only the classes OHIF uses.)
 */
const SCROLLS_INSIDE: React.CSSProperties = { flex: '1 1 0%', minHeight: 0, overflowY: 'auto', overflowX: 'hidden' };

/** The right-hand workflow panel: the loaded stack's geometry, threshold, refine, export and device fit. */
export default function WorkflowPanel({
  servicesManager,
  extensionManager,
  commandsManager,
}: {
  servicesManager: any;
  extensionManager: any;
  commandsManager: any;
}) {
  const service: ImageStackService = servicesManager.services[SERVICE_NAME];
  const [series, setSeries] = useState<LoadedSeries | undefined>(() => service.latest());
  // the same series object changes when its streamed load ends or fails: render again then too
  const [, setChanges] = useState(0);
  useEffect(
    () =>
      service.subscribe(s => {
        setSeries(s);
        setChanges(c => c + 1);
      }),
    [service],
  );
  const segmentationVersion = useSegmentationVersion(servicesManager);
  if (!series) {
    // e.g. a study reopened from the PACS in a new tab: its voxels are not ours to threshold
    return (
      <div data-cy="imagestack-stl-panel" className="text-foreground flex flex-col gap-2 p-3 text-sm" style={SCROLLS_INSIDE}>
        <div>No image stack is loaded in this tab.</div>
        <div className="text-muted-foreground">
          Thresholding and STL export work on stacks imported here: open the import page (<a className="text-primary underline" href="/">/</a>) and load
          slices. OHIF's segmentation tools in the other tab work on any series.
        </div>
      </div>
    );
  }
  const { stack, geometry: g } = series;
  // what the sections show of the segmentation: OHIF's list is the one list (renames included)
  const host = ohifSegmentationHost({ servicesManager, extensionManager }, series);
  const segmentationId = host.findLabelmap();
  const segments = segmentationId ? host.segments(segmentationId) : [];
  const activeSegment = segmentationId ? host.activeSegment(segmentationId) : undefined;
  const chooseSegment = (index: number) => segmentationId && host.setActiveSegment(segmentationId, index);
  const common = { series, segments, commandsManager };
  const size = physicalSizeMm(g, stack.columns, stack.rows, stack.slices);
  return (
    <div data-cy="imagestack-stl-panel" className="text-foreground text-sm" style={SCROLLS_INSIDE}>
      {/* the sections keep their height: the column inside the scrolling box, not the box itself */}
      <div className="flex flex-col">
        <PanelSection defaultOpen={true}>
          <PanelSection.Header>Stack</PanelSection.Header>
          <PanelSection.Content>
            <dl data-cy="imagestack-geometry" className="grid grid-cols-2 gap-x-3 gap-y-1 p-3">
              <dt>Slices</dt>
              <dd>
                {stack.columns} × {stack.rows} × {stack.slices} ({stack.bitsStored}-bit)
              </dd>
              <dt>Pixel spacing</dt>
              <dd>
                x {mm(g.pixelSpacingXMm)}, y {mm(g.pixelSpacingYMm)}
              </dd>
              <dt>Slice spacing</dt>
              <dd>{mm(g.sliceSpacingMm)}</dd>
              <dt>Size</dt>
              <dd>{size.map(v => v.toFixed(1)).join(' × ')} mm</dd>
            </dl>
            {series.notes.length > 0 && (
              <ul data-cy="imagestack-stack-notes" className="text-muted-foreground flex flex-col gap-1 px-3 pb-3">
                {series.notes.map(n => (
                  <li key={n}>⚠ {n}</li>
                ))}
              </ul>
            )}
          </PanelSection.Content>
        </PanelSection>
        {series.loading ? (
          <LoadingSection loading={series.loading} />
        ) : (
          <>
            <ThresholdSection key={`t-${series.key}`} {...common} servicesManager={servicesManager} />
            <RefineSection key={`r-${series.key}`} {...common} activeSegment={activeSegment} onChooseSegment={chooseSegment} />
            <ExportSection key={`e-${series.key}`} {...common} activeSegment={activeSegment} segmentationVersion={segmentationVersion.data} />
            <DeviceSection key={`f-${series.key}`} {...common} activeSegment={activeSegment} segmentationVersion={segmentationVersion.data} />
            <SegExportButton series={series} ctx={{ servicesManager, extensionManager }} commandsManager={commandsManager} />
            <DicomSection series={series} servicesManager={servicesManager} />
          </>
        )}
      </div>
    </div>
  );
}

/**
 * While a streamed load is still decoding: its progress and Cancel, or why it stopped. The
 * workflow's sections appear when the whole volume is in (they read all of it).
 */
function LoadingSection({ loading }: { loading: SeriesLoading }) {
  const [, tick] = useState(0);
  useEffect(() => {
    if (loading.error !== undefined) return undefined;
    const timer = setInterval(() => tick(t => t + 1), 250);
    return () => clearInterval(timer);
  }, [loading, loading.error]);
  const { done, total } = loading.progress();
  return (
    <PanelSection defaultOpen={true}>
      <PanelSection.Header>Loading</PanelSection.Header>
      <PanelSection.Content>
        <div className="flex flex-col gap-2 p-3" data-cy="imagestack-loading">
          {loading.error === undefined ? (
            <>
              <div>
                Reading slices: {done} of {total}. Threshold, refine and export start when all are in.
              </div>
              <ProgressRow progress={{ fraction: total ? done / total : 0, step: '' }} onCancel={() => loading.cancel()} cy="imagestack-loading" />
            </>
          ) : (
            <div role="alert" data-cy="imagestack-loading-error">
              {stillLoading(loading).message}{' '}
              <a className="text-primary underline" href="/">
                Import page
              </a>
            </div>
          )}
        </div>
      </PanelSection.Content>
    </PanelSection>
  );
}
