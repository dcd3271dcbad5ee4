// n8n's package scanner (@n8n/scan-community-package, pinned dev dependency) run the way n8n runs
// it before a community package can be verified, without the registry: its `analyzePackage` on
// the source (SOURCE_FILE_PATTERNS: package.json, {nodes,credentials}/**/*.{js,ts,json}) and on
// the unpacked `npm pack` tarball (`**/*.js`, package.json). It lints with the community-node
// rules and the three eslint-plugin-n8n-nodes-base rule sets, with inline `eslint-disable`
// comments ignored (allowInlineConfig: false).
//
// Usage: node test/scripts/scan.mjs [--json]   (dist/ must be built: `npm run scan` builds it)
// Prints each leg's result and exits 1 when either fails. `--json` prints
// {"source":{passed,…},"tarball":{passed,…}} on stdout instead (for the jest test).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];
const json = process.argv.includes('--json');

/** `npm pack` into a temporary folder and unpack it there; returns the package folder. */
function unpackTarball(work) {
	if (!existsSync(path.join(REPO, 'dist')))
		throw new Error('dist/ is missing: run `npm run build` first');
	// Plain PATH and HOME: no npm_* variables of a surrounding `npm run` (they would change `npm pack`).
	const env = { PATH: process.env.PATH, HOME: process.env.HOME ?? os.homedir(), LANG: 'C.UTF-8' };
	for (const key of ['npm_config_cache', 'TMPDIR'])
		if (process.env[key]) env[key] = process.env[key];
	const out = execFileSync(
		'npm',
		['pack', '--json', '--ignore-scripts', '--pack-destination', work],
		{ cwd: REPO, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
	);
	const [{ filename }] = JSON.parse(out);
	const dir = path.join(work, 'package');
	execFileSync('tar', ['-xzf', path.join(work, path.basename(filename)), '-C', work], {
		stdio: 'pipe',
	});
	return dir;
}

/** analyzePackage needs an absolute folder (its cwd); it returns {passed, message?, details?}. */
async function scan(dir, patterns) {
	const result = await analyzePackage(path.resolve(dir), patterns);
	return {
		passed: result.passed === true,
		message: result.message ?? null,
		details: result.details ?? null,
	};
}

const work = mkdtempSync(path.join(os.tmpdir(), 'n8n-scan-'));
let results;
try {
	const source = await scan(REPO, SOURCE_FILE_PATTERNS);
	const tarball = await scan(unpackTarball(work), TARBALL_PATTERNS);
	results = { source, tarball };
} finally {
	rmSync(work, { recursive: true, force: true });
}

if (json) {
	process.stdout.write(`${JSON.stringify(results)}\n`);
} else {
	for (const [leg, result] of Object.entries(results)) {
		const what =
			leg === 'source'
				? `source (${SOURCE_FILE_PATTERNS.join(', ')})`
				: `npm pack tarball (${TARBALL_PATTERNS.join(', ')})`;
		console.log(
			`${result.passed ? 'passed' : 'FAILED'}: n8n package scanner on the ${what}${result.message ? `: ${result.message}` : ''}`,
		);
		if (result.details) console.log(result.details);
	}
}
process.exitCode = results.source.passed && results.tarball.passed ? 0 : 1;
