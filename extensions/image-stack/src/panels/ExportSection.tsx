import React, { useRef, useState } from 'react';
import { Button, PanelSection } from '@ohif/ui-next';
import { meshSidecar, type MeshFrame, type MeshStats } from '@imagestack/core';
import type { LoadedSeries } from '../services/ImageStackService';
import { findLabelmap, listSegments, packSegmentMask, type HostContext } from '../segmentation/labelmap';
import { runMeshWorker } from '../mesh/runMeshWorker';
import { previewSurfaceIn3D } from '../mesh/previewSurface';
import { downloadBytes, fileNameFrom } from '../utils/download';
import { useSegmentationVersion } from './useSegmentationVersion';

const selectClass = 'bg-background border-input rounded border px-2 py-1 text-sm';
const ALL = 'all';

interface Exported {
  stats: MeshStats;
  fileName: string;
  sidecar: string;
  sidecarName: string;
  /** 3D viewports showing the surface (0: none open). */
  previewed: number;
}

/**
 * Surface export: a segment (or all, merged) → closed STL in millimetres, built in a worker
 * with progress and cancel; the stats are shown before anything else is saved.
 */
export default function ExportSection({ series, ctx }: { series: LoadedSeries; ctx: HostContext }) {
  useSegmentationVersion(ctx.servicesManager);
  const segmentationId = findLabelmap(ctx, series);
  const segments = segmentationId ? listSegments(ctx, segmentationId) : [];
  const [segment, setSegment] = useState<string>('1');
  const [largestIsland, setLargestIsland] = useState(false);
  const [smoothIterations, setSmoothIterations] = useState(20);
  const [decimate, setDecimate] = useState(0);
  const [frame, setFrame] = useState<MeshFrame>('LPS');
  const [format, setFormat] = useState<'binary' | 'ascii'>('binary');
  const [progress, setProgress] = useState<{ fraction: number; step: string } | null>(null);
  const [error, setError] = useState('');
  const [exported, setExported] = useState<Exported | null>(null);
  const abort = useRef<AbortController | null>(null);

  const chosen = segment === ALL ? null : segments.find(s => String(s.index) === segment) ?? segments[0];
  const problem = !segmentationId || !segments.length ? 'Make a segment first: threshold the volume or draw with the segmentation tools' : '';

  const exportStl = async () => {
    if (problem) return;
    setError('');
    setExported(null);
    setProgress({ fraction: 0, step: 'reading the segmentation' });
    const controller = new AbortController();
    abort.current = controller;
    try {
      const [lo, hi] = chosen ? [chosen.index, chosen.index] : [1, 255];
      const { packed, voxels } = packSegmentMask(ctx, series, segmentationId!, lo, hi);
      if (!voxels) throw new Error(`${chosen ? chosen.label : 'The segmentation'} is empty: nothing to export`);
      const { stack, geometry } = series;
      const result = await runMeshWorker(
        { dims: [stack.columns, stack.rows, stack.slices], geometry, packed, largestIsland, smoothIterations, decimate, frame, format },
        { signal: controller.signal, onProgress: (fraction, step) => setProgress({ fraction, step }) },
      );
      const base = fileNameFrom(`${series.description} - ${chosen ? chosen.label : 'all segments'}`, '');
      const fileName = `${base}.stl`;
      const sidecar = meshSidecar({
        files: [fileName],
        inputs: series.stack.sliceNames.length > 2 ? [series.stack.sliceNames[0], '…', series.stack.sliceNames.at(-1)!] : series.stack.sliceNames,
        geometry,
        dims: [stack.columns, stack.rows, stack.slices],
        operations: [{ op: 'segment', segment: chosen ? chosen.index : 'all', label: chosen?.label ?? 'all segments' }, ...result.operations],
        stats: result.stats,
        frame,
      });
      downloadBytes(result.stl, fileName, 'model/stl');
      // The preview is a convenience: a failure there must not hide the saved file's stats.
      // (the viewer's world is LPS: a RAS file would show mirrored, so it is not previewed)
      const previewed =
        frame === 'LPS'
          ? await previewSurfaceIn3D(ctx.extensionManager, result.stl, fileName).catch(e => {
              console.warn('[imagestack] 3D preview failed', e);
              return 0;
            })
          : 0;
      setExported({ stats: result.stats, fileName, sidecar: JSON.stringify(sidecar, null, 2), sidecarName: `${base}.json`, previewed });
    } catch (e) {
      setError((e as Error).name === 'AbortError' ? 'Export cancelled: nothing was saved' : `Export failed: ${(e as Error).message}`);
    } finally {
      setProgress(null);
      abort.current = null;
    }
  };

  const s = exported?.stats;
  return (
    <PanelSection defaultOpen={true}>
      <PanelSection.Header>Export surface (STL)</PanelSection.Header>
      <PanelSection.Content>
        <div className="flex flex-col gap-2 p-3">
          <label className="flex items-center justify-between gap-2">
            Segment
            <select data-cy="imagestack-export-segment" className={selectClass} value={chosen ? String(chosen.index) : ALL} onChange={e => setSegment(e.target.value)}>
              {segments.map(sg => (
                <option key={sg.index} value={String(sg.index)}>
                  {sg.index}: {sg.label}
                </option>
              ))}
              {segments.length > 1 && <option value={ALL}>All segments, merged</option>}
            </select>
          </label>
          <label className="flex items-center justify-between gap-2">
            Keep the largest piece only
            <input data-cy="imagestack-export-largest" type="checkbox" checked={largestIsland} onChange={e => setLargestIsland(e.target.checked)} />
          </label>
          <label className="flex items-center justify-between gap-2">
            Smoothing
            <select data-cy="imagestack-export-smooth" className={selectClass} value={smoothIterations} onChange={e => setSmoothIterations(Number(e.target.value))}>
              <option value={0}>none</option>
              <option value={10}>light (10)</option>
              <option value={20}>standard (20)</option>
              <option value={40}>strong (40)</option>
            </select>
          </label>
          <label className="flex items-center justify-between gap-2">
            Reduce triangles by
            <select data-cy="imagestack-export-decimate" className={selectClass} value={decimate} onChange={e => setDecimate(Number(e.target.value))}>
              <option value={0}>0 %</option>
              <option value={0.5}>50 %</option>
              <option value={0.75}>75 %</option>
              <option value={0.9}>90 %</option>
            </select>
          </label>
          <div className="flex items-center justify-between gap-2">
            <select data-cy="imagestack-export-frame" className={selectClass} value={frame} onChange={e => setFrame(e.target.value as MeshFrame)} title="Coordinate frame of the vertices">
              <option value="LPS">LPS (DICOM)</option>
              <option value="RAS">RAS (Slicer)</option>
            </select>
            <select data-cy="imagestack-export-format" className={selectClass} value={format} onChange={e => setFormat(e.target.value as 'binary' | 'ascii')}>
              <option value="binary">binary STL</option>
              <option value="ascii">ASCII STL</option>
            </select>
          </div>
          {progress ? (
            <div className="flex items-center gap-2" data-cy="imagestack-export-progress">
              <progress className="flex-1" max={1} value={progress.fraction} />
              <span className="w-28 text-xs">
                {Math.round(progress.fraction * 100)} % {progress.step}
              </span>
              <Button data-cy="imagestack-export-cancel" variant="secondary" onClick={() => abort.current?.abort()}>
                Cancel
              </Button>
            </div>
          ) : (
            <Button data-cy="imagestack-export-stl" disabled={!!problem} onClick={exportStl} title={problem || 'Build the surface and download it'}>
              Export STL
            </Button>
          )}
          {(problem || error) && (
            <div data-cy="imagestack-export-error" className="text-muted-foreground">
              {error || problem}
            </div>
          )}
          {s && exported && (
            <div data-cy="imagestack-mesh-stats" className="flex flex-col gap-1">
              <div>Saved {exported.fileName}</div>
              <div data-cy="imagestack-mesh-preview" className="text-muted-foreground text-xs">
                {exported.previewed ? 'Shown in the 3D view.' : frame === 'RAS' ? 'RAS files are not previewed (the viewer is LPS).' : 'Open a 3D layout to see the surface.'}
              </div>
              <dl className="grid grid-cols-2 gap-x-3">
                <dt>Triangles</dt>
                <dd data-cy="imagestack-mesh-triangles">{s.triangles.toLocaleString('en')}</dd>
                <dt>Volume</dt>
                <dd data-cy="imagestack-mesh-volume">{s.volume_mL.toFixed(2)} mL</dd>
                <dt>Area</dt>
                <dd>{(s.area_mm2 / 100).toFixed(1)} cm²</dd>
                <dt>Size</dt>
                <dd data-cy="imagestack-mesh-size">
                  {[0, 1, 2].map(a => (s.bbox_mm[a + 3] - s.bbox_mm[a]).toFixed(1)).join(' × ')} mm
                </dd>
                <dt>Bounding box ({frame})</dt>
                <dd data-cy="imagestack-mesh-bbox">
                  {['x', 'y', 'z'].map((axis, a) => `${axis} ${s.bbox_mm[a].toFixed(1)} to ${s.bbox_mm[a + 3].toFixed(1)}`).join(', ')} mm
                </dd>
                <dt>Pieces</dt>
                <dd>{s.parts}</dd>
                <dt>Closed</dt>
                <dd data-cy="imagestack-mesh-closed">{s.watertight && s.oriented ? 'yes, watertight and oriented' : 'NO: check before printing'}</dd>
              </dl>
              <Button data-cy="imagestack-export-sidecar" variant="secondary" onClick={() => downloadBytes(exported.sidecar, exported.sidecarName, 'application/json')}>
                Download the JSON sidecar
              </Button>
            </div>
          )}
        </div>
      </PanelSection.Content>
    </PanelSection>
  );
}
