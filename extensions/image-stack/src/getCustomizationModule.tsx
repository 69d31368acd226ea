import React from 'react';
import { MODULE_NAMES } from './ids';
import ImportPage from './import/ImportPage';
import { withLabelmapToolsFrom3D, withoutHiddenTools } from './segmentation/labelmapTools';
import { withThresholdBrushRange } from './segmentation/thresholdBrushRange';

/**
 * Global customizations: our import page answers the root URL (the study list is switched off
 * in app-config.js, and OHIF puts custom routes before its 404 route), and OHIF's threshold
 * brush works on our 0–255 grey scale instead of Hounsfield units; of its labelmap tools, those
 * that cannot work on our series are hidden and the others can be chosen from the 3D view.
 */
export default function getCustomizationModule({ servicesManager }: { servicesManager: any }) {
  return [
    {
      name: MODULE_NAMES.customization,
      value: {
        'routes.customRoutes': {
          routes: [{ path: '/', children: () => <ImportPage servicesManager={servicesManager} /> }],
        },
        'cornerstone.segmentationToolbarButtons': { $apply: (buttons: any[]) => withLabelmapToolsFrom3D(withThresholdBrushRange(buttons)) },
        // the tools of OHIF's segmentation tab that cannot work on our series (segmentation/labelmapTools.ts)
        'cornerstone.segmentationToolbarSections': { $apply: (sections: Record<string, string[]>) => withoutHiddenTools(sections) },
        // OHIF recomputes every segment's statistics a second after each voxel change, over the
        // whole volume, then writes back a copy of the segment list taken before it started:
        // a segment added meanwhile (our next threshold) vanished from both lists (measured, see
        // tests/e2e/refine.spec.mjs). Our panel shows each segment's volume itself.
        'panelSegmentation.disableUpdateSegmentationStats': true,
      },
    },
  ];
}
