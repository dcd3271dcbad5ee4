/**
 * Send and Wait for Response, through n8n-core (the BUILT nodes, real HTTP to the emulators):
 * the message with its signed links lands in the emulator's chat, the execution waits, and the
 * node's `webhook` method (in n8n-core's WebhookContext, as n8n's waiting webhooks call it) serves
 * the page behind each link and turns the POSTed answer into the node's output.
 * The e2e (test/e2e/send-and-wait.e2e.ts) follows the same links in a real n8n.
 */
import path from 'node:path';

import { randomUUID } from 'node:crypto';

import { SupplyDataContext, WebhookContext } from 'n8n-core';
import {
	NodeConnectionTypes,
	Workflow,
	WAIT_INDEFINITELY,
	createRunExecutionData,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeParameters,
	type IWebhookData,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { startGenesysEmulator, type GenesysEmulator } from '../emulator/genesys';
import {
	CredentialStore,
	createAdditionalData,
	loadPackage,
	runNode,
	type LoadedPackage,
	type RunNodeResult,
} from '../harness/n8n';
import { startSite, type Site } from '../itslearning/setup';

/* eslint-disable @typescript-eslint/no-require-imports */
const coreDir = path.dirname(require.resolve('n8n-core'));
const { Container } = require(require.resolve('@n8n/di', { paths: [coreDir] })) as {
	Container: { get<T>(c: new (...a: never[]) => T): T };
};
const { InstanceSettings, validateUrlSignature } = require('n8n-core') as {
	InstanceSettings: new (...a: never[]) => { hmacSignatureSecret: string };
	validateUrlSignature(signature: string, url: URL, secret: string): boolean;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const URL_PATTERN = /https?:\/\/[^\s)\]]+/g;

interface Page {
	status: number;
	headers: Record<string, string>;
	html: string;
	result: IWebhookResponseData;
}

/** Calls the node's webhook method for a request to `link`, as n8n's waiting webhooks do. */
async function follow(
	pkg: LoadedPackage,
	store: CredentialStore,
	node: INode,
	link: string,
	method: 'GET' | 'POST',
	body: IDataObject = {},
): Promise<Page> {
	const url = new URL(link);
	const workflow = new Workflow({
		id: 'wf',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: pkg.nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const headers: Record<string, string> = {};
	const page = { status: 200, headers, html: '' };
	const res = {
		status(code: number) {
			page.status = code;
			return res;
		},
		setHeader(name: string, value: string) {
			headers[name.toLowerCase()] = value;
			return res;
		},
		end(html: string) {
			page.html = html;
			return res;
		},
	};
	const req = {
		method,
		url: url.pathname + url.search,
		query: Object.fromEntries(url.searchParams),
		body,
		headers: { 'user-agent': 'Mozilla/5.0' },
		params: {},
	};
	const additionalData = createAdditionalData(store);
	Object.assign(additionalData, { httpRequest: req, httpResponse: res });
	const webhookData = {
		httpMethod: method,
		node: node.name,
		path: node.id,
		webhookDescription: {},
		workflowId: 'wf',
	} as unknown as IWebhookData;
	const context = new WebhookContext(
		workflow,
		workflow.getNode(node.name)!,
		additionalData,
		'webhook',
		webhookData,
		[],
		null,
	);
	const nodeType = pkg.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const result = await nodeType.webhook!.call(context);
	return { ...page, result };
}

/** The node of a run as the workflow held it (its id is the webhook path). */
function nodeOf(
	run: RunNodeResult,
	type: string,
	parameters: INodeParameters,
	credentials: INode['credentials'],
	link: string,
	typeVersion = 1.1,
): INode {
	const nodeId = decodeURIComponent(new URL(link).pathname.split('/').pop()!);
	return {
		id: nodeId,
		name: run.nodeName,
		type,
		typeVersion,
		position: [0, 0],
		parameters,
		credentials,
	};
}

const outputOf = (page: Page) => page.result.workflowData?.[0]?.map((item) => item.json);

function expectSigned(link: string) {
	const url = new URL(link);
	const signature = url.searchParams.get('signature');
	expect(signature).toMatch(/^[0-9a-f]{64}$/);
	expect(
		validateUrlSignature(signature!, url, Container.get(InstanceSettings).hmacSignatureSecret),
	).toBe(true);
	// the execution's own resume URL plus the node id, as n8n's waiting webhooks expect
	expect(url.pathname).toMatch(/^\/webhook-waiting\/\d+\/[0-9a-f-]{36}$/);
}

describe('itslearning: Send and Wait for Response', () => {
	let site: Site;
	beforeAll(async () => {
		site = await startSite();
	});
	afterAll(async () => {
		await site.close();
	});

	// Default: the version of a node added now (1.2: People is a list of pickers).
	const run = async (parameters: INodeParameters, typeVersion?: number) => {
		site.clearLogs();
		const result = await runNode({
			store: site.store,
			nodeType: 'itslearningInstantMessage',
			parameters,
			credentials: { itslearningOAuth2Api: site.me.ref },
			mode: 'trigger',
			input: [{ json: { order: 42 } }],
			...(typeVersion ? { typeVersion } : {}),
		});
		const sent = site.apiRequests().filter((r) => r.method === 'POST');
		return { result, sent };
	};

	it('approve and decline: the message with both signed links goes to the people; the execution waits; GET shows a confirmation page, POST answers', async () => {
		const parameters: INodeParameters = {
			resource: 'message',
			operation: 'sendAndWait',
			sendTo: 'people',
			// Two people: one picked From List, one entered By ID (version 1.2's list of pickers).
			toPersonIds: {
				values: [
					{ id: { __rl: true, mode: 'list', value: '2', cachedResultName: 'Grace Hopper' } },
					{ id: { __rl: true, mode: 'id', value: '3' } },
				],
			},
			message: 'May order 42 go out?',
			responseType: 'approval',
			approvalOptions: {
				values: { approvalType: 'double', approveLabel: 'Yes, send it', disapproveLabel: 'No' },
			},
		};
		const { result, sent } = await run(parameters);
		expect(result.status).toBe('waiting');
		expect(result.run.waitTill?.getTime()).toBe(WAIT_INDEFINITELY.getTime());
		// the node passes its input on while it waits
		expect(result.items.map((i) => i.json)).toEqual([{ order: 42 }]);

		expect(sent.map((r) => `${r.method} ${r.rawPath}`)).toEqual([
			'POST /restapi/personal/instantmessages/v2',
		]);
		const body = sent[0].body as IDataObject;
		expect(body.ToPersonIds).toEqual([2, 3]);
		const text = body.Text as string;
		const links = text.match(URL_PATTERN)!;
		expect(text).toBe(`May order 42 go out?\n\nYes, send it: ${links[0]}\nNo: ${links[1]}`);
		for (const link of links) expectSigned(link);
		expect(new URL(links[0]).searchParams.get('approved')).toBe('true');
		expect(new URL(links[1]).searchParams.get('approved')).toBe('false');
		// the message is in the new thread of Alan (person 2) and person 3 in the emulator
		const thread = JSON.parse(site.apiResponses()[0].body) as IDataObject;
		const stored = site.emu.getMessage((thread.LastMessage as IDataObject).MessageId as number)!;
		expect([stored.CreatedBy, stored.Text]).toEqual([1, text]);
		expect(
			[...site.emu.getThread(stored.InstantMessageThreadId)!.Participants.keys()].sort(),
		).toEqual([1, 2, 3]);

		const node = nodeOf(
			result,
			'n8n-nodes-itslearning-genesys.itslearningInstantMessage',
			parameters,
			{ itslearningOAuth2Api: site.me.ref },
			links[0],
			1.2,
		);
		// a link preview (GET) does not answer: it shows a page with one button
		const page = await follow(site.pkg, site.store, node, links[0], 'GET');
		expect(page.status).toBe(200);
		expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
		expect(page.html).toContain('<form method="post" action="">');
		expect(page.html).toContain('Yes, send it');
		expect(page.html).toContain('May order 42 go out?');
		expect(page.result).toEqual({ noWebhookResponse: true });
		// the button POSTs to the same (signed) URL: the execution resumes with the answer
		const yes = await follow(site.pkg, site.store, node, links[0], 'POST');
		expect(outputOf(yes)).toEqual([{ data: { approved: true, respondedAt: expect.any(String) } }]);
		expect(yes.html).toContain('Got it, thanks');
		const no = await follow(site.pkg, site.store, node, links[1], 'POST');
		expect(outputOf(no)).toEqual([{ data: { approved: false, respondedAt: expect.any(String) } }]);
	});

	it('free text to a thread, with a time limit: one "Respond" link, a form page, the POSTed text', async () => {
		const thread = site.emu.createThread(1, [3], 'Teachers');
		const parameters: INodeParameters = {
			resource: 'message',
			operation: 'sendAndWait',
			sendTo: 'thread',
			instantMessageThreadId: {
				__rl: true,
				mode: 'list',
				value: String(thread.InstantMessageThreadId),
			},
			message: 'Which room for the exam?',
			responseType: 'freeText',
			options: {
				messageButtonLabel: 'Answer here',
				responseFormTitle: 'Exam room',
				limitWaitTime: {
					values: { limitType: 'afterTimeInterval', resumeAmount: 2, resumeUnit: 'hours' },
				},
			},
		};
		const before = Date.now();
		const { result, sent } = await run(parameters);
		expect(result.status).toBe('waiting');
		const until = result.run.waitTill!.getTime();
		expect(until).toBeGreaterThanOrEqual(before + 2 * 3600_000);
		expect(until).toBeLessThanOrEqual(Date.now() + 2 * 3600_000);
		const body = sent[0].body as IDataObject;
		expect(body.InstantMessageThreadId).toBe(thread.InstantMessageThreadId);
		const [link] = (body.Text as string).match(URL_PATTERN)!;
		expect(body.Text).toBe(`Which room for the exam?\n\nAnswer here: ${link}`);
		expectSigned(link);
		expect(site.emu.getThread(thread.InstantMessageThreadId)!.MessageIds).toHaveLength(1);

		const node = nodeOf(
			result,
			'n8n-nodes-itslearning-genesys.itslearningInstantMessage',
			parameters,
			{ itslearningOAuth2Api: site.me.ref },
			link,
			1.2,
		);
		const form = await follow(site.pkg, site.store, node, link, 'GET');
		expect(form.html).toContain('<h1>Exam room</h1>');
		expect(form.html).toContain('enctype="multipart/form-data"');
		expect(form.html).toContain('<textarea id="field-0" name="field-0"');
		// an empty answer is refused (the execution keeps waiting)
		const empty = await follow(site.pkg, site.store, node, link, 'POST', {
			data: { 'field-0': '  ' },
			files: {},
		});
		expect([empty.status, empty.result]).toEqual([400, { noWebhookResponse: true }]);
		// n8n parses the multipart form into { data, files }
		const answer = await follow(site.pkg, site.store, node, link, 'POST', {
			data: { 'field-0': 'Room <B12>' },
			files: {},
		});
		expect(outputOf(answer)).toEqual([
			{ data: { text: 'Room <B12>', respondedAt: expect.any(String) } },
		]);
	});

	it('bad input fails before anything is sent, naming the field', async () => {
		const base = { resource: 'message', operation: 'sendAndWait', message: 'Hi', sendTo: 'people' };
		// an expression that gives nothing (n8n itself refuses an empty field before the run)
		const missing = await run({
			...base,
			toPersonIds: { values: [{ id: { __rl: true, mode: 'id', value: '={{ $json.nobody }}' } }] },
		});
		expect(missing.result.error?.message).toMatch(/"People" \(toPersonIds\)/);
		// a node saved at 1.1 with a plain value in People (before the list of pickers)
		const badLimit = await run(
			{
				...base,
				toPersonIds: '2',
				options: {
					limitWaitTime: { values: { limitType: 'atSpecifiedTime', maxDateAndTime: 'not a date' } },
				},
			},
			1.1,
		);
		expect(badLimit.result.error?.message).toMatch(/Limit Wait Time/);
		expect([missing.sent, badLimit.sent]).toEqual([[], []]);
	});

	// n8n-core's inline tool call (makeHandleToolInvocation, e.g. an AI Agent before version 3): a
	// SupplyDataContext on the ai_tool connection, the tool's arguments as its input, and the
	// node's execute, whose return value the caller takes as the tool's answer. An AI Agent 3+ has
	// n8n run the tool as a step of the execution instead (test/e2e/send-and-wait.ts: the answer
	// reaches the agent).
	it('called inline as an AI tool: refuses before anything is sent, nothing waits', async () => {
		site.clearLogs();
		const pkg = site.pkg;
		const type = pkg.nodeTypeName('itslearningInstantMessage');
		const node: INode = {
			id: randomUUID(),
			name: 'Ask the teacher',
			type,
			typeVersion: 1.2,
			position: [0, 0],
			parameters: {
				resource: 'message',
				operation: 'sendAndWait',
				sendTo: 'people',
				toPersonIds: { values: [{ id: { __rl: true, mode: 'id', value: '3' } }] },
				message: 'Which room do you want?',
				responseType: 'freeText',
			},
			credentials: { itslearningOAuth2Api: site.me.ref },
		};
		const workflow = new Workflow({
			id: 'wf-tool',
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: pkg.nodeTypes,
			settings: { executionOrder: 'v1' },
		});
		const runExecutionData = createRunExecutionData();
		const context = new SupplyDataContext(
			workflow,
			workflow.getNode(node.name)!,
			createAdditionalData(site.store),
			'trigger',
			runExecutionData,
			0,
			[],
			{},
			NodeConnectionTypes.AiTool,
			{ node: workflow.getNode(node.name)!, data: {}, source: null },
			[],
		);
		context.addInputData(NodeConnectionTypes.AiTool, [[{ json: {} }]]);
		const nodeType = pkg.nodeTypes.getByNameAndVersion(type, 1.2);
		expect(context.isToolExecution()).toBe(true);
		await expect(
			nodeType.execute!.call(context as unknown as IExecuteFunctions),
		).rejects.toMatchObject({
			message: expect.stringContaining('Send and Wait for Response cannot run in this tool call'),
			description: expect.stringContaining('AI Agent of version 3 or later'),
		});
		expect(site.apiRequests()).toEqual([]);
		expect(runExecutionData.waitTill).toBeUndefined();
	});
});

describe('Genesys: Send and Wait for Response', () => {
	let emu: GenesysEmulator;
	let pkg: LoadedPackage;
	let store: CredentialStore;
	let credential: ReturnType<CredentialStore['add']>;
	beforeAll(async () => {
		emu = await startGenesysEmulator();
		pkg = await loadPackage();
		store = new CredentialStore(pkg);
		const token = emu.issueUserToken(emu.users[0].id);
		credential = store.add('genesysCloudOAuth2Api', {
			serverUrl: 'https://custom.invalid',
			customBaseUrl: emu.url,
			grantType: 'authorizationCode',
			clientId: emu.clientId,
			clientSecret: emu.clientSecret,
			scopes: ['chat'],
			oauthTokenData: { ...token },
		});
	});
	afterAll(async () => {
		await emu.close();
	});

	const run = async (parameters: INodeParameters) => {
		emu.clearRequests();
		const result = await runNode({
			store,
			nodeType: 'genesysChat',
			parameters,
			credentials: { genesysCloudOAuth2Api: credential },
			mode: 'trigger',
		});
		return { result, sent: emu.apiRequests().filter((r) => r.method === 'POST') };
	};

	it('approval in a room: markdown links in the room; approve resumes with approved: true', async () => {
		const jid = emu.createRoom(emu.users[0].id, 'Announcements', [emu.users[1].id]);
		const parameters: INodeParameters = {
			resource: 'message',
			operation: 'sendAndWait',
			sendTo: 'room',
			roomJid: { __rl: true, mode: 'id', value: jid },
			message: 'Post the announcement?',
			approvalOptions: { values: { approvalType: 'double' } },
		};
		const { result, sent } = await run(parameters);
		expect(result.status).toBe('waiting');
		expect(sent.map((r) => r.rawPath)).toEqual([
			`/api/v2/chats/rooms/${encodeURIComponent(jid)}/messages`,
		]);
		const stored = emu.getRoom(jid)!.messages.at(-1)!;
		const links = stored.body.match(URL_PATTERN)!;
		expect(stored.body).toBe(
			`Post the announcement?\n\n[Approve](${links[0]})   [Decline](${links[1]})`,
		);
		for (const link of links) expectSigned(link);
		const node = nodeOf(
			result,
			'n8n-nodes-itslearning-genesys.genesysChat',
			parameters,
			{ genesysCloudOAuth2Api: credential },
			links[0],
		);
		expect(outputOf(await follow(pkg, store, node, links[0], 'POST'))).toEqual([
			{ data: { approved: true, respondedAt: expect.any(String) } },
		]);
	});

	it('custom form to a user (1:1): the form page lists the fields; the POST gives one key per label', async () => {
		const parameters: INodeParameters = {
			resource: 'message',
			operation: 'sendAndWait',
			sendTo: 'user',
			userId: { __rl: true, mode: 'id', value: emu.users[1].id },
			message: 'Your shift preferences, please',
			responseType: 'customForm',
			formFields: {
				values: [
					{
						fieldLabel: 'Shift',
						fieldType: 'dropdown',
						fieldOptions: { values: [{ option: 'Early' }, { option: 'Late' }] },
						requiredField: true,
					},
					{
						fieldLabel: 'Days',
						fieldType: 'checkbox',
						fieldOptions: { values: [{ option: 'Mon' }, { option: 'Tue' }, { option: 'Wed' }] },
					},
					{ fieldLabel: 'Hours', fieldType: 'number' },
					{ fieldLabel: 'Note', fieldType: 'text' },
				],
			},
		};
		const { result } = await run(parameters);
		expect(result.status).toBe('waiting');
		const chat = emu.getOneOnOne(emu.users[0].id, emu.users[1].id)!;
		const [link] = chat.messages.at(-1)!.body.match(URL_PATTERN)!;
		expect(chat.messages.at(-1)!.body).toBe(`Your shift preferences, please\n\n[Respond](${link})`);
		const node = nodeOf(
			result,
			'n8n-nodes-itslearning-genesys.genesysChat',
			parameters,
			{ genesysCloudOAuth2Api: credential },
			link,
		);
		const form = await follow(pkg, store, node, link, 'GET');
		expect(form.html).toContain('<option>Early</option>');
		expect(form.html).toContain('name="field-1" value="Tue"');
		const missing = await follow(pkg, store, node, link, 'POST', {
			data: { 'field-3': 'x' },
			files: {},
		});
		expect([missing.status, missing.html]).toEqual([
			400,
			expect.stringContaining('Please fill in &quot;Shift&quot;'),
		]);
		const answer = await follow(pkg, store, node, link, 'POST', {
			data: {
				'field-0': 'Late',
				'field-1': ['Mon', 'Wed', 'Sun'],
				'field-2': '6',
				'field-3': 'thanks',
			},
			files: {},
		});
		expect(outputOf(answer)).toEqual([
			{
				data: {
					Shift: 'Late',
					Days: ['Mon', 'Wed'],
					Hours: 6,
					Note: 'thanks',
					respondedAt: expect.any(String),
				},
			},
		]);
	});

	it('the node description offers the operation and the webhooks n8n 2.x needs for a Human Review tool', () => {
		for (const name of ['genesysChat', 'itslearningInstantMessage']) {
			const { description } = pkg.nodeTypes.getByNameAndVersion(pkg.nodeTypeName(name));
			expect(
				description.webhooks?.map((w) => [w.httpMethod, w.path, w.restartWebhook, w.isFullPath]),
			).toEqual([
				['GET', '={{ $nodeId }}', true, true],
				['POST', '={{ $nodeId }}', true, true],
			]);
			const operations = description.properties.filter(
				(p) =>
					p.name === 'operation' &&
					(p.options as unknown as IDataObject[]).some((o) => o.value === 'sendAndWait'),
			);
			expect(operations.map((p) => (p.displayOptions!.show!.resource as string[])[0])).toEqual([
				'message',
			]);
			// every field of the operation is shown for it (the Human Review tool keeps them)
			const fields = description.properties
				.filter((p) =>
					(p.displayOptions?.show?.operation as string[] | undefined)?.includes('sendAndWait'),
				)
				.map((p) => p.name);
			expect(fields).toEqual(
				expect.arrayContaining(['sendTo', 'message', 'responseType', 'approvalOptions', 'options']),
			);
		}
	});
});
