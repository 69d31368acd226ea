import React, { useState } from 'react';
import { Button, PanelSection } from '@ohif/ui-next';
import type { MeshFrame, MeshStats } from '@imagestack/core';
import { COMMANDS } from '../ids';
import { downloadBytes } from '../utils/download';
import { errorLine } from '../utils/errors';
import type { ExportedSurface } from '../workflow/exportSurface';
import type { VersionedSegmentSectionProps } from './sectionProps';
import ProgressRow from './ProgressRow';
import { useJob } from './useJob';

const selectClass = 'bg-background border-input rounded border px-2 py-1 text-sm';
const ALL = 'all';

/** What was saved, without its bytes (the download has them; the panel need not hold them). */
type Exported = Omit<ExportedSurface, 'stl'> & { previewed: number; segmentationVersion: number };

/** "1 solid, 59 cavities": what a printer will make of the pieces. */
export function piecesLine(stats: MeshStats): string {
  const { solids, cavities } = stats;
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return `${plural(solids, 'solid', 'solids')}, ${plural(cavities, 'enclosed cavity', 'enclosed cavities')}`;
}

/**
 * Surface export: a segment (or all, merged) → closed STL in millimetres, built in a worker
 * with progress and cancel. The stats shown always belong to the file just saved: they are
 * cleared when the segmentation changes or another segment is chosen.
 */
export default function ExportSection({
  series,
  segments,
  activeSegment,
  segmentationVersion,
  commandsManager,
}: VersionedSegmentSectionProps) {
  const [segment, setSegment] = useState<string | undefined>(undefined);
  const [largestIsland, setLargestIsland] = useState(false);
  const [smoothIterations, setSmoothIterations] = useState(20);
  const [decimate, setDecimate] = useState(0);
  const [frame, setFrame] = useState<MeshFrame>('LPS');
  const [format, setFormat] = useState<'binary' | 'ascii'>('binary');
  const [error, setError] = useState('');
  const [exported, setExported] = useState<Exported | null>(null);
  const job = useJob(series);

  // the segment followed is the active one (the one refined or painted) until the user picks one
  const chosen = segment === ALL ? null : segments.find(s => String(s.index) === (segment ?? String(activeSegment))) ?? segments[0];
  const problem = !segments.length ? 'Make a segment first: threshold the volume or draw with the segmentation tools' : '';
  // stats belong to what was exported: not after its voxels changed, another segment was
  // chosen, or the segment was renamed (the file on disk has the old name)
  const current =
    exported &&
    exported.segmentationVersion === segmentationVersion &&
    exported.segmentIndex === (chosen ? chosen.index : undefined) &&
    exported.segmentLabel === (chosen ? `${chosen.index}: ${chosen.label}` : 'all segments')
      ? exported
      : null;

  const exportStl = async () => {
    if (problem) return;
    setError('');
    setExported(null);
    try {
      const version = segmentationVersion;
      const { stl: _saved, ...r } = await job.run<ExportedSurface & { previewed: number }>(
        opts => commandsManager.runCommand(COMMANDS.exportSurface, { segment: chosen ? chosen.index : ALL, largestIsland, smoothIterations, decimate, frame, format, ...opts }),
        'reading the segmentation',
      );
      setExported({ ...r, segmentationVersion: version });
    } catch (e) {
      setError((e as { code?: string }).code === 'cancelled' ? 'Export cancelled: nothing was saved' : `Export failed: ${errorLine(e)}`);
    }
  };

  const s = current?.stats;
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
          {job.progress ? (
            <ProgressRow progress={job.progress} onCancel={job.cancel} cy="imagestack-export" />
          ) : (
            <Button data-cy="imagestack-export-stl" disabled={!!problem} onClick={exportStl} title={problem || 'Build the surface and download it'}>
              Export STL
            </Button>
          )}
          {(problem || error) && (
            <div data-cy="imagestack-export-error" className="text-muted-foreground" role={error ? 'alert' : undefined}>
              {error || problem}
            </div>
          )}
          {s && current && (
            <div data-cy="imagestack-mesh-stats" className="flex flex-col gap-1">
              <div>
                Saved <span data-cy="imagestack-mesh-file">{current.fileName}</span>
              </div>
              <div className="text-muted-foreground text-xs">Segment {current.segmentLabel}</div>
              <div data-cy="imagestack-mesh-preview" className="text-muted-foreground text-xs">
                {current.previewed ? 'Shown in the 3D view.' : current.frame === 'RAS' ? 'RAS files are not previewed (the viewer is LPS).' : 'Open a 3D layout to see the surface.'}
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
                <dt>Bounding box ({current.frame})</dt>
                <dd data-cy="imagestack-mesh-bbox">
                  {['x', 'y', 'z'].map((axis, a) => `${axis} ${s.bbox_mm[a].toFixed(1)} to ${s.bbox_mm[a + 3].toFixed(1)}`).join(', ')} mm
                </dd>
                <dt>Pieces</dt>
                <dd data-cy="imagestack-mesh-pieces">{piecesLine(s)}</dd>
                <dt>Closed</dt>
                <dd data-cy="imagestack-mesh-closed">{s.watertight && s.oriented ? 'yes, watertight and oriented' : 'NO: check before printing'}</dd>
              </dl>
              <Button data-cy="imagestack-export-sidecar" variant="secondary" onClick={() => downloadBytes(current.sidecar, current.sidecarName, 'application/json')}>
                Download the JSON sidecar
              </Button>
            </div>
          )}
        </div>
      </PanelSection.Content>
    </PanelSection>
  );
}
