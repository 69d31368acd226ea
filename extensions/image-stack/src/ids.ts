// Every id the extension registers, in one place. The mode imports these constants instead of
// retyping strings, and a test checks that each id the mode uses is one the extension registers.

export const EXTENSION_ID = '@imagestack/extension-image-stack';
export const MODE_ID = '@imagestack/mode-image-stack';
/** The viewer route: /imagestack?StudyInstanceUIDs=… */
export const ROUTE_NAME = 'imagestack';
/** Cornerstone image ids of our slices: imagestack:<seriesKey>/<sliceIndex>. */
export const IMAGE_LOADER_SCHEME = 'imagestack';
export const DATA_SOURCE_NAME = 'imagestack';
export const SERVICE_NAME = 'imageStackService';

/** Module entry names, as each getter registers them. */
export const MODULE_NAMES = {
  dataSource: DATA_SOURCE_NAME,
  workflowPanel: 'workflow',
  customization: 'global',
  volumeRendering: 'volumeRendering',
} as const;

/** Full module ids, as OHIF's extension manager looks them up. */
export const IDS = {
  dataSource: `${EXTENSION_ID}.dataSourcesModule.${MODULE_NAMES.dataSource}`,
  workflowPanel: `${EXTENSION_ID}.panelModule.${MODULE_NAMES.workflowPanel}`,
  customization: `${EXTENSION_ID}.customizationModule.${MODULE_NAMES.customization}`,
  /** Utility module: our volume-rendering presets, entered and left with the mode. */
  volumeRendering: `${EXTENSION_ID}.utilityModule.${MODULE_NAMES.volumeRendering}`,
} as const;

/**
 * Our commands (commandsModule.ts), as panels, toolbar buttons, hotkeys and tests run them:
 * `commandsManager.runCommand(COMMANDS.threshold, { lower, upper })`.
 */
export const COMMANDS = {
  threshold: 'imagestackThreshold',
  refine: 'imagestackRefine',
  keepIslandAtPoint: 'imagestackKeepIslandAtPoint',
  pickPoint: 'imagestackPickPoint',
  undoRefine: 'imagestackUndoRefine',
  segmentPieces: 'imagestackSegmentPieces',
  exportSurface: 'imagestackExportSurface',
  fitSetAnatomy: 'imagestackFitSetAnatomy',
  fitAnatomyStatus: 'imagestackFitAnatomyStatus',
  fitUpdateAnatomy: 'imagestackFitUpdateAnatomy',
  fitDragMode: 'imagestackFitDragMode',
  addTube: 'imagestackAddTube',
  loadDevice: 'imagestackLoadDevice',
  removeDevice: 'imagestackRemoveDevice',
  chooseDevice: 'imagestackChooseDevice',
  placeDevice: 'imagestackPlaceDevice',
  measureFit: 'imagestackMeasureFit',
  fitJump: 'imagestackFitJump',
  showDevices: 'imagestackShowDevices',
  fitReport: 'imagestackFitReport',
} as const;
export const COMMANDS_CONTEXT = 'IMAGESTACK';

/** Ids of the host's own modules that the mode and extension use. */
export const OHIF_IDS = {
  cornerstoneUtility: '@ohif/extension-cornerstone.utilityModule.common',
  cornerstoneTools: '@ohif/extension-cornerstone.utilityModule.tools',
  segmentationMode: '@ohif/mode-segmentation',
  /** OHIF's labelmap segmentation panel (with its tools), a tab beside ours. */
  labelmapPanel: '@ohif/extension-cornerstone.panelModule.panelSegmentationWithToolsLabelMap',
  /** @ohif/extension-cornerstone's MPR hanging protocol (axial, sagittal, coronal). */
  mprProtocol: 'mpr',
} as const;
