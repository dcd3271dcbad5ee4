/**
 * The package as n8n's community-node install gets it: manifest, entry point, the files `npm
 * pack` ships, and the rules for verified community nodes (no runtime dependencies, no Node
 * globals or file system in node code).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

import type { ICredentialType, INodeType } from 'n8n-workflow';

import { REPO_ROOT } from './harness/n8n';

interface Manifest {
	name: string;
	main?: string;
	keywords: string[];
	files: string[];
	dependencies?: Record<string, string>;
	peerDependencies: Record<string, string>;
	devDependencies: Record<string, string>;
	n8n: { n8nNodesApiVersion: number; strict?: boolean; nodes: string[]; credentials: string[] };
}

const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const built = (file: string) => path.join(REPO_ROOT, file);

describe('package.json', () => {
	it('is an n8n community package with the nodes and credentials built under dist/', () => {
		expect(manifest.name).toBe('n8n-nodes-itslearning-genesys');
		expect(manifest.keywords).toContain('n8n-community-node-package');
		expect(manifest.files).toEqual(['dist']);
		expect(manifest.n8n.n8nNodesApiVersion).toBe(1);
		expect(manifest.n8n.nodes.sort()).toEqual([
			'dist/nodes/GenesysChat/GenesysChat.node.js',
			'dist/nodes/GenesysChatTrigger/GenesysChatTrigger.node.js',
			'dist/nodes/ItslearningInstantMessage/ItslearningInstantMessage.node.js',
			'dist/nodes/ItslearningInstantMessageTrigger/ItslearningInstantMessageTrigger.node.js',
		]);
		expect(manifest.n8n.credentials.sort()).toEqual([
			'dist/credentials/GenesysCloudOAuth2Api.credentials.js',
			'dist/credentials/ItslearningOAuth2Api.credentials.js',
		]);
		for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials])
			expect(existsSync(built(file))).toBe(true);
	});

	it('has no runtime dependencies; n8n-workflow is a peer (*) and a pinned dev dependency', () => {
		expect(Object.keys(manifest.dependencies ?? {})).toEqual([]);
		expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(manifest.devDependencies['n8n-workflow']).toMatch(/^\d+\.\d+\.\d+$/);
		expect(manifest.devDependencies['n8n-core']).toMatch(/^\d+\.\d+\.\d+$/);
		expect(manifest.devDependencies.typescript).toMatch(/^\^?5\./);
	});
});

describe('index.js', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const entry = require(path.join(REPO_ROOT, 'index.js')) as Record<
		string,
		new () => INodeType | ICredentialType
	>;

	it('is the package entry and exposes every node and credential class', () => {
		expect(path.resolve(REPO_ROOT, manifest.main ?? 'index.js')).toBe(
			path.join(REPO_ROOT, 'index.js'),
		);
		const nodes = ['ItslearningInstantMessage', 'GenesysChat'].map(
			(name) => new entry[name]() as INodeType,
		);
		expect(nodes.map((n) => n.description.name)).toEqual([
			'itslearningInstantMessage',
			'genesysChat',
		]);
		for (const node of nodes) expect(node.description.usableAsTool).toBe(true);
		const credentials = ['ItslearningOAuth2Api', 'GenesysCloudOAuth2Api'].map(
			(name) => new entry[name]() as ICredentialType,
		);
		expect(credentials.map((c) => [c.name, c.extends])).toEqual([
			['itslearningOAuth2Api', ['oAuth2Api']],
			['genesysCloudOAuth2Api', ['oAuth2Api']],
		]);
	});

	it('requires exactly the node and credential files package.json lists, and exports all they export', () => {
		const source = readFileSync(path.join(REPO_ROOT, 'index.js'), 'utf8');
		const required = [...source.matchAll(/require\('\.\/(dist\/[^']+)'\)/g)].map((m) => m[1]);
		expect(required.sort()).toEqual([...manifest.n8n.nodes, ...manifest.n8n.credentials].sort());
		for (const file of required) {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			for (const [name, value] of Object.entries(require(built(file)) as Record<string, unknown>))
				expect(entry[name]).toBe(value);
		}
	});
});

describe('dist/', () => {
	const nodeDirs = [
		'GenesysChat',
		'GenesysChatTrigger',
		'ItslearningInstantMessage',
		'ItslearningInstantMessageTrigger',
	];

	it('holds each node’s icons (light and dark) and codex file next to it, and the credentials’ icons', () => {
		for (const dir of nodeDirs) {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const module = require(built(`dist/nodes/${dir}/${dir}.node.js`)) as Record<
				string,
				new () => INodeType
			>;
			const { icon } = new module[dir]().description as { icon: { light: string; dark: string } };
			for (const file of [icon.light, icon.dark])
				expect(existsSync(built(`dist/nodes/${dir}/${file.replace('file:', '')}`))).toBe(true);
			const codex = JSON.parse(
				readFileSync(built(`dist/nodes/${dir}/${dir}.node.json`), 'utf8'),
			) as { node: string; categories: string[] };
			expect(codex.node).toBe(
				`n8n-nodes-itslearning-genesys.${dir.charAt(0).toLowerCase()}${dir.slice(1)}`,
			);
			expect(codex.categories.length).toBeGreaterThan(0);
		}
		for (const file of manifest.n8n.credentials) {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const module = require(built(file)) as Record<string, new () => ICredentialType>;
			const credential = Object.values(module).map((C) => new C())[0];
			const icon = credential.icon as { light: string; dark: string };
			for (const name of [icon.light, icon.dark])
				expect(existsSync(path.join(path.dirname(built(file)), name.replace('file:', '')))).toBe(
					true,
				);
		}
	});

	it('node and credential code uses no Node globals, timers, file system or other packages than n8n-workflow', () => {
		const files: string[] = [];
		const walk = (dir: string) => {
			for (const entry of readdirSync(dir, { withFileTypes: true })) {
				const full = path.join(dir, entry.name);
				if (entry.isDirectory()) walk(full);
				else if (entry.name.endsWith('.js')) files.push(full);
			}
		};
		walk(built('dist'));
		expect(files.length).toBeGreaterThan(10);
		for (const file of files) {
			const code = readFileSync(file, 'utf8');
			const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
			for (const name of required)
				expect([file, name.startsWith('.') || name === 'n8n-workflow']).toEqual([file, true]);
			expect([file, /\b(process\.|setTimeout\(|setInterval\(|__dirname)/.test(code)]).toEqual([
				file,
				false,
			]);
		}
	});

	it('npm pack ships dist/, the entry index.js, README, LICENSE and package.json only', () => {
		const [report] = JSON.parse(
			execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
				cwd: REPO_ROOT,
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'ignore'],
			}),
		) as Array<{ files: Array<{ path: string }> }>;
		const shipped = report.files.map((f) => f.path);
		// index.js is the package's `main`, which npm always ships
		expect(shipped.filter((f) => !f.startsWith('dist/')).sort()).toEqual([
			'LICENSE',
			'README.md',
			'index.js',
			'package.json',
		]);
		for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials])
			expect(shipped).toContain(file);
		// The output schemas the editor shows before a run sit next to each node's file (README, "Output schemas").
		for (const node of manifest.n8n.nodes)
			expect(shipped.some((f) => f.startsWith(`${path.posix.dirname(node)}/__schema__/v1.`))).toBe(
				true,
			);
		expect(
			shipped.some((f) => f.startsWith('dist/test') || (f.endsWith('.ts') && !f.endsWith('.d.ts'))),
		).toBe(false);
	});
});

describe('release files', () => {
	const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');
	const pkg = JSON.parse(read('package.json')) as {
		version: string;
		license: string;
		repository: { url: string };
		homepage: string;
		bugs: { url: string };
	};

	it('declares MIT and ships the MIT license text', () => {
		expect(pkg.license).toBe('MIT');
		expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
		expect(read('LICENSE')).toContain(
			'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND',
		);
	});

	it('points repository, homepage and bugs at the same GitHub repository', () => {
		const repo = /^git\+(https:\/\/github\.com\/[^/]+\/[^/.]+)\.git$/.exec(pkg.repository.url)?.[1];
		expect(repo).toBeDefined();
		expect(pkg.homepage).toBe(`${repo}#readme`);
		expect(pkg.bugs.url).toBe(`${repo}/issues`);
	});

	it('has a CHANGELOG entry for the package version', () => {
		expect(read('CHANGELOG.md')).toMatch(
			new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\]`, 'm'),
		);
	});

	it('publishes on a version tag with an npm provenance statement', () => {
		const workflow = read('.github/workflows/publish.yml');
		expect(workflow).toMatch(/on:\n {2}push:\n {4}tags:\n {6}- 'v\*'/);
		expect(workflow).toMatch(/permissions:\n(?: {2}.*\n)* {2}id-token: write/);
		expect(workflow).toMatch(/run: npm publish --provenance --access public/);
		expect(workflow).toContain('NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}');
		expect(workflow).toContain('run: .ci/run');
	});

	it('keeps tarballs and the n8n install cache out of git', () => {
		const ignored = read('.gitignore').split('\n');
		expect(ignored).toEqual(expect.arrayContaining(['*.tgz', '.cache/']));
	});
});

describe("n8n's package scanner (@n8n/scan-community-package, as n8n runs it before verification)", () => {
	it('is a pinned dev dependency', () => {
		expect(manifest.devDependencies['@n8n/scan-community-package']).toMatch(/^\d+\.\d+\.\d+$/);
	});

	it('passes on the source and on the unpacked npm pack tarball, with inline eslint-disable ignored and none left in nodes/ or credentials/', () => {
		const disables: string[] = [];
		const walk = (dir: string) => {
			for (const entry of readdirSync(dir, { withFileTypes: true })) {
				const full = path.join(dir, entry.name);
				if (entry.isDirectory()) walk(full);
				else if (/eslint-disable/.test(readFileSync(full, 'utf8'))) disables.push(full);
			}
		};
		walk(path.join(REPO_ROOT, 'nodes'));
		walk(path.join(REPO_ROOT, 'credentials'));
		expect(disables).toEqual([]);
		let out: string;
		try {
			// Without jest's NODE_ENV=test: eslint-plugin-n8n-nodes-base switches to its own test mode on it.
			const env = { ...process.env, NODE_ENV: 'production' };
			out = execFileSync('node', [path.join(REPO_ROOT, 'test/scripts/scan.mjs'), '--json'], {
				cwd: REPO_ROOT,
				env,
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'pipe'],
			});
		} catch (error) {
			out = String((error as { stdout?: string }).stdout ?? '');
		}
		const result = JSON.parse(out.trim().split('\n').pop()!) as Record<
			'source' | 'tarball',
			{ passed: boolean; details: string | null }
		>;
		expect({ source: result.source.passed, details: result.source.details }).toEqual({
			source: true,
			details: null,
		});
		expect({ tarball: result.tarball.passed, details: result.tarball.details }).toEqual({
			tarball: true,
			details: null,
		});
	});
});
