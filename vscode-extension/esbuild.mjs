// Bundles the extension and vscode-languageclient into one file: dist/extension.js; and the gradient-flow
// webview's script with uPlot and its CSS into dist/webview/gradientFlow.js and .css, and the what-if webview's into
// dist/webview/whatIf.js and .css (nothing loads from a network).
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, minify: !watch, logLevel: 'info' };
const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], format: 'cjs', platform: 'node', target: 'node20' },
  { ...common, entryPoints: ['media/gradientFlow.ts'], outfile: 'dist/webview/gradientFlow.js', format: 'iife', platform: 'browser', target: 'chrome114' },
  { ...common, entryPoints: ['media/whatIf.ts'], outfile: 'dist/webview/whatIf.js', format: 'iife', platform: 'browser', target: 'chrome114' },
];
if (watch) for (const options of builds) await (await esbuild.context(options)).watch();
else await Promise.all(builds.map((options) => esbuild.build(options)));
