// The host bridge, build half: finds, in the pinned prebuilt OHIF viewer, the module instances
// a runtime-loaded plugin must share with the host (React, ReactDOM, @ohif/core, @ohif/ui-next;
// two Reacts break hooks). The viewer is an rspack build that keeps
//   // EXTERNAL MODULE: <source path>
//   var <local> = __webpack_require__(<id>)
// comments, and marks uses of ES-module exports as `<local>/* .publicName */.mangled`, so the
// module ids and mangled export names can be read back for one pinned build. Anything
// unexpected (a module missing, two ids for one module, two mangled names for one export, an
// export we rely on missing) throws: the build must fail loudly, never ship a broken bridge.
// The runtime half is one line in index.html (see bridgeScript) that captures the bundler's
// require as globalThis.__ohifHost.require.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** Source paths (as the bundle's comments name them) of the modules we share, and their kind. */
const HOST_MODULES = {
  react: { path: '../../../node_modules/react/index.js', kind: 'cjs' },
  'react-dom': { path: '../../../node_modules/react-dom/index.js', kind: 'cjs' },
  'react-dom/client': { path: '../../../node_modules/react-dom/client.js', kind: 'cjs' },
  '@ohif/core': { path: '../../core/src/index.ts', kind: 'esm' },
  '@ohif/ui-next': { path: '../../ui-next/src/index.ts', kind: 'esm' },
};

/** Exports of the ES modules that our extension and mode use: the build fails without them. */
const REQUIRED_EXPORTS = {
  '@ohif/core': ['default', 'DicomMetadataStore', 'IWebApiDataSource', 'classes', 'utils'],
  '@ohif/ui-next': ['Button', 'Input', 'Label', 'Icons', 'PanelSection', 'Switch', 'toast'],
};

const EXTERNAL_RE = /\/\/ EXTERNAL MODULE: (\S+)(?: \+ \d+ modules?)?\r?\nvar ([\w$]+) = __webpack_require__\((\d+)\)/g;

/**
 * Reads one bundle's source text into `found` (mutated): for each shared module, its id and
 * the mangled name of each export seen in use.
 */
function scanBundle(src, found, fileName = 'bundle') {
  // One region per rspack module factory ("12345(module, exports, require) {"), so a local
  // variable is only matched against uses in the same module scope.
  const regions = src.split(/\n(?=\d+\((?:__unused_rspack_)?module,)/);
  for (const region of regions) {
    const locals = {};
    for (const m of region.matchAll(EXTERNAL_RE)) {
      const [, modPath, varName, id] = m;
      for (const [name, t] of Object.entries(HOST_MODULES)) {
        if (modPath !== t.path) continue;
        found[name] ??= { id: Number(id), kind: t.kind, exports: {} };
        if (found[name].id !== Number(id)) {
          throw new Error(`host bridge: ${name} has two module ids (${found[name].id}, ${id}) in ${fileName}`);
        }
        if (t.kind === 'esm') locals[varName] = name;
      }
    }
    for (const [varName, name] of Object.entries(locals)) {
      const v = varName.replace(/[$]/g, '\\$');
      const use = new RegExp(`\\b${v}\\/\\* (?:\\.([\\w$]+)|\\["default"\\])[^*]*\\*\\/\\.([\\w$]+)`, 'g');
      for (const m of region.matchAll(use)) {
        const publicName = m[1] ?? 'default';
        const prev = found[name].exports[publicName];
        if (prev && prev !== m[2]) {
          throw new Error(`host bridge: ${name}.${publicName} has two mangled names (${prev}, ${m[2]}) in ${fileName}`);
        }
        found[name].exports[publicName] = m[2];
      }
    }
  }
  return found;
}

/** Checks that every shared module and every export we rely on was found. */
function checkHostModules(found, where) {
  for (const name of Object.keys(HOST_MODULES)) {
    if (!found[name]) {
      throw new Error(`host bridge: ${name} not found in ${where}: the OHIF build changed; update platform/app/scripts/host-modules.cjs for it`);
    }
  }
  for (const [name, names] of Object.entries(REQUIRED_EXPORTS)) {
    const missing = names.filter(n => !found[name].exports[n]);
    if (missing.length) {
      throw new Error(`host bridge: ${name} does not expose ${missing.join(', ')} in ${where}: the OHIF build changed`);
    }
  }
  return found;
}

/** Finds the shared host modules in a prebuilt OHIF dist folder. */
function findHostModules(distDir) {
  const found = {};
  for (const f of fs.readdirSync(distDir).filter(f => f.endsWith('.js')).sort()) {
    scanBundle(fs.readFileSync(path.join(distDir, f), 'utf8'), found, f);
  }
  return checkHostModules(found, distDir);
}

const REACT_EXPORTS = ['Children', 'Component', 'Fragment', 'Profiler', 'PureComponent', 'StrictMode',
  'Suspense', 'cloneElement', 'createContext', 'createElement', 'createRef', 'forwardRef',
  'isValidElement', 'lazy', 'memo', 'startTransition', 'useCallback', 'useContext', 'useDebugValue',
  'useDeferredValue', 'useEffect', 'useId', 'useImperativeHandle', 'useInsertionEffect',
  'useLayoutEffect', 'useMemo', 'useReducer', 'useRef', 'useState', 'useSyncExternalStore',
  'useTransition', 'version'];
const CJS_EXPORTS = {
  react: REACT_EXPORTS,
  'react-dom': ['createPortal', 'flushSync', 'version'],
  'react-dom/client': ['createRoot', 'hydrateRoot'],
};

/**
 * The source of the ES module that stands in for `name` in our plugin bundles: it hands out
 * the host's own instance through the bridge.
 */
function shimSource(name, info) {
  let code =
    `// Generated by platform/app/scripts/host-modules.cjs: the host's ${name}, not a copy.\n` +
    `const h = globalThis.__ohifHost;\n` +
    `if (!h) throw new Error('ImageStack: OHIF host bridge missing (index.html not patched by the build)');\n` +
    `const m = h.require(${JSON.stringify(info.id)});\n`;
  if (info.kind === 'cjs') {
    code += `export default m;\nexport const { ${CJS_EXPORTS[name].join(', ')} } = m;\n`;
  } else {
    const { default: def, ...named } = info.exports;
    code += def ? `export default m[${JSON.stringify(def)}];\n` : `export default m;\n`;
    for (const [pub, mangled] of Object.entries(named).sort()) {
      code += `export const ${pub} = m[${JSON.stringify(mangled)}];\n`;
    }
  }
  return code;
}

/**
 * The runtime half of the bridge: pushes a chunk whose runtime callback receives the
 * bundler's require, before the viewer's own scripts run.
 */
function bridgeScript(chunkGlobal = 'rspackChunk') {
  return `<script>(globalThis.${chunkGlobal}=globalThis.${chunkGlobal}||[]).push([["imagestack-host-bridge"],{},function(r){globalThis.__ohifHost={require:r}}])</script>`;
}

module.exports = { HOST_MODULES, REQUIRED_EXPORTS, scanBundle, checkHostModules, findHostModules, shimSource, bridgeScript };
