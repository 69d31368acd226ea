import { EXTENSION_ID, SERVICE_NAME } from './ids';
import getCommandsModule from './commandsModule';
import getCustomizationModule from './getCustomizationModule';
import getDataSourcesModule from './getDataSourcesModule';
import getPanelModule from './getPanelModule';
import getUtilityModule from './getUtilityModule';
import { enterLabelmapToolsFrom3D } from './segmentation/labelmapTools';
import { keepOneSurfaceIn3D } from './segmentation/oneSurface3D';
import { ImageStackService } from './services/ImageStackService';
import { startSessionKeeper } from './persistence/sessionKeeper';
import { getCornerstone } from './utils/cornerstone';
import { throttleLoadRenders } from './volumeRendering/loadRenders';

/** The ImageStack OHIF extension: only assembles the module getters, each in its own file. */
const extension = {
  id: EXTENSION_ID,
  preRegistration({ servicesManager }: { servicesManager: any }) {
    servicesManager.registerService(ImageStackService.REGISTRATION);
  },
  /** Our series get one surface in 3D, the exported one (segmentation/oneSurface3D.ts). */
  onModeEnter({ servicesManager, extensionManager, commandsManager }: { servicesManager: any; extensionManager: any; commandsManager: any }) {
    const service: ImageStackService = servicesManager.services[SERVICE_NAME];
    service.whileInMode(keepOneSurfaceIn3D({ servicesManager, extensionManager }));
    // OHIF's labelmap tools can be chosen while the 3D view is active: they paint in the last 2D view
    service.whileInMode(enterLabelmapToolsFrom3D({ servicesManager, extensionManager, commandsManager }));
    // [autosave] restores a saved labelmap, then saves the session as the user works (persistence/)
    service.whileInMode(startSessionKeeper({ servicesManager, extensionManager }));
    // our volumes stream in from memory: a render every quarter second, not at every 2 % of frames
    service.whileInMode(throttleLoadRenders(getCornerstone(extensionManager).cornerstone, service));
  },
  onModeExit({ servicesManager }: { servicesManager: any }) {
    (servicesManager.services[SERVICE_NAME] as ImageStackService).leaveMode();
  },
  getCommandsModule,
  getDataSourcesModule,
  getPanelModule,
  getCustomizationModule,
  getUtilityModule,
};

export default extension;
