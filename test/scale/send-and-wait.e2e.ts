/**
 * Send and Wait for Response in n8n 2.41.1 and 1.123.81 queue mode (Postgres, Redis, one main,
 * one worker): a production webhook starts the workflow, the worker sends the question and the
 * execution waits (stored in Postgres); the test follows the link in the emulator's chat like a
 * person (GET the page, POST the answer) to the main, and the worker runs the rest of the
 * execution.
 * Run with `npx jest --config test/scale/jest.config.js test/scale/send-and-wait.e2e.ts`.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';

import { startGenesysEmulator, type GenesysEmulator } from '../emulator/genesys';
import { startItslearningEmulator, type ItslearningEmulator } from '../emulator/itslearning';
import { webhookNode } from '../e2e/send-and-wait';
import { Cluster, log } from './cluster';
import { CREDENTIAL_IDS, credentials } from './workflows';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// its own log folder: the main scale suite clears .tmp/scale-logs when it starts
process.env.SCALE_LOG_DIR ??= path.resolve(
	__dirname,
	'..',
	'..',
	'.tmp',
	'scale-logs-send-and-wait',
);

const WORKFLOW_ID = 'scaleAskFlow0001';
const HOOK = 'scale-ask';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function askWorkflow(): Json {
	return {
		id: WORKFLOW_ID,
		name: 'scale: webhook → Send and Wait (itslearning approval) → After',
		active: false,
		nodes: [
			webhookNode(HOOK),
			{
				id: randomUUID(),
				name: 'Ask',
				type: 'n8n-nodes-itslearning-genesys.itslearningInstantMessage',
				typeVersion: 1.1,
				position: [220, 0],
				parameters: {
					resource: 'message',
					operation: 'sendAndWait',
					sendTo: 'people',
					toPersonIds: { __rl: true, mode: 'id', value: '2' },
					message: '=Approve request {{ $json.body.request }}?',
					approvalOptions: { values: { approvalType: 'double' } },
				},
				credentials: {
					itslearningOAuth2Api: { id: CREDENTIAL_IDS.itslearning, name: 'itslearning (scale)' },
				},
			},
			{
				id: randomUUID(),
				name: 'After',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [440, 0],
				parameters: {},
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Ask', type: 'main', index: 0 }]] },
			Ask: { main: [[{ node: 'After', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

// SAW_VERSIONS="1.123.81" (or "2.41.1") runs one version.
const VERSIONS = (process.env.SAW_VERSIONS ?? '2.41.1 1.123.81').split(/[\s,]+/).filter(Boolean);

describe.each(VERSIONS)(
	'n8n %s queue mode: a waiting Send and Wait execution resumes from the link',
	(version) => {
		const cluster = new Cluster({ version, workers: 1, workerConcurrency: 2 });
		let its: ItslearningEmulator;
		let gen: GenesysEmulator;
		let flatted: { parse(text: string): Json };

		beforeAll(
			async () => {
				await cluster.prepare();
				// the worker writes the links: it needs the public address too, as n8n's queue-mode docs say
				(cluster.options as { env?: Record<string, string> }).env = {
					WEBHOOK_URL: `${cluster.url}/`,
				};
				flatted = require(path.join(cluster.n8n.dir, 'node_modules', 'flatted')); // eslint-disable-line @typescript-eslint/no-require-imports
				its = await startItslearningEmulator({ tokenLifetimeSeconds: 3600 });
				gen = await startGenesysEmulator({ tokenLifetimeSeconds: 3600 });
				const itsToken = its.issueToken({ personId: 1, lifetimeSeconds: 3600 });
				const genToken = gen.issueUserToken(gen.userIds[0], {
					lifetimeSeconds: 3600,
					scopes: ['chat'],
				});
				await cluster.importJson(
					'credentials',
					credentials(
						{ url: its.url, token: itsToken },
						{
							url: gen.url,
							clientId: gen.clientId,
							clientSecret: gen.clientSecret,
							token: genToken,
						},
					),
				);
				await cluster.importJson('workflow', [askWorkflow()]);
				await cluster.activate(WORKFLOW_ID);
				await cluster.startMain();
				await cluster.startWorker(0);
			},
			30 * 60 * 1000,
		);

		afterAll(async () => {
			await cluster.stop();
			await Promise.allSettled([its?.close(), gen?.close()]);
		}, 120_000);

		const execution = async (id: string) => {
			const db = await cluster.pg();
			try {
				const { rows } = await db.query(
					'select e.status, d.data from execution_entity e left join execution_data d on d."executionId" = e.id where e.id = $1',
					[Number(id)],
				);
				return rows[0]
					? {
							status: String(rows[0].status),
							data: rows[0].data ? (flatted.parse(rows[0].data as string) as Json) : undefined,
						}
					: undefined;
			} finally {
				await db.end();
			}
		};

		it(
			'the worker sends the question and the execution waits; the answer through the main resumes it on the worker',
			async () => {
				// the main registers the published workflow's webhook in the background after it answers
				for (let deadline = Date.now() + 120_000; ; ) {
					const res = await fetch(`${cluster.url}/webhook/${HOOK}`, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ request: 'R-7' }),
					});
					if (res.status === 200) break;
					if (res.status !== 404 || Date.now() > deadline)
						throw new Error(`webhook answered ${res.status}`);
					await sleep(1000);
				}
				let text = '';
				for (let deadline = Date.now() + 120_000; !text; ) {
					// the emulator numbers messages from 10001 on
					const thread = [...Array(50).keys()]
						.map((i) => its.getMessage(10001 + i))
						.find((m) => m && /^Approve request R-7\?/.test(m.Text));
					if (thread) text = thread.Text;
					else if (Date.now() > deadline)
						throw new Error(`no question in the chat\n${cluster.workers[0].output().slice(-3000)}`);
					else await sleep(500);
				}
				const [approve] = text.match(/https?:\/\/\S+/g)!;
				expect(text).toBe(
					`Approve request R-7?\n\nApprove: ${approve}\nDecline: ${text.split('Decline: ')[1]}`,
				);
				expect(new URL(approve).origin).toBe(cluster.url);
				const executionId = new URL(approve).pathname.split('/')[2];
				for (
					let deadline = Date.now() + 60_000;
					(await execution(executionId))?.status !== 'waiting';

				) {
					if (Date.now() > deadline)
						throw new Error(
							`execution ${executionId} is not waiting: ${(await execution(executionId))?.status}`,
						);
					await sleep(500);
				}

				const page = await fetch(approve);
				expect([page.status, await page.text()]).toEqual([
					200,
					expect.stringContaining('Approve request R-7?'),
				]);
				const answer = await fetch(approve, { method: 'POST' });
				expect([answer.status, await answer.text()]).toEqual([
					200,
					expect.stringContaining('Got it, thanks'),
				]);

				let done: { status: string; data?: Json } | undefined;
				for (let deadline = Date.now() + 120_000; ; ) {
					done = await execution(executionId);
					if (done && !['waiting', 'running', 'new'].includes(done.status)) break;
					if (Date.now() > deadline)
						throw new Error(`execution ${executionId} did not finish: ${done?.status}`);
					await sleep(500);
				}
				expect(done!.status).toBe('success');
				expect(
					done!.data!.resultData.runData.After[0].data.main[0].map((i: Json) => i.json),
				).toEqual([{ data: { approved: true, respondedAt: expect.any(String) } }]);
				// both parts of the execution ran on the worker (queue mode), none in the main
				const runs = (
					cluster.workers[0]
						.output()
						.match(new RegExp(`Worker started execution ${executionId}\\b`, 'g')) ?? []
				).length;
				log(`execution ${executionId}: started on the worker ${runs} time(s)`);
				expect(runs).toBe(2);
			},
			10 * 60 * 1000,
		);
	},
);
