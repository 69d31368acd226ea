import { EXTENSION_ID } from './ids';
import getCommandsModule from './commandsModule';
import getCustomizationModule from './getCustomizationModule';
import getDataSourcesModule from './getDataSourcesModule';
import getPanelModule from './getPanelModule';
import getUtilityModule from './getUtilityModule';
import { ImageStackService } from './services/ImageStackService';

/** The ImageStack OHIF extension: only assembles the module getters, each in its own file. */
const extension = {
  id: EXTENSION_ID,
  preRegistration({ servicesManager }: { servicesManager: any }) {
    servicesManager.registerService(ImageStackService.REGISTRATION);
  },
  getCommandsModule,
  getDataSourcesModule,
  getPanelModule,
  getCustomizationModule,
  getUtilityModule,
};

export default extension;
