import { useEffect, useState } from 'react';

/** Re-renders when OHIF's segmentations change (added, renamed, painted, removed); the count is a version. */
export function useSegmentationVersion(servicesManager: any): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const { segmentationService } = servicesManager.services;
    const E = segmentationService.EVENTS;
    const subs = [E.SEGMENTATION_ADDED, E.SEGMENTATION_MODIFIED, E.SEGMENTATION_DATA_MODIFIED, E.SEGMENTATION_REMOVED]
      .filter(Boolean)
      .map((ev: string) => segmentationService.subscribe(ev, () => setVersion(v => v + 1)));
    return () => subs.forEach((s: any) => s.unsubscribe());
  }, [servicesManager]);
  return version;
}
