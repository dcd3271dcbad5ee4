/**
 * Both polling triggers in a running n8n, in each poll mode: n8n 2.41.1 with its durable scheduler
 * and durable poll cursors switched on (N8N_SCHEDULER_ENABLED, N8N_SCHEDULER_POLL_TRIGGERS_ENABLED,
 * N8N_USE_WORKFLOW_PUBLICATION_SERVICE, N8N_POLLER_DURABLE_CURSORS_ENABLED), n8n 2.41.1 with them
 * off, and n8n 1.123.81. Messages are sent right after the activation poll (the window in which
 * n8n 2.41's durable mode used to drop the activation poll's seed, see nodes/shared/run/poll.ts
 * `persistSeed`), a few seconds later, and after an n8n restart: each must come out of its
 * trigger exactly once, and nothing from before the activation.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports */
const { ensureN8n } = require('../scripts/n8n-install.js');
const {
	n8nCliOk,
	startN8nServer,
	N8nRest,
	sleep,
	activateWorkflowArgs,
} = require('../scripts/n8n-run.js');
const { installPack, PACKAGE_NAME } = require('../scripts/install-pack.js');
const demoLib = require('../scripts/demo.js');
/* eslint-enable @typescript-eslint/no-require-imports */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REPO = path.resolve(__dirname, '..', '..');
const TYPES = {
	its: `${PACKAGE_NAME}.itslearningInstantMessageTrigger`,
	gen: `${PACKAGE_NAME}.genesysChatTrigger`,
};
const DURABLE = {
	N8N_SCHEDULER_ENABLED: 'true',
	N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
	N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true',
	N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
};

const MODES: Array<{ version: string; name: string; env: Record<string, string> }> = [
	{ version: '2.41.1', name: 'durable scheduler and poll cursors on', env: DURABLE },
	{ version: '2.41.1', name: 'durable switches off', env: {} },
	{ version: '1.123.81', name: 'n8n 1.x', env: {} },
];

const only = process.env.TRIGGER_MODES; // e.g. "2.41.1 durable" to run one mode
for (const mode of MODES.filter((m) => !only || `${m.version} ${m.name}`.includes(only))) {
	describe(`triggers in real n8n ${mode.version} (${mode.name})`, () => {
		let n8n: { version: string; dir: string };
		let demo: Json;
		let userFolder: string;
		let workflows: Array<{ id: string; nodes: Array<{ name: string; type: string }> }>;
		let server: { url: string; stop(): Promise<void> } | undefined;
		let rest: Json;
		const cli = async (args: string[]) => await n8nCliOk(n8n, userFolder, args);
		const start = async (run: string) => {
			mkdirSync(path.join(REPO, '.tmp'), { recursive: true });
			server = await startN8nServer(n8n, userFolder, {
				env: mode.env,
				logFile: path.join(
					REPO,
					'.tmp',
					`e2e-triggers-${mode.version}-${mode.env === DURABLE ? 'durable' : 'default'}-${run}.log`,
				),
			});
			rest = new N8nRest(server!.url);
			await rest.setupOwnerOrLogin(demoLib.DEMO_OWNER);
		};

		beforeAll(
			async () => {
				n8n = await ensureN8n(mode.version);
				demo = await demoLib.startDemoEmulators();
				userFolder = mkdtempSync(path.join(tmpdir(), `n8n-e2e-triggers-${mode.version}-`));
				installPack(userFolder);
				await cli([
					'import:credentials',
					`--input=${demoLib.writeDemoCredentials(demo, path.join(userFolder, 'demo-credentials.json'))}`,
				]);
				await cli([
					'import:workflow',
					'--separate',
					`--input=${demoLib.writeFastPollingCopies(path.join(userFolder, 'workflows'))}`,
				]);
				workflows = (demoLib.exampleWorkflows() as typeof workflows).filter((wf) =>
					wf.nodes.some((n) => n.type === TYPES.its || n.type === TYPES.gen),
				);
				for (const wf of workflows) await cli(activateWorkflowArgs(mode.version, wf.id));
			},
			30 * 60 * 1000,
		);

		afterAll(async () => {
			await server?.stop();
			await demo?.close();
			if (userFolder) rmSync(userFolder, { recursive: true, force: true });
		});

		/** messageId → how often the trigger emitted it, over every execution of its workflow. */
		const emitted = async (type: string) => {
			const wf = workflows.find((w) => w.nodes.some((n) => n.type === type))!;
			const trigger = wf.nodes.find((n) => n.type === type)!.name;
			const flatted = require(path.join(n8n.dir, 'node_modules', 'flatted')) as {
				parse(text: string): Json;
			}; // eslint-disable-line @typescript-eslint/no-require-imports
			const list = (await rest.ok(
				'GET',
				`/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: wf.id }))}&limit=100`,
			)) as Json;
			const counts = new Map<string, number>();
			for (const execution of (list.results ?? list) as Json[]) {
				const full = (await rest.ok('GET', `/rest/executions/${execution.id}`)) as Json;
				const data = typeof full.data === 'string' ? flatted.parse(full.data) : full.data;
				for (const run of (data.resultData.runData[trigger] ?? []) as Json[]) {
					for (const item of (run.data?.main?.[0] ?? []) as Json[])
						counts.set(
							String(item.json.messageId),
							(counts.get(String(item.json.messageId)) ?? 0) + 1,
						);
				}
			}
			return counts;
		};

		const send = (label: string) => ({
			its: demo.its
				.addMessages(demo.threadId, 2, 2, `Mode test ${label}`)
				.map((m: Json) => String(m.MessageId)) as string[],
			gen: demo.gen
				.addRoomMessages(demo.roomJid, demo.gen.userIds[1], 2, {
					body: (i: number) => `Mode test ${label} ${i + 1}`,
				})
				.map((m: Json) => String(m.id)) as string[],
		});

		const waitFor = async (sent: { its: string[]; gen: string[] }) => {
			const deadline = Date.now() + 150_000;
			for (;;) {
				const [its, gen] = [await emitted(TYPES.its), await emitted(TYPES.gen)];
				if (
					(sent.its.every((id) => its.has(id)) && sent.gen.every((id) => gen.has(id))) ||
					Date.now() > deadline
				)
					return;
				await sleep(2000);
			}
		};

		it(
			'emits every message sent from the activation on exactly once, across a restart; nothing from before',
			async () => {
				const seedRequests = () => ({
					its: demo.its.apiRequests().filter((r: Json) => r.rawPath.endsWith('/messagethreads/v3'))
						.length,
					gen: demo.gen.apiRequests().filter((r: Json) => r.rawPath === '/api/v2/users/chats/me')
						.length,
				});
				const before = seedRequests();
				await start('first');
				// Right after each trigger's activation poll: the window in which n8n 2.41's durable mode lost messages.
				const until = Date.now() + 120_000;
				while (Date.now() < until) {
					const now = seedRequests();
					if (now.its > before.its && now.gen > before.gen) break;
					await sleep(100);
				}
				await sleep(1000);
				const sent = [send('at activation')];
				await sleep(4000);
				sent.push(send('after 5 s'));
				await sleep(5000);
				sent.push(send('after 10 s'));
				const all = { its: sent.flatMap((s) => s.its), gen: sent.flatMap((s) => s.gen) };
				await waitFor(all);

				// n8n restarts: messages sent while it is down and after come out once as well.
				await server!.stop();
				const down = send('while down');
				await start('restart');
				await sleep(2000);
				const after = send('after restart');
				all.its.push(...down.its, ...after.its);
				all.gen.push(...down.gen, ...after.gen);
				await waitFor(all);
				await sleep(12_000); // a few more polls: nothing twice

				const [its, gen] = [await emitted(TYPES.its), await emitted(TYPES.gen)];
				expect(all.its.map((id) => [id, its.get(id) ?? 0])).toEqual(all.its.map((id) => [id, 1]));
				expect(all.gen.map((id) => [id, gen.get(id) ?? 0])).toEqual(all.gen.map((id) => [id, 1]));
				expect([...its.keys()].sort()).toEqual([...all.its].sort());
				expect([...gen.keys()].sort()).toEqual([...all.gen].sort());
			},
			15 * 60 * 1000,
		);
	});
}
