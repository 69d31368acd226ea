import React from 'react';
import { MODULE_NAMES } from './ids';
import WorkflowPanel from './panels/WorkflowPanel';

export default function getPanelModule({ servicesManager, extensionManager, commandsManager }: { servicesManager: any; extensionManager: any; commandsManager: any }) {
  return [
    {
      name: MODULE_NAMES.workflowPanel,
      iconName: 'tab-roi-threshold',
      iconLabel: 'Export',
      label: 'ImageStack',
      component: (props: any) => <WorkflowPanel {...props} servicesManager={servicesManager} extensionManager={extensionManager} commandsManager={commandsManager} />,
    },
  ];
}
