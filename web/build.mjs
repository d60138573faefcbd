// Builds dist/ from src/: one minified ES module, one stylesheet, the page, the country outlines
// and a gzip copy of each (the server sends it to browsers that accept gzip).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync, constants } from 'node:zlib';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
await build({
  entryPoints: ['src/main.js'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  legalComments: 'eof',
  outfile: 'dist/app.js',
  logLevel: 'warning',
});
await build({
  entryPoints: ['src/style.css'],
  bundle: true,
  minify: true,
  loader: { '.png': 'dataurl' },
  outfile: 'dist/app.css',
  logLevel: 'warning',
});
copyFileSync('src/index.html', 'dist/index.html');
copyFileSync('src/favicon.svg', 'dist/favicon.svg');
// Natural Earth 1:110m countries as TopoJSON (world-atlas, ISC), drawn offline without a tile server.
copyFileSync('node_modules/world-atlas/countries-110m.json', 'dist/countries-110m.json');
for (const name of readdirSync('dist')) {
  const bytes = readFileSync(`dist/${name}`);
  const gz = gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION });
  // gzip stores no name or time here: the same input builds the same bytes.
  writeFileSync(`dist/${name}.gz`, gz);
  console.log(`${name}: ${bytes.length} bytes, ${gz.length} gzipped`);
}
