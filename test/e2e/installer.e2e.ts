/**
 * The n8n installer's cache rules, on its cheapest real install (Node.js 24 from the npm package
 * `node`): a half-finished install (folder without marker, leftover partial folder, lock of a dead
 * process) is never reused but replaced, and a finished one is reused at once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

describe('n8n installer cache', () => {
	const cache = mkdtempSync(path.join(tmpdir(), 'n8n-install-cache-'));
	const saved = process.env.N8N_CACHE_DIR;

	beforeAll(() => {
		process.env.N8N_CACHE_DIR = cache;
	});

	afterAll(() => {
		if (saved === undefined) delete process.env.N8N_CACHE_DIR;
		else process.env.N8N_CACHE_DIR = saved;
		rmSync(cache, { recursive: true, force: true });
	});

	it(
		'replaces a half-finished install and then reuses the finished one',
		async () => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const { ensureNode, NODE_VERSION } = require('../scripts/n8n-install.js') as {
				ensureNode(): Promise<string>;
				NODE_VERSION: string;
			};
			const name = `node-${NODE_VERSION}`;
			// what a killed run leaves: a folder without marker, its partial folder and its lock
			mkdirSync(path.join(cache, name), { recursive: true });
			writeFileSync(path.join(cache, name, 'half-finished'), '');
			mkdirSync(path.join(cache, `${name}.partial-999999`), { recursive: true });
			mkdirSync(path.join(cache, `${name}.lock`));
			writeFileSync(path.join(cache, `${name}.lock`, 'pid'), '999999'); // no such process

			const node = await ensureNode();
			expect(execFileSync(node, ['--version']).toString().trim()).toBe(`v${NODE_VERSION}`);
			const marker = JSON.parse(
				readFileSync(path.join(cache, name, 'install-complete.json'), 'utf8'),
			) as { node: string };
			expect(marker.node).toBe(`v${NODE_VERSION}`);
			expect(existsSync(path.join(cache, name, 'half-finished'))).toBe(false);
			expect(existsSync(path.join(cache, `${name}.partial-999999`))).toBe(false);
			expect(existsSync(path.join(cache, `${name}.lock`))).toBe(false);

			const started = Date.now();
			expect(await ensureNode()).toBe(node);
			expect(Date.now() - started).toBeLessThan(1000);
		},
		5 * 60 * 1000,
	);
});
