/**
 * `npm start` (test/scripts/start.js, run after the build as `npm start` does): it must end with a
 * real n8n on localhost with the demo login, the pack's nodes, the demo credentials and the example
 * workflows, and Ctrl+C (SIGINT) must stop n8n and the emulators, leaving no process behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports */
const { N8nRest, freePort, sleep } = require('../scripts/n8n-run.js');
const demoLib = require('../scripts/demo.js');
/* eslint-enable @typescript-eslint/no-require-imports */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REPO = path.resolve(__dirname, '..', '..');

/** Pids of processes whose environment names this user folder (n8n and its task runners). */
function processesUsing(userFolder: string): number[] {
	const pids: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			if (
				readFileSync(`/proc/${entry}/environ`, 'utf8').includes(`N8N_USER_FOLDER=${userFolder}\0`)
			)
				pids.push(Number(entry));
		} catch {
			// gone, or not ours to read
		}
	}
	return pids;
}

describe('npm start', () => {
	let child: ChildProcess | undefined;
	let userFolder: string;
	let output = '';

	afterAll(() => {
		if (child && child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
		for (const pid of processesUsing(userFolder)) process.kill(pid, 'SIGKILL');
		rmSync(userFolder, { recursive: true, force: true });
	});

	it(
		'opens a real n8n with demo login, credentials and example workflows; Ctrl+C stops everything',
		async () => {
			userFolder = mkdtempSync(path.join(tmpdir(), 'n8n-start-'));
			const port = await freePort();
			child = spawn(process.execPath, [path.join(REPO, 'test', 'scripts', 'start.js')], {
				cwd: REPO,
				env: { ...process.env, N8N_START_USER_FOLDER: userFolder, N8N_START_PORT: String(port) },
				detached: true,
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			child.stdout!.on('data', (c) => (output += c));
			child.stderr!.on('data', (c) => (output += c));
			const started = Date.now();
			while (!/is running with n8n-nodes-itslearning-genesys/.test(output)) {
				if (child.exitCode !== null)
					throw new Error(`start.js exited early (${child.exitCode}):\n${output}`);
				if (Date.now() - started > 15 * 60 * 1000)
					throw new Error(`start.js not ready after 15 min:\n${output}`);
				await sleep(500);
			}
			const url = `http://localhost:${port}`;
			expect(output).toContain(`Open   ${url}`);
			expect(output).toContain(
				`Login  ${demoLib.DEMO_OWNER.email}  /  ${demoLib.DEMO_OWNER.password}`,
			);
			// a progress line per step, each with its time
			expect(output.match(/^ {2}done in \d+\.\d s/gm)?.length).toBeGreaterThanOrEqual(6);

			const rest = new N8nRest(url);
			await rest.login(demoLib.DEMO_OWNER);
			const workflows = (await rest.ok('GET', '/rest/workflows')) as Json[];
			expect(workflows.map((w) => w.id).sort()).toEqual(
				(demoLib.exampleWorkflows() as Json[]).map((w) => w.id).sort(),
			);
			const credentials = (await rest.ok('GET', '/rest/credentials')) as Json[];
			expect(credentials.map((c) => [c.id, c.type]).sort()).toEqual(
				[
					[demoLib.CREDENTIAL_IDS.itslearning, 'itslearningOAuth2Api'],
					[demoLib.CREDENTIAL_IDS.genesys, 'genesysCloudOAuth2Api'],
					[demoLib.CREDENTIAL_IDS.model, 'openAiApi'],
				].sort(),
			);
			// the pack's nodes are loaded (community layout) and known to the editor
			const types = (await rest.call('GET', '/types/nodes.json')) as {
				status: number;
				json: Json[];
			};
			expect(types.status).toBe(200);
			const names = types.json.map((t) => t.name as string);
			for (const name of [
				'itslearningInstantMessage',
				'genesysChat',
				'itslearningInstantMessageTrigger',
				'genesysChatTrigger',
			]) {
				expect(names).toContain(`n8n-nodes-itslearning-genesys.${name}`);
			}

			// Ctrl+C
			const exited = new Promise<number | null>((resolve) =>
				child!.on('exit', (code) => resolve(code)),
			);
			process.kill(child.pid!, 'SIGINT');
			const code = await Promise.race([
				exited,
				new Promise((resolve) => setTimeout(() => resolve('timeout'), 60_000).unref()),
			]);
			expect(code).toBe(0);
			expect(output).toContain('Stopped.');
			await sleep(1000);
			expect(processesUsing(userFolder)).toEqual([]);
			await expect(fetch(`${url}/healthz`)).rejects.toThrow();
		},
		20 * 60 * 1000,
	);
});
