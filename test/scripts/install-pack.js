'use strict';
// Installs the built pack into an n8n user folder the way n8n's community-node install lays it
// out: `npm pack`, unpack into `<user folder>/.n8n/nodes/node_modules/<name>`, strip dev, peer
// and optional dependencies from its package.json (n8n-workflow then comes from n8n itself).
//
// It runs the commands of the README's "Install from a tarball" block (between the markers
// `<!-- tarball-install:start -->` and `<!-- tarball-install:end -->`) with HOME set to the user
// folder, so that what `npm start` and the end-to-end tests do is exactly what the README says.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const REPO = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require('../../package.json').name;

/** The shell commands of the README's tarball-install block. */
function readmeInstallCommands() {
	const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
	const block = /<!-- tarball-install:start -->([\s\S]*?)<!-- tarball-install:end -->/.exec(readme);
	if (!block)
		throw new Error(
			'README.md has no <!-- tarball-install:start --> … <!-- tarball-install:end --> block',
		);
	const code = /```(?:sh|bash)\n([\s\S]*?)```/.exec(block[1]);
	if (!code) throw new Error('README.md tarball-install block has no ```sh code block');
	return code[1];
}

/**
 * Installs the pack (dist/ must be built) into `<userFolder>/.n8n/nodes/node_modules/<name>`.
 * Returns the package folder.
 */
function installPack(userFolder) {
	if (!fs.existsSync(path.join(REPO, 'dist')))
		throw new Error('dist/ is missing: run `npm run build` first');
	const script = `set -euo pipefail\n${readmeInstallCommands()}`;
	// Plain PATH and HOME; no npm_* variables of a surrounding `npm run` (they would change `npm pack`).
	const env = { PATH: process.env.PATH, HOME: userFolder, LANG: 'C.UTF-8' };
	for (const key of ['npm_config_cafile', 'npm_config_registry', 'npm_config_cache', 'TMPDIR'])
		if (process.env[key]) env[key] = process.env[key];
	if (!env.npm_config_cache) env.npm_config_cache = path.join(process.env.HOME || '/root', '.npm');
	execFileSync('bash', ['-c', script], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
	const dir = path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	if (!fs.existsSync(path.join(dir, 'package.json')))
		throw new Error(`install-pack: ${dir}/package.json missing after the README commands`);
	return dir;
}

module.exports = { installPack, readmeInstallCommands, PACKAGE_NAME };

if (require.main === module) {
	const folder = path.resolve(process.argv[2] || '');
	if (!process.argv[2]) {
		console.error(
			'usage: node test/scripts/install-pack.js <n8n user folder (the folder that holds .n8n)>',
		);
		process.exit(2);
	}
	console.log(installPack(folder));
}
