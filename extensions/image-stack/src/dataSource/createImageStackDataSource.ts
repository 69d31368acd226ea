import OHIF, { DicomMetadataStore, IWebApiDataSource } from '@ohif/core';
import { IMAGE_LOADER_SCHEME, SERVICE_NAME } from '../ids';
import { registerImageStackLoader } from '../imageLoader';
import { getCornerstone } from '../utils/cornerstone';
import { navigateTo } from '../utils/navigate';
import type { ImageStackService } from '../services/ImageStackService';

/**
 * The `imagestack` data source: studies are the stacks loaded in this tab (ImageStackService),
 * served with the same shape as OHIF's own local sources (IWebApiDataSource.create). Reading
 * is all it does: saving goes through our DICOM export and STOW-RS, not this source.
 */
export function createImageStackDataSource(configuration: any, servicesManager: any, extensionManager: any) {
  const service = (): ImageStackService => servicesManager.services[SERVICE_NAME];
  let loaderRegistered = false;
  const ensureLoader = () => {
    if (loaderRegistered) return;
    registerImageStackLoader(getCornerstone(extensionManager).cornerstone, IMAGE_LOADER_SCHEME, service());
    loaderRegistered = true;
  };
  const studyUIDsFromQuery = (query: URLSearchParams | undefined): string[] =>
    (query?.getAll('StudyInstanceUIDs') ?? []).flatMap(v => v.split(',')).filter(Boolean);

  const implementation = {
    initialize: async ({ query }: { query?: URLSearchParams }) => {
      ensureLoader();
      const missing = studyUIDsFromQuery(query).filter(uid => !service().getByStudy(uid));
      if (missing.length) {
        // The stack lives in this tab's memory only: a reload or a shared link cannot find it.
        navigateTo('/?lost=1');
      }
    },
    getStudyInstanceUIDs: ({ query }: { query?: URLSearchParams }) => studyUIDsFromQuery(query),
    query: {
      studies: {
        mapParams: () => undefined,
        search: async () => {
          const s = service().latest();
          if (!s) return [];
          const i0 = s.instances[0];
          return [
            {
              studyInstanceUid: s.studyInstanceUID,
              date: i0.StudyDate,
              time: i0.StudyTime,
              description: i0.StudyDescription,
              mrn: i0.PatientID,
              patientName: i0.PatientName,
              accession: '',
              modalities: 'CT',
              instances: s.stack.slices,
            },
          ];
        },
        processResults: () => undefined,
      },
      series: { search: async () => [] },
      instances: { search: async () => [] },
    },
    retrieve: {
      directURL: () => undefined,
      series: {
        metadata: async ({ StudyInstanceUID }: { StudyInstanceUID: string }) => {
          ensureLoader();
          const series = service().getByStudy(StudyInstanceUID);
          if (!series) return;
          const metadataProvider = OHIF.classes.MetadataProvider;
          for (const inst of series.instances) {
            metadataProvider.addImageIdToUIDs(inst.imageId, {
              StudyInstanceUID: inst.StudyInstanceUID,
              SeriesInstanceUID: inst.SeriesInstanceUID,
              SOPInstanceUID: inst.SOPInstanceUID,
              frameNumber: 1,
            });
          }
          // INSTANCES_ADDED → display sets → hanging protocol, as for any OHIF source
          DicomMetadataStore.addInstances(series.instances, true);
        },
      },
    },
    store: {
      dicom: async () => {
        throw new Error('The image-stack source is read-only: use "Save as DICOM" or "Send to PACS"');
      },
    },
    getImageIdsForDisplaySet(displaySet: any) {
      return (displaySet.images ?? []).map((i: any) => i.imageId ?? i.url);
    },
    getImageIdsForInstance({ instance }: any) {
      return instance.imageId ?? instance.url;
    },
    deleteStudyMetadataPromise: () => undefined,
    getConfig: () => configuration,
  };
  return IWebApiDataSource.create(implementation);
}
