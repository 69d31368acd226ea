/**
 * What the workflow functions need from the viewer's segmentation, and nothing more: a narrow
 * port over OHIF's segmentationService and Cornerstone's labelmap images. The viewer passes
 * `ohifSegmentationHost` (segmentation/ohifHost.ts); the unit tests pass an in-memory one.
 */
export interface SegmentInfo {
  index: number;
  label: string;
}

export interface SegmentationHost {
  /** The labelmap segmentation on the series the workflow works on, if there is one. */
  findLabelmap(): string | undefined;
  /** Creates the labelmap with its first segment and shows it on every viewport of the series. */
  createLabelmap(firstSegment: SegmentInfo): Promise<string>;
  segments(segmentationId: string): SegmentInfo[];
  /** The segment OHIF's segmentation panel has active (the one its tools paint). */
  activeSegment(segmentationId: string): number | undefined;
  addSegment(segmentationId: string, segment: SegmentInfo): void;
  renameSegment(segmentationId: string, index: number, label: string): void;
  setActiveSegment(segmentationId: string, index: number): void;
  /**
   * The labelmap's voxels, one array per slice in the series' slice order (views, not copies:
   * writing into them edits the segmentation).
   */
  slices(segmentationId: string): Uint8Array[];
  /** Tells the viewer which slices changed, so it redraws them and OHIF's panel updates. */
  dataModified(segmentationId: string, sliceIndices: number[], segmentIndex: number): void;
}
