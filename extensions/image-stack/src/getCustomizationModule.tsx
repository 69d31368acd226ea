import React from 'react';
import { MODULE_NAMES } from './ids';
import ImportPage from './import/ImportPage';
import { withThresholdBrushRange } from './segmentation/thresholdBrushRange';

/**
 * Global customizations: our import page answers the root URL (the study list is switched off
 * in app-config.js, and OHIF puts custom routes before its 404 route), and OHIF's threshold
 * brush works on our 0–255 grey scale instead of Hounsfield units.
 */
export default function getCustomizationModule({ servicesManager }: { servicesManager: any }) {
  return [
    {
      name: MODULE_NAMES.customization,
      value: {
        'routes.customRoutes': {
          routes: [{ path: '/', children: () => <ImportPage servicesManager={servicesManager} /> }],
        },
        'cornerstone.segmentationToolbarButtons': { $apply: (buttons: any[]) => withThresholdBrushRange(buttons) },
      },
    },
  ];
}
