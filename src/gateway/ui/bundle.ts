import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** One built asset, kept in memory with its gzip form (sent when the browser accepts it). */
export interface UiAsset {
  /** `/ui/assets/app-<hash>.js`: the hash changes with the content, so it may be cached forever. */
  path: string;
  contentType: string;
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
}

export interface UiBundle {
  html: string;
  assets: Map<string, UiAsset>;
  /** Bytes the browser downloads for the page's code and styles, gzipped (the dashboard benchmark reports it). */
  gzipBytes: number;
}

/** The dashboard's browser sources: shipped in the package (`files`), compiled by esbuild on first use. */
const ENTRY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dashboard/main.tsx');
/** The boot script (a classic script, run before the app's module is parsed: it starts the first page's calls). */
const BOOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dashboard/boot.ts');

/**
 * Bundles the browser dashboard (Preact + uPlot, TypeScript) with esbuild, minified, in memory: there is no
 * build step for the user and nothing is written to disk. esbuild is imported lazily so a gateway that
 * never serves `/ui` (tests, embedded use) does not pay for loading it.
 */
export async function buildUiBundle(): Promise<UiBundle> {
  const esbuild = await import('esbuild');
  const options: import('esbuild').BuildOptions & { write: false } = {
    bundle: true,
    minify: true,
    write: false,
    target: ['es2022'],
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: '/ui-out',
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    // The folder's tsconfig.json is for type-checking in the repo; an installed package may not ship what it extends.
    tsconfigRaw: {},
  };
  const [app, boot] = await Promise.all([
    esbuild.build({ ...options, entryPoints: [ENTRY], format: 'esm', entryNames: 'app' }),
    esbuild.build({ ...options, entryPoints: [BOOT], format: 'iife', entryNames: 'boot' }),
  ]);
  const assets = new Map<string, UiAsset>();
  let gzipBytes = 0;
  const add = (name: string, contents: Uint8Array): string => {
    const ext = path.extname(name);
    const hash = createHash('sha256').update(contents).digest('hex').slice(0, 12);
    const assetPath = `/ui/assets/${path.basename(name, ext)}-${hash}${ext}`;
    const gzip = new Uint8Array(gzipSync(contents, { level: 9 }));
    gzipBytes += gzip.byteLength;
    assets.set(assetPath, { path: assetPath, contentType: ext === '.js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8', body: new Uint8Array(contents), gzip });
    return assetPath;
  };
  const tags = { css: [] as string[], boot: [] as string[], app: [] as string[] };
  for (const file of [...boot.outputFiles, ...app.outputFiles]) {
    const ext = path.extname(file.path);
    if (ext !== '.js' && ext !== '.css') continue;
    const assetPath = add(path.basename(file.path), file.contents);
    if (ext === '.css') tags.css.push(`<link rel="stylesheet" href="${assetPath}">`);
    else if (assetPath.startsWith('/ui/assets/boot-')) tags.boot.push(`<script src="${assetPath}"></script>`);
    else tags.app.push(`<script type="module" src="${assetPath}"></script>`);
  }
  // CSS first so the first paint is already styled; the boot script (small, run at once) before the app's module.
  return { html: page([...tags.css, ...tags.boot, ...tags.app].join('\n')), assets, gzipBytes };
}

function page(tags: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Tollgate</title>
${tags}
</head>
<body>
<div id="app"><noscript>The Tollgate dashboard needs JavaScript.</noscript></div>
</body>
</html>
`;
}
