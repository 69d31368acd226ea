import { MODE_ID, OHIF_IDS } from '@imagestack/extension-image-stack/ids';
import { modeConfiguration as ourConfiguration } from './modeConfiguration';

/**
 * The ImageStack mode: OHIF's own segmentation mode (compiled into the host viewer; its
 * labelmap tools, toolbar and segmentation panel work on our series as they are), extended
 * through its documented modeFactory/immutability-helper hook with our route name, our
 * workflow panel first on the right, and our hanging protocol.
 */
const mode = {
  id: MODE_ID,
  async modeFactory({ modeConfiguration, loadModules }: { modeConfiguration?: any; loadModules: (ids: string[]) => Promise<any[]> }) {
    const [segmentationMode] = await loadModules([OHIF_IDS.segmentationMode]);
    return segmentationMode.modeFactory.call(segmentationMode, {
      modeConfiguration: { ...ourConfiguration, ...(modeConfiguration ?? {}) },
    });
  },
};

export default mode;
