import { EXTENSION_ID, IDS, MODE_ID, OHIF_IDS, ROUTE_NAME } from '@imagestack/extension-image-stack/ids';

/**
 * immutability-helper commands applied to OHIF's segmentation mode. Kept as data so a unit
 * test can check every id in it against what the extension registers.
 */
export const modeConfiguration = {
  id: { $set: MODE_ID },
  routeName: { $set: ROUTE_NAME },
  displayName: { $set: 'ImageStack' },
  isValidMode: { $set: () => ({ valid: true, description: 'image stacks' }) },
  hangingProtocol: { $set: [OHIF_IDS.mprProtocol] },
  extensions: { $merge: { [EXTENSION_ID]: '^0.1.0' } },
  routes: {
    0: {
      layoutInstance: {
        props: {
          // ours first: it is the panel shown when a stack opens
          rightPanels: { $set: [IDS.workflowPanel, OHIF_IDS.labelmapPanel] },
          rightPanelClosed: { $set: false },
        },
      },
    },
  },
};
