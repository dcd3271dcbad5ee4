/**
 * Send and Wait for Response in a real, running n8n (`n8n start`), against the emulators. Each
 * workflow starts from a production Webhook trigger (activated before the start), so the wait is
 * a real production wait: the test reads the message the node sent into the emulator's chat,
 * follows its link over HTTP as a person would (GET the page, POST the answer), and reads the
 * resumed execution through n8n's REST API: approve, decline, free text, custom form, the time
 * limit, links with a tampered or missing signature, a wait across an n8n restart, and an AI
 * Agent asking through the node's plain tool form (`<node>Tool`).
 * On n8n 2.x also the AI Agent's Human Review tool (`<node>HitlTool`, built by n8n itself).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

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
const ITS = `${PACKAGE_NAME}.itslearningInstantMessage`;
const GEN = `${PACKAGE_NAME}.genesysChat`;
const LINK = /https?:\/\/[^\s)\]]+/g;

const itsCredentials = {
	itslearningOAuth2Api: { id: 'itsDemoCredentl1', name: 'itslearning (emulator)' },
};
const genCredentials = {
	genesysCloudOAuth2Api: { id: 'genDemoCredentl1', name: 'Genesys Cloud (emulator)' },
};

/** A production webhook (POST, answers at once) that starts a test workflow. */
export function webhookNode(hookPath: string, name = 'Webhook', position: unknown = [0, 0]): Json {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position,
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'onReceived', options: {} },
	};
}

/** Webhook trigger → the node under test ("Ask") → "After" (a NoOp that shows what came out). */
function waitWorkflow(id: string, type: string, parameters: Json, credentials: Json): Json {
	return {
		id,
		name: `Send and Wait e2e: ${id}`,
		active: false,
		nodes: [
			webhookNode(`saw-${id}`),
			{
				id: randomUUID(),
				name: 'Ask',
				type,
				typeVersion: 1.1,
				position: [220, 0],
				parameters,
				credentials,
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

const WORKFLOWS: Json[] = [
	waitWorkflow(
		'sawItsApproval',
		ITS,
		{
			resource: 'message',
			operation: 'sendAndWait',
			sendTo: 'people',
			toPersonIds: { __rl: true, mode: 'id', value: '2' },
			message: '=May order {{ $json.body.order }} go out?',
			responseType: 'approval',
			approvalOptions: {
				values: { approvalType: 'double', approveLabel: 'Approve', disapproveLabel: 'Decline' },
			},
		},
		itsCredentials,
	),
	waitWorkflow(
		'sawItsFreeText',
		ITS,
		{
			resource: 'message',
			operation: 'sendAndWait',
			sendTo: 'people',
			toPersonIds: { __rl: true, mode: 'id', value: '3' },
			message: 'Which room do you want for the exam?',
			responseType: 'freeText',
		},
		itsCredentials,
	),
	waitWorkflow(
		'sawGenForm',
		GEN,
		{
			resource: 'message',
			operation: 'sendAndWait',
			sendTo: 'user',
			userId: { __rl: true, mode: 'id', value: '={{ $json.body.userId }}' },
			message: 'Your shift, please',
			responseType: 'customForm',
			formFields: {
				values: [
					{
						fieldLabel: 'Shift',
						fieldType: 'dropdown',
						fieldOptions: { values: [{ option: 'Early' }, { option: 'Late' }] },
						requiredField: true,
					},
					{ fieldLabel: 'Note', fieldType: 'text' },
				],
			},
		},
		genCredentials,
	),
	waitWorkflow(
		'sawGenTimeout',
		GEN,
		{
			resource: 'message',
			operation: 'sendAndWait',
			sendTo: 'room',
			roomJid: { __rl: true, mode: 'id', value: '={{ $json.body.roomJid }}' },
			message: 'Approve within a few seconds',
			responseType: 'approval',
			options: {
				limitWaitTime: {
					values: { limitType: 'afterTimeInterval', resumeAmount: 0.05, resumeUnit: 'minutes' },
				},
			},
		},
		genCredentials,
	),
];

/** The Human Review example (test/e2e/workflows/ai-agent-human-review.json), started by a webhook instead of by hand. */
function agentWorkflow(): Json {
	const example = (demoLib.exampleWorkflows() as Json[]).find(
		(wf) => wf.id === 'aiAgentReviewFlow',
	)!;
	const { file: _file, ...wf } = example; // eslint-disable-line @typescript-eslint/no-unused-vars
	const nodes = (wf.nodes as Json[]).map((node) =>
		node.name === 'Start' ? webhookNode('saw-sawAgent', 'Start', node.position) : node,
	);
	return { ...wf, id: 'sawAgent', name: 'Send and Wait e2e: Human Review', nodes };
}

/**
 * The plain AI tool form (`<node>Tool`, made by n8n from `usableAsTool`) with Send and Wait: an AI
 * Agent (v3, the scripted model) calls it to ask a teacher a free-text question.
 */
function agentAskWorkflow(id = 'sawAgentAsk', agentVersion = 3): Json {
	return {
		id,
		name: `Send and Wait e2e: AI Agent ${agentVersion} asks through the tool form`,
		active: false,
		nodes: [
			webhookNode(`saw-${id}`),
			{
				id: randomUUID(),
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: agentVersion,
				position: [260, 0],
				parameters: {
					promptType: 'define',
					text: 'Ask the teacher which room they want for the exam.',
					options: {},
				},
			},
			{
				id: randomUUID(),
				name: 'Chat model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.2,
				position: [100, 240],
				parameters: {
					model: { __rl: true, mode: 'id', value: 'scripted-demo-model' },
					options: {},
				},
				credentials: {
					openAiApi: { id: 'llmDemoCredentl1', name: 'Scripted demo model (no LLM)' },
				},
			},
			{
				id: randomUUID(),
				name: 'Ask the teacher',
				type: `${ITS}Tool`,
				typeVersion: 1.1,
				position: [380, 240],
				parameters: {
					resource: 'message',
					operation: 'sendAndWait',
					sendTo: 'people',
					toPersonIds: { __rl: true, mode: 'id', value: '3' },
					message: 'The agent asks: which room do you want for the exam?',
					responseType: 'freeText',
				},
				credentials: itsCredentials,
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'Chat model': {
				ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
			},
			'Ask the teacher': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

export function defineSendAndWaitSuite(version: string): void {
	// n8n 1.x has no Human Review tools (a workflow with one cannot be activated there)
	const workflows = version.startsWith('2.')
		? [...WORKFLOWS, agentWorkflow(), agentAskWorkflow(), agentAskWorkflow('sawAgentV2Ask', 2)]
		: [...WORKFLOWS, agentAskWorkflow(), agentAskWorkflow('sawAgentV2Ask', 2)];
	describe(`Send and Wait for Response in a running n8n ${version}`, () => {
		let n8n: Json;
		let demo: Json;
		let userFolder: string;
		let server: { url: string; port: number; stop(): Promise<void>; output(): string };
		let rest: InstanceType<typeof N8nRest>;
		let flatted: { parse(text: string): Json };
		const cli = async (args: string[]) => await n8nCliOk(n8n, userFolder, args);
		const start = async (port?: number) => {
			server = await startN8nServer(n8n, userFolder, {
				port,
				logFile: path.join(
					REPO,
					'.tmp',
					`e2e-send-and-wait-${version}${port ? '-restarted' : ''}.log`,
				),
			});
			rest = new N8nRest(server.url);
			await rest.setupOwnerOrLogin(demoLib.DEMO_OWNER);
		};

		beforeAll(
			async () => {
				n8n = await ensureN8n(version);
				flatted = require(path.join(n8n.dir, 'node_modules', 'flatted')); // eslint-disable-line @typescript-eslint/no-require-imports
				demo = await demoLib.startDemoEmulators();
				userFolder = mkdtempSync(path.join(tmpdir(), `n8n-saw-${version}-`));
				installPack(userFolder);
				await cli([
					'import:credentials',
					`--input=${demoLib.writeDemoCredentials(demo, path.join(userFolder, 'credentials.json'))}`,
				]);
				const dir = path.join(userFolder, 'workflows');
				mkdirSync(dir, { recursive: true });
				for (const wf of workflows)
					writeFileSync(path.join(dir, `${wf.id}.json`), JSON.stringify(wf));
				await cli(['import:workflow', '--separate', `--input=${dir}`]);
				for (const wf of workflows) await cli(activateWorkflowArgs(version, wf.id));
				mkdirSync(path.join(REPO, '.tmp'), { recursive: true });
				await start();
			},
			30 * 60 * 1000,
		);

		afterAll(async () => {
			await server?.stop();
			await demo?.close();
			if (userFolder) rmSync(userFolder, { recursive: true, force: true });
		});

		/** Starts a workflow through its production webhook. */
		const trigger = async (id: string, body: Json = {}) => {
			// n8n activates the published workflows in the background after it answers: 404 until then
			const deadline = Date.now() + 120_000;
			for (;;) {
				const res = await fetch(`${server.url}/webhook/saw-${id}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
				});
				if (res.status !== 404 || Date.now() > deadline) {
					expect([id, res.status]).toEqual([id, 200]);
					return;
				}
				await sleep(1000);
			}
		};

		/** The newest message in a chat once it holds `count` more than `before` (the node sends asynchronously to the trigger's answer). */
		const waitFor = async <T>(
			what: string,
			probe: () => T | undefined,
			timeoutMs = 60_000,
		): Promise<T> => {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const value = probe();
				if (value !== undefined) return value;
				if (Date.now() > deadline)
					throw new Error(`timed out waiting for ${what}\n${server.output().slice(-3000)}`);
				await sleep(250);
			}
		};

		/** The first itslearning message after id `since` in a thread with this person (message ids are global and increasing). */
		const itsMessageTo = (personId: number, since: number) => () => {
			for (let id = since + 1; id < since + 200; id++) {
				const message = demo.its.getMessage(id);
				if (
					message &&
					demo.its.getThread(message.InstantMessageThreadId)?.Participants.has(personId)
				)
					return message;
			}
			return undefined;
		};
		const lastItsMessageId = () => {
			let last = 10000;
			// the emulator numbers messages from 10001 on
			for (let id = 10001, misses = 0; misses < 50; id++) {
				if (demo.its.getMessage(id)) [last, misses] = [id, 0];
				else misses++;
			}
			return last;
		};

		const executionOf = (link: string) => new URL(link).pathname.split('/')[2];

		/** The execution once it has finished (status success), with its run data. */
		const finished = async (executionId: string, timeoutMs = 60_000): Promise<Json> => {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const execution = (await rest.ok('GET', `/rest/executions/${executionId}`)) as Json;
				if (
					execution.status !== 'waiting' &&
					execution.status !== 'running' &&
					execution.status !== 'new'
				) {
					const data =
						typeof execution.data === 'string' ? flatted.parse(execution.data) : execution.data;
					return { ...execution, data };
				}
				if (Date.now() > deadline)
					throw new Error(
						`execution ${executionId} still ${execution.status}\n${server.output().slice(-3000)}`,
					);
				await sleep(500);
			}
		};
		const status = async (executionId: string) =>
			((await rest.ok('GET', `/rest/executions/${executionId}`)) as Json).status as string;
		/** The execution's status once n8n has stored the wait (the message goes out just before). */
		const waiting = async (executionId: string) => {
			for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(250)) {
				const now = await status(executionId);
				if (now !== 'running' && now !== 'new') return now;
			}
			return await status(executionId);
		};
		const afterItems = (execution: Json) =>
			(execution.data.resultData.runData.After[0].data.main[0] as Json[]).map((i) => i.json);

		/** Follows a link like a browser: GET the page, then POST its form (multipart for forms). */
		const open = async (link: string) => {
			const res = await fetch(link, {
				headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0' },
			});
			return { status: res.status, html: await res.text(), type: res.headers.get('content-type') };
		};
		const submit = async (link: string, fields?: Record<string, string | string[]>) => {
			let body: FormData | undefined;
			if (fields) {
				body = new FormData();
				for (const [name, value] of Object.entries(fields))
					for (const v of [value].flat()) body.append(name, v);
			}
			const res = await fetch(link, {
				method: 'POST',
				body,
				headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0' },
			});
			return { status: res.status, html: await res.text() };
		};

		it('approval (itslearning, to a person): the message with both links lands in the chat; the page asks to confirm; approve resumes the execution', async () => {
			const since = lastItsMessageId();
			await trigger('sawItsApproval', { order: 42 });
			const message = await waitFor('the approval message', itsMessageTo(2, since));
			const links = (message.Text as string).match(LINK)!;
			expect(message.Text).toBe(
				`May order 42 go out?\n\nApprove: ${links[0]}\nDecline: ${links[1]}`,
			);
			expect(links.map((l) => new URL(l).origin)).toEqual([server.url, server.url]);
			const executionId = executionOf(links[0]);
			expect(await waiting(executionId)).toBe('waiting');

			// opening the link (a person, or the chat's link preview) does not answer yet
			const page = await open(links[0]);
			expect([page.status, page.type]).toEqual([200, 'text/html; charset=utf-8']);
			expect(page.html).toContain('May order 42 go out?');
			expect(page.html).toContain('<form method="post" action="">');
			expect(await status(executionId)).toBe('waiting');

			const answer = await submit(links[0]);
			expect([answer.status, answer.html]).toEqual([
				200,
				expect.stringContaining('Got it, thanks'),
			]);
			const execution = await finished(executionId);
			expect(execution.status).toBe('success');
			expect(afterItems(execution)).toEqual([
				{ data: { approved: true, respondedAt: expect.any(String) } },
			]);
			// the link is used up: no second answer
			const again = await submit(links[1]);
			expect(again.status).toBeGreaterThanOrEqual(200);
			expect(afterItems(await finished(executionId))).toEqual([
				{ data: { approved: true, respondedAt: expect.any(String) } },
			]);
		});

		it('approval: decline resumes with approved: false', async () => {
			const since = lastItsMessageId();
			await trigger('sawItsApproval', { order: 43 });
			const message = await waitFor('the approval message', itsMessageTo(2, since));
			const [, decline] = (message.Text as string).match(LINK)!;
			expect((await open(decline)).html).toContain('Decline');
			await submit(decline);
			const execution = await finished(executionOf(decline));
			expect(afterItems(execution)).toEqual([
				{ data: { approved: false, respondedAt: expect.any(String) } },
			]);
		});

		it('free text (itslearning, to a teacher): the form page, then the text', async () => {
			const since = lastItsMessageId();
			await trigger('sawItsFreeText');
			const message = await waitFor('the question', itsMessageTo(3, since));
			const [link] = (message.Text as string).match(LINK)!;
			expect(message.Text).toBe(`Which room do you want for the exam?\n\nRespond: ${link}`);
			const form = await open(link);
			expect(form.html).toContain('name="field-0"');
			await submit(link, { 'field-0': 'Room B12, please' });
			const execution = await finished(executionOf(link));
			expect(afterItems(execution)).toEqual([
				{ data: { text: 'Room B12, please', respondedAt: expect.any(String) } },
			]);
		});

		it('custom form (Genesys, 1:1): the fields, then one key per label', async () => {
			const other = demo.gen.userIds[1];
			const chatBefore = demo.gen.getOneOnOne(demo.gen.userIds[0], other)?.messages.length ?? 0;
			await trigger('sawGenForm', { userId: other });
			const message = await waitFor('the form message', () => {
				const chat = demo.gen.getOneOnOne(demo.gen.userIds[0], other);
				return chat && chat.messages.length > chatBefore ? chat.messages.at(-1) : undefined;
			});
			const [link] = (message.body as string).match(LINK)!;
			expect(message.body).toBe(`Your shift, please\n\n[Respond](${link})`);
			const form = await open(link);
			expect(form.html).toContain('<option>Late</option>');
			await submit(link, { 'field-0': 'Late', 'field-1': 'after 10' });
			const execution = await finished(executionOf(link));
			expect(afterItems(execution)).toEqual([
				{ data: { Shift: 'Late', Note: 'after 10', respondedAt: expect.any(String) } },
			]);
		});

		it('the time limit ends the wait: the node passes its input on, without an answer', async () => {
			const room = demo.roomJid;
			const before = demo.gen.getRoom(room).messages.length;
			await trigger('sawGenTimeout', { roomJid: room });
			const message = await waitFor('the room message', () => {
				const messages = demo.gen.getRoom(room).messages;
				return messages.length > before ? messages.at(-1) : undefined;
			});
			const [link] = (message.body as string).match(LINK)!;
			// n8n's wait tracker looks for due executions every minute
			const execution = await finished(executionOf(link), 150_000);
			expect(execution.status).toBe('success');
			const [item] = afterItems(execution);
			expect(item.data).toBeUndefined();
			expect(item.body).toEqual({ roomJid: room });
		}, 200_000);

		// 2.x checks the signature of every send-and-wait link; 1.x because the node asked for it (setSignatureValidationRequired)
		it('a tampered or unsigned link is refused; the execution keeps waiting', async () => {
			const since = lastItsMessageId();
			await trigger('sawItsApproval', { order: 44 });
			const message = await waitFor('the approval message', itsMessageTo(2, since));
			const [approve, decline] = (message.Text as string).match(LINK)!;
			const executionId = executionOf(approve);
			expect(await waiting(executionId)).toBe('waiting');
			const unsigned = new URL(approve);
			unsigned.searchParams.delete('signature');
			const flipped = new URL(decline);
			flipped.searchParams.set('approved', 'true'); // the decline link's signature on an approve answer
			const forged = new URL(approve);
			forged.searchParams.set('signature', 'f'.repeat(64));
			for (const url of [unsigned, flipped, forged]) {
				expect([url.search, (await open(url.toString())).status]).toEqual([url.search, 401]);
				expect([url.search, (await submit(url.toString())).status]).toEqual([url.search, 401]);
			}
			expect(await status(executionId)).toBe('waiting');
			await submit(decline);
			expect(afterItems(await finished(executionId))).toEqual([
				{ data: { approved: false, respondedAt: expect.any(String) } },
			]);
		});

		(version.startsWith('2.') ? it : it.skip)(
			'n8n lists a Human Review tool for each node, asking whom and where',
			async () => {
				const types = (await rest.call('GET', '/types/nodes.json')) as {
					status: number;
					json: Json[];
				};
				expect(types.status).toBe(200);
				for (const [name, recipients] of [
					[
						'itslearningInstantMessage',
						['toPersonIds', 'instantMessageThreadId', 'courseIds', 'projectIds'],
					],
					['genesysChat', ['userId', 'roomJid']],
				] as const) {
					const tool = types.json.find((t) => t.name === `${PACKAGE_NAME}.${name}HitlTool`);
					expect(tool).toBeDefined();
					expect(tool!.outputs).toEqual([
						expect.objectContaining({ displayName: 'Human review', type: 'ai_tool' }),
					]);
					const properties = tool!.properties as Json[];
					const byName = (n: string) => properties.filter((p) => p.name === n);
					expect(byName('resource')).toEqual([
						expect.objectContaining({ type: 'hidden', default: 'message' }),
					]);
					// n8n turns each resource's operation list into the same hidden field
					expect(byName('operation').length).toBeGreaterThan(0);
					for (const operation of byName('operation'))
						expect(operation).toMatchObject({ type: 'hidden', default: 'sendAndWait' });
					expect(byName('responseType')).toEqual([
						expect.objectContaining({ type: 'hidden', default: 'approval' }),
					]);
					expect(byName('message')).toHaveLength(1);
					// whom to ask: the Send To choice and each choice's recipient field, shown for the hidden resource/operation
					expect(byName('sendTo').map((p) => p.displayOptions.show)).toContainEqual({
						resource: ['message'],
						operation: ['sendAndWait'],
					});
					for (const recipient of recipients)
						expect(
							byName(recipient).some(
								(p) => p.displayOptions?.show?.operation?.includes('sendAndWait') && p.required,
							),
						).toBe(true);
				}
			},
		);

		const settingsCalls = () =>
			(demo.gen.apiRequests() as Json[]).filter(
				(r) => r.rawPath === '/api/v2/chats/users/me/settings',
			).length;
		const agentOutput = (execution: Json) =>
			execution.data.resultData.runData['AI Agent'][0].data.main[0][0].json.output as string;

		/** Starts the agent; returns the review message's links once it is in Alan's chat, and what the model was offered. */
		const startAgent = async () => {
			demo.model.requests.length = 0;
			const settingsBefore = settingsCalls();
			const since = lastItsMessageId();
			await trigger('sawAgent');
			const message = await waitFor('the Human Review message', itsMessageTo(2, since), 120_000);
			const links = (message.Text as string).match(LINK)!;
			// the model saw the gated tool behind the review layer, and called it
			const [first] = demo.model.requests.filter((r: Json) => r.url.endsWith('/chat/completions'));
			const tool = first.body.tools.find(
				(t: Json) => t.function.name === 'My_Genesys_chat_settings',
			);
			expect(Object.keys(tool.function.parameters.properties).sort()).toEqual([
				'hitlParameters',
				'toolParameters',
			]);
			expect(message.Text).toBe(
				`The AI agent wants to run the tool "My_Genesys_chat_settings".\n\nInput: ${message.Text.split('Input: ')[1].split('\n\n')[0]}\n\nAllow: ${links[0]}\nRefuse: ${links[1]}`,
			);
			// nothing ran yet: the agent waits for the person
			expect(settingsCalls()).toBe(settingsBefore);
			expect(await waiting(executionOf(links[0]))).toBe('waiting');
			return { links, settingsBefore };
		};

		(version.startsWith('2.') ? it : it.skip)(
			"AI Agent: the pack's Human Review tool asks on itslearning first; approved, the gated Genesys tool runs",
			async () => {
				const { links, settingsBefore } = await startAgent();
				expect((await open(links[0])).html).toContain('Allow');
				await submit(links[0]);
				const execution = await finished(executionOf(links[0]), 120_000);
				expect(execution.status).toBe('success');
				expect(settingsCalls()).toBe(settingsBefore + 1);
				expect(agentOutput(execution)).toContain('"notifyOnReactions":true');
			},
			5 * 60 * 1000,
		);

		(version.startsWith('2.') ? it : it.skip)(
			'AI Agent: declined, the gated tool does not run and the agent is told so',
			async () => {
				const { links, settingsBefore } = await startAgent();
				await submit(links[1]);
				const execution = await finished(executionOf(links[1]), 120_000);
				expect(execution.status).toBe('success');
				expect(settingsCalls()).toBe(settingsBefore);
				expect(agentOutput(execution)).toMatch(/rejected/i);
			},
			5 * 60 * 1000,
		);

		// n8n makes a `<node>Tool` variant of every `usableAsTool` node and keeps all its operations,
		// Send and Wait included, for its own nodes (Slack, Telegram, Gmail, …) as for ours.
		it("the AI tool form offers Send and Wait, as n8n's own Slack tool does", async () => {
			const types = (await rest.call('GET', '/types/nodes.json')) as {
				status: number;
				json: Json[];
			};
			expect(types.status).toBe(200);
			const sendAndWaitIn = (name: string) =>
				types.json
					.filter((t) => t.name === name)
					.flatMap((t) => t.properties as Json[])
					.filter((p) => p.name === 'operation')
					.flatMap((p) => (p.options as Json[]).map((o) => o.value))
					.filter((value) => value === 'sendAndWait');
			for (const name of ['n8n-nodes-base.slackTool', `${ITS}Tool`, `${GEN}Tool`])
				expect([name, [...new Set(sendAndWaitIn(name))]]).toEqual([name, ['sendAndWait']]);
		});

		// An AI Agent (v3) runs a tool as a step of the execution: the execution waits in the tool
		// and the answer becomes the tool's result (an inline tool call is refused by the node:
		// test/sendAndWait/send-and-wait.test.ts).
		it(
			'AI Agent: the tool form asks the teacher; the agent gets the answer',
			async () => {
				demo.model.requests.length = 0;
				const since = lastItsMessageId();
				await trigger('sawAgentAsk');
				const message = await waitFor('the question', itsMessageTo(3, since), 120_000);
				const [link] = (message.Text as string).match(LINK)!;
				expect(message.Text).toBe(
					`The agent asks: which room do you want for the exam?\n\nRespond: ${link}`,
				);
				const executionId = executionOf(link);
				expect(await waiting(executionId)).toBe('waiting');
				// the model was offered the tool and called it; no answer yet
				const calls = demo.model.requests.filter((r: Json) => r.url.endsWith('/chat/completions'));
				expect(calls).toHaveLength(1);
				expect(calls[0].body.tools.map((t: Json) => t.function.name)).toEqual(['Ask_the_teacher']);
				await submit(link, { 'field-0': 'Room B12, please' });
				const execution = await finished(executionId, 120_000);
				expect(execution.status).toBe('success');
				expect(
					execution.data.resultData.runData['Ask the teacher'][0].data.ai_tool[0].map(
						(i: Json) => i.json,
					),
				).toEqual([{ data: { text: 'Room B12, please', respondedAt: expect.any(String) } }]);
				// the scripted model answers with the tool results it was given
				expect(agentOutput(execution)).toContain('"text":"Room B12, please"');
			},
			5 * 60 * 1000,
		);

		// An AI Agent 2 calls its tools inside its own step (n8n-core's SupplyDataContext): the node
		// refuses there (n8n 2.x: isToolExecution(); n8n 1.x: the context's ai_tool connection).
		it(
			'AI Agent 2 (inline tool call): the tool form refuses, nothing is sent, nothing waits',
			async () => {
				const since = lastItsMessageId();
				await trigger('sawAgentV2Ask');
				const route = `/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: 'sawAgentV2Ask' }))}&limit=10`;
				let executionId: string | undefined;
				for (const deadline = Date.now() + 120_000; !executionId; await sleep(500)) {
					const list = (await rest.ok('GET', route)) as Json;
					executionId = ((list.results ?? list) as Json[])[0]?.id as string | undefined;
					if (!executionId && Date.now() > deadline)
						throw new Error('no execution of sawAgentV2Ask');
				}
				const execution = await finished(executionId, 120_000);
				const texts = JSON.stringify([
					execution.data.resultData.error?.message,
					execution.data.resultData.runData['Ask the teacher'],
					execution.data.resultData.runData['AI Agent'],
				]);
				expect(texts).toContain('Send and Wait for Response cannot run in this tool call');
				expect(execution.status).not.toBe('waiting');
				expect(itsMessageTo(3, since)()).toBeUndefined();
			},
			5 * 60 * 1000,
		);

		// Both majors: n8n stops on SIGTERM (graceful shutdown), and at its next start its event-log
		// recovery finds the waiting execution "unfinished" (a waiting execution logs
		// n8n.workflow.started and no end event) and amends it as crashed; the amended run then goes
		// through the workflowExecuteAfter hooks, whose final-status step turns it back into
		// `waiting` because its waitTill is stored. So the wait survives on 1.123.81 as on 2.41.1.
		it(
			'the wait survives an n8n restart: the link answers after the restart',
			async () => {
				const since = lastItsMessageId();
				await trigger('sawItsApproval', { order: 45 });
				const message = await waitFor('the approval message', itsMessageTo(2, since));
				const [approve] = (message.Text as string).match(LINK)!;
				const executionId = executionOf(approve);
				expect(await waiting(executionId)).toBe('waiting');
				await server.stop();
				await start(server.port); // the same address: the link in the chat stays valid
				const link = approve;
				// what n8n did at start-up: its recovery looked at the execution (see above); n8n may answer
				// HTTP before the recovery has run, so wait for its report before reading the status
				const recovered = new RegExp(`Found unfinished executions: (\\d+, )*${executionId}\\b`);
				await waitFor('the recovery report', () =>
					recovered.test(server.output()) ? true : undefined,
				);
				expect(await status(executionId)).toBe('waiting');
				expect((await open(link)).status).toBe(200);
				await submit(link);
				expect(afterItems(await finished(executionId))).toEqual([
					{ data: { approved: true, respondedAt: expect.any(String) } },
				]);
			},
			10 * 60 * 1000,
		);
	});
}
