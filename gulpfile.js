// Copies what tsc does not emit into dist/: node and credential icons (SVG/PNG) and codex files
// (*.node.json), keeping their folder layout so `file:` icon paths resolve next to the built code.
const { src, dest, parallel } = require('gulp');

function copyNodeAssets() {
	return src(['nodes/**/*.{svg,png}', 'nodes/**/*.node.json'], { encoding: false }).pipe(dest('dist/nodes'));
}

function copyCredentialAssets() {
	return src(['credentials/**/*.{svg,png}'], { encoding: false, allowEmpty: true }).pipe(dest('dist/credentials'));
}

exports.build = parallel(copyNodeAssets, copyCredentialAssets);
exports.default = exports.build;
