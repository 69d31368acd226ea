import React from 'react';
import { MODULE_NAMES } from './ids';
import ImportPage from './import/ImportPage';

/**
 * Global customizations: our import page answers the root URL (the study list is switched off
 * in app-config.js, and OHIF puts custom routes before its 404 route).
 */
export default function getCustomizationModule({ servicesManager }: { servicesManager: any }) {
  return [
    {
      name: MODULE_NAMES.customization,
      value: {
        'routes.customRoutes': {
          routes: [{ path: '/', children: () => <ImportPage servicesManager={servicesManager} /> }],
        },
      },
    },
  ];
}
