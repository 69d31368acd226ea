import type { LoadedSeries } from '../services/ImageStackService';
import type { SegmentInfo } from '../workflow/segmentationHost';

/** What the workflow panel hands every section that works on a segment (its `common` props, and the active one). */
export interface SegmentSectionProps {
  series: LoadedSeries;
  segments: SegmentInfo[];
  activeSegment?: number;
  commandsManager: any;
}

/** A section whose result depends on the voxels: it also gets the segmentation's version. */
export interface VersionedSegmentSectionProps extends SegmentSectionProps {
  /** Bumped when voxels change (useSegmentationVersion().data): what was built from them may be stale. */
  segmentationVersion: number;
}
