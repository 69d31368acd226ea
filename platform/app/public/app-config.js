/**
 * ImageStack's viewer configuration (replaces the stock @ohif/app app-config.js).
 * The root URL is our import page (a custom route registered by the extension); the study
 * list is off, since without a PACS it has nothing to list and OHIF's PACS-only modes are
 * reached only from it.
 */
window.config = {
  name: 'imagestack',
  routerBasename: null,
  // Runtime-loaded ES-module plugins; the import map that the build writes into index.html
  // maps these names to /plugins/*.js.
  extensions: ['@imagestack/extension-image-stack'],
  modes: ['@imagestack/mode-image-stack'],
  customizationService: {},
  showStudyList: false,
  // 2 matches the 2-core machines we measure on; decoding has its own worker pool
  maxNumberOfWebWorkers: 2,
  showWarningMessageForCrossOrigin: false,
  showCPUFallbackMessage: true,
  showLoadingIndicator: true,
  strictZSpacingForVolumeViewport: true,
  investigationalUseDialog: { option: 'never' },
  showErrorDetails: 'always',
  defaultDataSourceName: 'imagestack',
  httpErrorHandler: error => console.warn('[imagestack] request failed', error?.message || error),
  dataSources: [
    {
      namespace: '@imagestack/extension-image-stack.dataSourcesModule.imagestack',
      sourceName: 'imagestack',
      configuration: { friendlyName: 'Image stack (slices loaded in this tab)', name: 'imagestack' },
    },
    {
      // A series saved to the PACS reopens from here: our server passes /dicom-web to the
      // DICOMweb server named by IMAGESTACK_DICOMWEB_URL.
      namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
      sourceName: 'dicomweb',
      configuration: {
        friendlyName: 'PACS (DICOMweb through /dicom-web)',
        name: 'dicomweb',
        wadoUriRoot: '/dicom-web',
        qidoRoot: '/dicom-web',
        wadoRoot: '/dicom-web',
        qidoSupportsIncludeField: false,
        imageRendering: 'wadors',
        thumbnailRendering: 'wadors',
        enableStudyLazyLoad: true,
        supportsFuzzyMatching: false,
        supportsWildcard: true,
        omitQuotationForMultipartRequest: true,
        bulkDataURI: {
          enabled: true,
          // DICOMweb servers name bulk data by their own address (Orthanc: http://<its host>/
          // dicom-web/studies/…/bulk/…), which the page cannot reach (and cross-origin
          // isolation blocks): keep the path from /studies/ on and go through our proxy.
          // OHIF 3.13 applies `transform` and then only stores the result when it matches
          // `startsWith`, hence the startsWith/prefixWith pair that leaves it as it is.
          transform: uri => (/^https?:\/\//.test(uri) && uri.includes('/studies/') ? `/dicom-web${uri.slice(uri.indexOf('/studies/'))}` : uri),
          startsWith: '/dicom-web/',
          prefixWith: '/dicom-web/',
        },
      },
    },
  ],
};
