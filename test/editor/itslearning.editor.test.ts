/**
 * Editor experience of the itslearning node, checked with n8n's own functions on the BUILT node:
 * every operation shows its required fields and has no parameter issues once they are filled;
 * Message → Send asks where the message goes; threads, people, courses and projects are picked from
 * lists (listSearch in n8n-core's LoadOptionsContext against the emulator, with paging and search
 * text); saved workflows from before these changes still send the same requests.
 */
import type {
	IDataObject,
	INodeParameters,
	INodeProperties,
	INodeTypeDescription,
} from 'n8n-workflow';

import type { EndpointRow, ParamDef } from '../../nodes/shared/table/types';
import { runNode } from '../harness/n8n';
import { CREDENTIAL_TYPE, NODE_TYPE, jsonOf, startSite, type Site } from '../itslearning/setup';
import {
	builtTable,
	displayedProperties,
	listSearch,
	makeNode,
	nodeTypeOf,
	parameterIssues,
	resolveParameters,
	rl,
	toolDescription,
} from './helpers';

const table = builtTable(
	'ItslearningInstantMessage/ItslearningInstantMessage.table.js',
	'itslearningInstantMessageTable',
);
const GUID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

let site: Site;
let description: INodeTypeDescription;
beforeAll(async () => {
	site = await startSite();
	description = nodeTypeOf(site.pkg, NODE_TYPE).description;
});
afterAll(async () => await site.close());
afterEach(() => site.clearLogs());

/** A value a user would enter for a field of this parameter. */
function sample(param: ParamDef | undefined, property: INodeProperties): unknown {
	if (property.type === 'resourceLocator') return rl(param?.type === 'guid' ? GUID : '12');
	if (property.type === 'boolean') return true;
	if (property.type === 'options') return (property.options as Array<{ value: string }>)[0].value;
	if (param?.type === 'guid' || param?.type === 'guidList') return GUID;
	if (param?.type === 'string' || param?.type === 'stringList') return 'text';
	return property.type === 'number' ? 12 : '12';
}

/** Fills every displayed required top-level field, as a user would before running. */
function fill(row: EndpointRow, parameters: INodeParameters): INodeParameters {
	const out: INodeParameters = { ...parameters };
	for (const property of displayedProperties(description, out)) {
		if (property.required && property.type !== 'collection' && !(property.name in parameters)) {
			out[property.name] = sample(
				row.params.find((p) => p.name === property.name),
				property,
			) as INodeParameters[string];
		}
	}
	return out;
}

const rowParams = (row: EndpointRow): INodeParameters => ({
	resource: row.resource,
	operation: row.operation,
});

describe("the trigger's thread pickers", () => {
	const TRIGGER = 'itslearningInstantMessageTrigger';
	it('version 2 picks threads from a list or by ID (several); version 1 keeps its comma-separated Thread IDs', () => {
		const type = nodeTypeOf(site.pkg, TRIGGER);
		const trigger = type.description;
		expect(site.pkg.defaultVersion(TRIGGER)).toBe(2);
		const shown = (event: string, version: number) =>
			displayedProperties(
				trigger,
				{ event },
				makeNode(site.pkg, TRIGGER, { event }, undefined, version),
			).filter((p) => p.name !== 'pollTimes'); // n8n adds Poll Times to every polling node
		const threadLocator = description.properties.find((p) => p.name === 'threadId')!;
		for (const event of ['newMessage', 'threadUnreadCountChanged']) {
			expect(
				shown(event, 1)
					.map((p) => p.name)
					.slice(0, 2),
			).toEqual(['event', 'threadIds']);
			const v2 = shown(event, 2);
			expect(v2.map((p) => p.name).slice(0, 2)).toEqual(['event', 'threads']);
			expect(v2.map((p) => p.name)).not.toContain('threadIds');
			expect(v2[1]).toMatchObject({
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
			});
			const entry = (v2[1].options as Array<{ name: string; values: INodeProperties[] }>)[0];
			// The action node's thread locator, from the same table parameter; By ID takes one or more
			// IDs separated by commas (as the entry's description says), the action node's one.
			const byIdCheck = (modes: INodeProperties['modes']) =>
				modes!.map((m) => (m.name === 'id' ? { ...m, validation: undefined } : m));
			expect(entry.values).toEqual([
				expect.objectContaining({
					name: 'id',
					type: 'resourceLocator',
					displayName: 'Thread',
					modes: expect.any(Array),
				}),
			]);
			expect(byIdCheck(entry.values[0].modes)).toEqual(byIdCheck(threadLocator.modes));
		}
		for (const search of ['searchThreads', 'searchPeople', 'searchCourses', 'searchProjects'])
			expect(type.methods?.listSearch?.[search]).toBeInstanceOf(Function);
		const filled = {
			event: 'newMessage',
			threads: { values: [{ id: rl('12', 'list', 'Thread') }, { id: rl('9223372036854775807') }] },
		};
		const node = makeNode(site.pkg, TRIGGER, filled, undefined, 2);
		expect(parameterIssues(trigger, node)).toBeNull();
		expect(resolveParameters(trigger, filled, node).threads).toEqual(filled.threads);
		// By ID may name several threads, separated by commas; anything else is marked
		const byId = (value: string) =>
			parameterIssues(
				trigger,
				makeNode(
					site.pkg,
					TRIGGER,
					{ event: 'newMessage', threads: { values: [{ id: rl(value) }] } },
					undefined,
					2,
				),
			);
		expect(byId('12, 34')).toBeNull();
		expect(byId(' 12 ,34 ,56 ')).toBeNull();
		for (const bad of ['12, x', '12,', 'twelve'])
			expect([bad, JSON.stringify(byId(bad)?.parameters)]).toEqual([
				bad,
				expect.stringContaining('Not a valid Thread ID, or list of them separated by commas'),
			]);
		const saved = { event: 'threadUnreadCountChanged', threadIds: '12, 34' };
		const old = makeNode(site.pkg, TRIGGER, saved, undefined, 1);
		expect(resolveParameters(trigger, saved, old)).toMatchObject(saved);
		expect(parameterIssues(trigger, old)).toBeNull();
	});

	it('the thread list answers on the trigger node (methods.listSearch against the emulator)', async () => {
		const thread = site.emu.createThread(1, [2], 'Trigger list thread');
		const page = await listSearch({
			pkg: site.pkg,
			store: site.store,
			nodeType: TRIGGER,
			method: 'searchThreads',
			credentials: { [CREDENTIAL_TYPE]: site.me.ref },
			filter: 'Trigger list thread',
			path: 'parameters.threads.values[0].id',
		});
		expect(page.results).toEqual([
			{ name: 'Trigger list thread', value: String(thread.InstantMessageThreadId) },
		]);
	});
});

describe('properties through n8n-workflow (getNodeParameters, displayParameter, getNodeParametersIssues)', () => {
	it.each(table.map((row) => [`${row.resource} → ${row.operation}`, row] as const))(
		'%s: required fields shown at the top, no issues once filled',
		(_, row) => {
			const shown = displayedProperties(description, rowParams(row)).map((p) => p.name);
			for (const param of row.params.filter((p) => p.required)) expect(shown).toContain(param.name);
			const variants: INodeParameters[] = row.choice
				? row.choice.options.map((o) => ({
						[row.choice!.name]: row.choice!.multiple ? [o.value] : o.value,
					}))
				: [{}];
			for (const variant of variants) {
				const parameters = fill(row, { ...rowParams(row), ...variant });
				expect(parameterIssues(description, makeNode(site.pkg, NODE_TYPE, parameters))).toBeNull();
			}
		},
	);

	it('Message → Send asks where the message goes and shows that field right below, required', () => {
		const base = { resource: 'message', operation: 'send' };
		const fresh = displayedProperties(description, base);
		const sendTo = fresh.find((p) => p.name === 'sendTo')!;
		expect(sendTo.displayName).toBe('Send To');
		expect((sendTo.options as Array<{ name: string }>).map((o) => o.name)).toEqual([
			'Existing Thread',
			'People',
			'Course',
			'Project',
		]);
		// A new node says what to do; no recipient field yet, and Additional Fields still offers them for old workflows only.
		expect(fresh.map((p) => p.name)).toContain('sendToNotice');
		const cases: Array<[string, string, string]> = [
			['thread', 'instantMessageThreadId', 'searchThreads'],
			['people', 'toPersonIds', 'searchPeople'],
			['course', 'courseIds', 'searchCourses'],
			['project', 'projectIds', 'searchProjects'],
		];
		for (const [choice, field, search] of cases) {
			const names = displayedProperties(description, { ...base, sendTo: choice }).map(
				(p) => p.name,
			);
			expect(names.slice(0, 5)).toEqual(['resource', 'operation', 'sendTo', field, 'text']);
			const property = displayedProperties(description, { ...base, sendTo: choice }).find(
				(p) => p.name === field,
			)!;
			expect(property).toMatchObject({ type: 'resourceLocator', required: true });
			expect(property.modes?.find((m) => m.name === 'list')?.typeOptions?.searchListMethod).toBe(
				search,
			);
			expect(nodeTypeOf(site.pkg, NODE_TYPE).methods?.listSearch?.[search]).toBeInstanceOf(
				Function,
			);
			// Empty → n8n flags it; filled → no issues.
			const issues = parameterIssues(
				description,
				makeNode(site.pkg, NODE_TYPE, { ...base, sendTo: choice, text: 'Hi' }),
			);
			expect(Object.keys(issues?.parameters ?? {})).toEqual([field]);
			expect(
				parameterIssues(
					description,
					makeNode(site.pkg, NODE_TYPE, {
						...base,
						sendTo: choice,
						text: 'Hi',
						[field]: rl('12', 'list', 'Alan Turing'),
					}),
				),
			).toBeNull();
			// Once chosen, Additional Fields no longer offers any recipient field.
			const collection = displayedProperties(description, { ...base, sendTo: choice }).find(
				(p) => p.name === 'additionalFields',
			)!;
			const resolved = resolveParameters(description, {
				...base,
				sendTo: choice,
				additionalFields: { toPersonIds: '2', instantMessageThreadId: '3', fileIds: GUID },
			});
			expect(Object.keys(resolved.additionalFields as IDataObject)).toEqual(['fileIds']);
			expect((collection.options as INodeProperties[]).map((o) => o.name)).toContain('fileIds');
		}
	});

	it('a workflow saved before Send To existed loads without issues and keeps its recipients', () => {
		const old = {
			resource: 'message',
			operation: 'send',
			text: 'Hi',
			additionalFields: { instantMessageThreadId: '7', toPersonIds: '2, 3' },
		};
		expect(parameterIssues(description, makeNode(site.pkg, NODE_TYPE, old))).toBeNull();
		expect(resolveParameters(description, old).additionalFields).toEqual({
			instantMessageThreadId: '7',
			toPersonIds: '2, 3',
		});
		// A plain ID saved in a field that is now a resource locator is kept as it was.
		const plain = { resource: 'message', operation: 'getMany', threadId: '7' };
		expect(resolveParameters(description, plain).threadId).toBe('7');
		expect(parameterIssues(description, makeNode(site.pkg, NODE_TYPE, plain))).toBeNull();
	});

	it('Thread → Update asks what to change; each change shows its field', () => {
		const base = { resource: 'thread', operation: 'update', threadId: rl('12') };
		const names = (extra: INodeParameters) =>
			displayedProperties(description, { ...base, ...extra }).map((p) => p.name);
		expect(names({})).toContain('updateFieldsNotice');
		expect(names({ updateFields: ['name'] })).toEqual(
			expect.arrayContaining(['updateFields', 'name']),
		);
		expect(names({ updateFields: ['name', 'participants'] })).toEqual(
			expect.arrayContaining(['name', 'personIds']),
		);
		expect(names({ updateFields: ['name'] })).not.toContain('updateFieldsNotice');
		// Once chosen, the API's Update flags are set by the node and leave Additional Fields; saved workflows keep theirs.
		const additional = { updateName: true, name: 'Old', instantMessageThreadId: '12' };
		expect(
			resolveParameters(description, {
				...base,
				updateFields: ['name'],
				name: 'New',
				additionalFields: additional,
			}).additionalFields,
		).toEqual({ instantMessageThreadId: '12' });
		expect(
			resolveParameters(description, { ...base, additionalFields: additional }).additionalFields,
		).toEqual(additional);
	});

	it('Simplify: on by default for new nodes (1.1 and later) and AI agents, off for nodes saved as version 1 (their output stays)', () => {
		const params: INodeParameters = {
			resource: 'message',
			operation: 'getMany',
			threadId: rl('12'),
		};
		expect(site.pkg.defaultVersion(NODE_TYPE)).toBe(1.2); // a new node gets the highest version
		expect(
			resolveParameters(description, params, makeNode(site.pkg, NODE_TYPE, params, undefined, 1))
				.simplify,
		).toBe(false);
		expect(
			resolveParameters(description, params, makeNode(site.pkg, NODE_TYPE, params, undefined, 1.1))
				.simplify,
		).toBe(true);
		expect(
			resolveParameters(description, params, makeNode(site.pkg, NODE_TYPE, params, undefined, 1.2))
				.simplify,
		).toBe(true);
		const tool = toolDescription(description);
		expect(resolveParameters(tool, params, makeNode(site.pkg, NODE_TYPE, params)).simplify).toBe(
			true,
		);
		for (const row of table) {
			const shown = displayedProperties(
				description,
				rowParams(row),
				makeNode(site.pkg, NODE_TYPE, rowParams(row), undefined, 1.1),
			).some((p) => p.name === 'simplify');
			expect([row.sdkMethod, shown]).toEqual([row.sdkMethod, Boolean(row.simplify)]);
		}
	});

	it("actions inside a resource are sorted by the text n8n's node panel shows; deprecated ones last, all marked the same way", () => {
		for (const property of description.properties.filter((p) => p.name === 'operation')) {
			const options = (
				property.options as Array<{ name: string; value: string; action: string }>
			).filter((o) => o.value !== '__CUSTOM_API_CALL__');
			for (const group of [
				options.filter((o) => !o.action.endsWith('(deprecated)')),
				options.filter((o) => o.action.endsWith('(deprecated)')),
			]) {
				const actions = group.map((o) => o.action);
				expect(actions).toEqual(
					[...actions].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })),
				);
			}
			for (const option of options) {
				// One way: name "… (Deprecated)" and action "… (deprecated)" together; "old version" is not a marking.
				expect([option.value, option.name.endsWith('(Deprecated)')]).toEqual([
					option.value,
					option.action.endsWith('(deprecated)'),
				]);
				expect(option.action).not.toMatch(/old(est)? version/);
			}
		}
	});

	it('From List placeholders name one entry with the right article; running text says "itslearning"', () => {
		const placeholders = new Set<string>();
		for (const property of description.properties.filter((p) => p.type === 'resourceLocator'))
			placeholders.add(String(property.modes![0].placeholder));
		expect([...placeholders].sort()).toEqual([
			'Select a course...',
			'Select a person...',
			'Select a project...',
			'Select a thread...',
		]);
		expect(description.displayName).toBe('itslearning Instant Message');
		expect(JSON.stringify(description.properties)).not.toMatch(/Itslearning/);
	});

	it('deprecated operations come last and say so in the action list', () => {
		for (const property of description.properties.filter((p) => p.name === 'operation')) {
			// n8n adds "Custom API Call" to nodes with an OAuth2 credential (last); the table's own options come first.
			const options = (
				property.options as Array<{ name: string; value: string; action: string }>
			).filter((o) => o.value !== '__CUSTOM_API_CALL__');
			const deprecated = options.map((o) => o.name.endsWith('(Deprecated)'));
			expect(deprecated).toEqual([...deprecated].sort((a, b) => Number(a) - Number(b)));
			for (const option of options) {
				// Send and Wait for Response is the engine's own operation (nodes/shared/run/sendAndWait.ts), not a table row.
				if (option.value === 'sendAndWait') continue;
				const row = table.find(
					(r) =>
						r.resource === (property.displayOptions!.show!.resource as string[])[0] &&
						r.operation === option.value,
				)!;
				expect(option.action.endsWith('(deprecated)')).toBe(Boolean(row.deprecated));
				expect(option.action).not.toMatch(/\(V\d\)/);
			}
		}
		const messageOps = description.properties.find(
			(p) =>
				p.name === 'operation' && (p.displayOptions?.show?.resource as string[])[0] === 'message',
		)!;
		expect(
			(messageOps.options as Array<{ action: string; value: string }>)
				.filter((o) => o.value !== '__CUSTOM_API_CALL__')
				.slice(-3)
				.map((o) => o.action),
		).toEqual([
			'Get many messages of a thread by message ID window, API version 2 (deprecated)',
			'Get many messages of a thread, API version 1 (deprecated)',
			'Send a message, API version 1 (deprecated)',
		]);
	});
});

/** Version 1.2's list of pickers as the editor stores it: one resource locator per entry. */
const pickers = (...entries: Array<ReturnType<typeof rl>>): INodeParameters => ({
	values: entries.map((id) => ({ id })),
});

describe('People, Courses and Projects: several picked from the list (version 1.2); one picker in nodes saved at 1 and 1.1', () => {
	/** Every plural field with a list search, where the editor shows it (table rows and Send and Wait). */
	const listFields: Array<[string, INodeParameters, string, string]> = [];
	for (const row of table) {
		for (const param of row.params.filter((p) => p.locator && p.type.endsWith('List'))) {
			const option = row.choice?.options.find((o) => o.params.includes(param.name));
			if (!param.required && !option) continue;
			const choice = option
				? { [row.choice!.name]: row.choice!.multiple ? [option.value] : option.value }
				: {};
			listFields.push([
				`${row.sdkMethod}.${param.name}`,
				{ resource: row.resource, operation: row.operation, ...choice },
				param.name,
				param.label,
			]);
		}
	}
	listFields.push([
		'sendAndWait.toPersonIds',
		{ resource: 'message', operation: 'sendAndWait', sendTo: 'people' },
		'toPersonIds',
		'People',
	]);
	listFields.push([
		'sendAndWait.courseIds',
		{ resource: 'message', operation: 'sendAndWait', sendTo: 'course' },
		'courseIds',
		'Courses',
	]);

	it('the plural fields with a list search: People, Courses and Projects of Send, People of Thread → Update and Recipient lookups, Send and Wait', () => {
		expect(listFields.map(([name]) => name)).toEqual(
			expect.arrayContaining([
				'sendInstantMessageV2.toPersonIds',
				'sendInstantMessageV2.courseIds',
				'sendInstantMessageV2.projectIds',
				'sendInstantMessageV1.toPersonIds',
				'updateThread.personIds',
				'sendAndWait.toPersonIds',
			]),
		);
	});

	it.each(listFields)(
		'%s: a list of pickers ("Add …") at 1.2, one picker at 1 and 1.1',
		(_, params, name, label) => {
			const shownAt = (version: number) =>
				displayedProperties(
					description,
					params,
					makeNode(site.pkg, NODE_TYPE, params, undefined, version),
				).filter((p) => p.name === name);
			for (const version of [1, 1.1]) {
				const [single, ...more] = shownAt(version);
				expect(more).toEqual([]);
				expect(single).toMatchObject({
					type: 'resourceLocator',
					displayName: label,
					required: true,
				});
			}
			const [list, ...more] = shownAt(1.2);
			expect(more).toEqual([]);
			expect(list).toMatchObject({
				type: 'fixedCollection',
				displayName: label,
				typeOptions: { multipleValues: true },
				default: {},
			});
			const entry = (
				list.options as Array<{ name: string; displayName: string; values: INodeProperties[] }>
			)[0];
			expect(entry.name).toBe('values');
			const [picker] = entry.values;
			expect(list.placeholder).toBe(`Add ${entry.displayName}`);
			expect(picker).toMatchObject({
				name: 'id',
				type: 'resourceLocator',
				required: true,
				displayName: entry.displayName,
			});
			expect(picker.modes!.map((m) => m.name)).toEqual(expect.arrayContaining(['list', 'id']));
			expect(picker.modes!.find((m) => m.name === 'list')!.typeOptions?.searchListMethod).toMatch(
				/^search/,
			);
		},
	);

	it('entries names read as one item: Add Person, Add Course, Add Project', () => {
		const placeholders = listFields.map(
			([, params, name]) =>
				displayedProperties(
					description,
					params,
					makeNode(site.pkg, NODE_TYPE, params, undefined, 1.2),
				).find((p) => p.name === name)!.placeholder,
		);
		expect(new Set(placeholders)).toEqual(new Set(['Add Person', 'Add Course', 'Add Project']));
	});

	it('a 1.2 node with two people picked has no issues; an added but empty picker is flagged (n8n would refuse to run)', () => {
		const base: INodeParameters = {
			resource: 'message',
			operation: 'send',
			sendTo: 'people',
			text: 'Hi',
		};
		const two = makeNode(
			site.pkg,
			NODE_TYPE,
			{
				...base,
				toPersonIds: pickers(rl('2', 'list', 'Alan Turing'), rl('3', 'list', 'Grace Hopper')),
			},
			undefined,
			1.2,
		);
		expect(parameterIssues(description, two)).toBeNull();
		const empty = makeNode(
			site.pkg,
			NODE_TYPE,
			{ ...base, toPersonIds: pickers(rl('2', 'list'), rl('', 'list')) },
			undefined,
			1.2,
		);
		expect(parameterIssues(description, empty)).toEqual({
			parameters: { id: ['Parameter "Person" is required.'] },
		});
		// a 1.1 node keeps its single picker and its value
		const saved = makeNode(
			site.pkg,
			NODE_TYPE,
			{ ...base, toPersonIds: rl('2, 3') },
			undefined,
			1.1,
		);
		expect(parameterIssues(description, saved)).toBeNull();
		expect(resolveParameters(description, saved.parameters, saved).toPersonIds).toEqual(rl('2, 3'));
	});
});

describe('runs through n8n-core against the emulator', () => {
	it('version 1.2: two people picked From List get one message, in one new thread with both of them', async () => {
		const search = async (filter: string) =>
			(
				await listSearch({
					pkg: site.pkg,
					store: site.store,
					nodeType: NODE_TYPE,
					method: 'searchPeople',
					credentials: { [CREDENTIAL_TYPE]: site.me.ref },
					filter,
				})
			).results;
		const [alan] = await search('turing');
		const [grace] = await search('hopper');
		expect([alan.value, grace.value]).toEqual(['2', '3']);
		site.clearLogs();
		const toPersonIds = pickers(
			rl(String(alan.value), 'list', alan.name),
			rl(String(grace.value), 'list', grace.name),
		);
		const result = await site.run(
			{ resource: 'message', operation: 'send', sendTo: 'people', toPersonIds, text: 'Hello both' },
			{ typeVersion: 1.2 },
		);
		expect(result.error).toBeUndefined();
		const requests = site.apiRequests();
		expect(requests.map((r) => `${r.method} ${r.rawPath}`)).toEqual([
			'POST /restapi/personal/instantmessages/v2',
		]);
		expect(requests[0].body).toEqual({ Text: 'Hello both', ToPersonIds: [2, 3] });
		// what the emulator made of it: one thread of the sender and both people, holding the message
		const [item] = jsonOf(result);
		const thread = site.emu.getThread(item.chatId as number)!;
		expect([...thread.Participants.keys()].sort()).toEqual([1, 2, 3]);
		expect(thread.MessageIds.map((id) => site.emu.getMessage(id)!.Text)).toEqual(['Hello both']);
	});

	it('version 1.2: By ID and By URL entries (an entry may name several IDs), expressions, duplicates sent once; courses too', async () => {
		const toPersonIds = pickers(
			rl('2', 'id'),
			rl(`${site.emu.url}/Person/show.aspx?PersonId=3`, 'url'),
			rl('3, 2', 'id'),
			rl('={{ $json.more }}', 'id'),
		);
		const a = await site.run(
			{ resource: 'message', operation: 'send', sendTo: 'people', toPersonIds, text: 'A' },
			{ typeVersion: 1.2, input: [{ json: { more: [4] } }] },
		);
		const b = await site.run(
			{
				resource: 'message',
				operation: 'send',
				sendTo: 'course',
				courseIds: pickers(rl('100', 'list', 'Mathematics 101'), rl('100', 'id')),
				text: 'B',
			},
			{ typeVersion: 1.2 },
		);
		const c = await site.run(
			{
				resource: 'message',
				operation: 'send',
				sendTo: 'project',
				projectIds: pickers(rl('200', 'id')),
				text: 'C',
			},
			{ typeVersion: 1.2 },
		);
		expect([a.error, b.error, c.error]).toEqual([undefined, undefined, undefined]);
		expect(site.apiRequests().map((r) => r.body)).toEqual([
			{ Text: 'A', ToPersonIds: [2, 3, 4] },
			{ Text: 'B', CourseIds: [100] },
			{ Text: 'C', ProjectIds: [200] },
		]);
	});

	it('version 1.2: no person picked, or a bad ID in an entry, stops before anything is sent and names the field', async () => {
		const none = await site.run(
			{ resource: 'message', operation: 'send', sendTo: 'people', toPersonIds: {}, text: 'x' },
			{ typeVersion: 1.2 },
		);
		expect(none.error?.message).toBe(
			'Invalid value for "People" (toPersonIds): a value is required',
		);
		const bad = await site.run(
			{
				resource: 'message',
				operation: 'send',
				sendTo: 'people',
				toPersonIds: pickers(rl('2', 'id'), rl('={{ "abc" }}', 'id')),
				text: 'x',
			},
			{ typeVersion: 1.2 },
		);
		expect(bad.error?.message).toMatch(
			/^Invalid value for "People" \(toPersonIds\): expected a whole number/,
		);
		expect(site.apiRequests()).toHaveLength(0);
	});

	it('a workflow saved at 1.1 with the single picker (comma-separated IDs) sends as before', async () => {
		const result = await site.run(
			{
				resource: 'message',
				operation: 'send',
				sendTo: 'people',
				toPersonIds: rl('2, 3', 'id'),
				text: 'Saved',
			},
			{ typeVersion: 1.1 },
		);
		expect(result.error).toBeUndefined();
		expect(site.apiRequests().map((r) => r.body)).toEqual([{ Text: 'Saved', ToPersonIds: [2, 3] }]);
		expect(jsonOf(result)[0]).toMatchObject({ chatType: 'thread' });
	});

	it('"send a message to a person picked from a list": Send To = People with a From List value', async () => {
		const picked = await listSearch({
			pkg: site.pkg,
			store: site.store,
			nodeType: NODE_TYPE,
			method: 'searchPeople',
			credentials: { [CREDENTIAL_TYPE]: site.me.ref },
			filter: 'turing',
		});
		expect(picked.results).toEqual([
			{
				name: 'Alan Turing (Student, Emulator High School)',
				value: '2',
				url: `${site.emu.url}/Person/show.aspx?PersonId=2`,
			},
		]);
		site.clearLogs();
		const result = await site.run({
			resource: 'message',
			operation: 'send',
			sendTo: 'people',
			toPersonIds: rl(String(picked.results[0].value), 'list', picked.results[0].name),
			text: 'Hello Alan',
		});
		expect(result.error).toBeUndefined();
		const [request] = site.apiRequests();
		expect(request.body).toEqual({ Text: 'Hello Alan', ToPersonIds: [2] });
	});

	it('By URL and By ID modes send the same IDs; expressions still work', async () => {
		await site.run({
			resource: 'message',
			operation: 'send',
			sendTo: 'people',
			toPersonIds: rl(`${site.emu.url}/Person/show.aspx?PersonId=3`, 'url'),
			text: 'A',
		});
		await site.run({
			resource: 'message',
			operation: 'send',
			sendTo: 'people',
			toPersonIds: rl('2, 3', 'id'),
			text: 'B',
		});
		await site.run(
			{
				resource: 'message',
				operation: 'send',
				sendTo: 'course',
				courseIds: rl('={{ $json.course }}', 'id'),
				text: 'C',
			},
			{ input: [{ json: { course: 100 } }] },
		);
		expect(site.apiRequests().map((r) => r.body)).toEqual([
			{ Text: 'A', ToPersonIds: [3] },
			{ Text: 'B', ToPersonIds: [2, 3] },
			{ Text: 'C', CourseIds: [100] },
		]);
	});

	it('Send To = Existing Thread posts in the thread; an old workflow with Thread ID in Additional Fields sends the same request', async () => {
		const thread = site.emu.createThread(1, [2, 3], 'Editor thread');
		const id = thread.InstantMessageThreadId;
		await site.run({
			resource: 'message',
			operation: 'send',
			sendTo: 'thread',
			instantMessageThreadId: rl(String(id), 'list', 'Editor thread'),
			text: 'New style',
		});
		await site.run({
			resource: 'message',
			operation: 'send',
			text: 'New style',
			additionalFields: { instantMessageThreadId: String(id) },
		});
		const [a, b] = site.apiRequests();
		expect(a.body).toEqual({ Text: 'New style', InstantMessageThreadId: id });
		expect(b.body).toEqual(a.body);
		expect(b.rawPath).toBe(a.rawPath);
	});

	it('Send without a recipient stops before anything is sent and names the Send To field', async () => {
		const result = await site.run({ resource: 'message', operation: 'send', text: 'to nobody' });
		expect(result.error?.message).toBe(
			'Choose "Send To" (sendTo) and fill in the field it asks for',
		);
		expect(site.apiRequests()).toHaveLength(0);
	});

	it('Thread → Update with Update: Name sends UpdateName and Name', async () => {
		const thread = site.emu.createThread(1, [2, 3], 'Before');
		const result = await site.run({
			resource: 'thread',
			operation: 'update',
			threadId: rl(String(thread.InstantMessageThreadId), 'list'),
			updateFields: ['name'],
			name: 'After',
		});
		expect(result.error).toBeUndefined();
		expect(site.apiRequests()[0].body).toEqual({ Name: 'After', UpdateName: true });
		expect(jsonOf(result)[0].Name).toBe('After');
	});

	it('"read a thread picked from a list": Message → Get Many with Simplify returns the fields a workflow needs', async () => {
		const thread = site.emu.createThread(1, [2], 'Readable');
		site.emu.addMessages(thread.InstantMessageThreadId, 2, 2, 'Hi');
		const page = await listSearch({
			pkg: site.pkg,
			store: site.store,
			nodeType: NODE_TYPE,
			method: 'searchThreads',
			credentials: { [CREDENTIAL_TYPE]: site.me.ref },
			filter: 'Readable',
		});
		expect(page.results).toEqual([
			{ name: 'Readable', value: String(thread.InstantMessageThreadId) },
		]);
		const result = await site.run({
			resource: 'message',
			operation: 'getMany',
			threadId: rl(String(page.results[0].value), 'list', 'Readable'),
			returnAll: true,
			simplify: true,
		});
		expect(result.error).toBeUndefined();
		const items = jsonOf(result);
		expect(items).toHaveLength(2);
		for (const item of items) {
			// The one message shape (shared/table/message.ts); null fields (no attachment, never edited) are left out.
			expect(Object.keys(item).sort()).toEqual(
				[
					'chatId',
					'chatType',
					'createdAt',
					'isDeleted',
					'isEdited',
					'isStarred',
					'messageId',
					'senderId',
					'senderName',
					'text',
				].sort(),
			);
			expect(item).toMatchObject({
				chatId: thread.InstantMessageThreadId,
				chatType: 'thread',
				senderId: 2,
				senderName: 'Alan Turing',
			});
		}
		// Simplify off: the raw answer, as before.
		const raw = jsonOf(
			await site.run({
				resource: 'message',
				operation: 'getMany',
				threadId: String(thread.InstantMessageThreadId),
				returnAll: true,
			}),
		);
		expect(raw[0]).toHaveProperty('MessageId');
		expect(raw[0]).toHaveProperty('CreatedByName', 'Alan Turing');
	});

	it('a node added now (version 1.1) returns the simplified shape without touching Simplify; version 1 the raw answer', async () => {
		const thread = site.emu.createThread(1, [2, 3], 'Versions');
		site.emu.addMessages(thread.InstantMessageThreadId, 2, 1, 'Hi');
		const parameters: INodeParameters = {
			resource: 'thread',
			operation: 'get',
			threadId: rl(String(thread.InstantMessageThreadId)),
		};
		const credentials = { [CREDENTIAL_TYPE]: site.me.ref };
		const [fresh] = jsonOf(
			await runNode({
				store: site.store,
				nodeType: NODE_TYPE,
				typeVersion: 1.1,
				parameters,
				credentials,
			}),
		);
		expect(fresh).toMatchObject({
			chatId: thread.InstantMessageThreadId,
			name: 'Versions',
			lastMessageText: 'Hi 1',
		});
		const [saved] = jsonOf(
			await runNode({
				store: site.store,
				nodeType: NODE_TYPE,
				typeVersion: 1,
				parameters,
				credentials,
			}),
		);
		expect(saved).toHaveProperty('InstantMessageThreadId', thread.InstantMessageThreadId);
		expect(saved).not.toHaveProperty('lastMessageText');
	});

	it('Simplify on a thread read gives the thread and its messages in camelCase', async () => {
		const thread = site.emu.createThread(1, [2, 3], 'Team');
		site.emu.addMessages(thread.InstantMessageThreadId, 3, 1, 'Yo');
		const [item] = jsonOf(
			await site.run({
				resource: 'thread',
				operation: 'get',
				threadId: rl(String(thread.InstantMessageThreadId)),
				simplify: true,
			}),
		);
		expect(item).toMatchObject({
			chatId: thread.InstantMessageThreadId,
			chatType: 'thread',
			name: 'Team',
			participantCount: 3,
			lastMessageText: 'Yo 1',
			lastMessageSenderName: 'Grace Hopper',
		});
		expect(item.participants).toEqual(
			expect.arrayContaining(['Ada Lovelace', 'Alan Turing', 'Grace Hopper']),
		);
		expect((item.messages as IDataObject[]).map((m) => m.text)).toEqual(['Yo 1']);
	});
});

describe('list searches (methods.listSearch in n8n-core LoadOptionsContext, against the emulator)', () => {
	const search = async (method: string, filter?: string, paginationToken?: string) =>
		await listSearch({
			pkg: site.pkg,
			store: site.store,
			nodeType: NODE_TYPE,
			method,
			credentials: { [CREDENTIAL_TYPE]: site.me.ref },
			filter,
			paginationToken,
		});

	it('threads page with the API cursor (SortIndex) until HasMore is false, newest first, no duplicates', async () => {
		const fresh = await startSite();
		try {
			const created = Array.from({ length: 120 }, (_, i) =>
				fresh.emu.createThread(1, [2, 3], `Paged ${i}`),
			);
			const seen: string[] = [];
			let token: string | undefined;
			let pages = 0;
			do {
				const page = await listSearch({
					pkg: fresh.pkg,
					store: fresh.store,
					nodeType: NODE_TYPE,
					method: 'searchThreads',
					credentials: { [CREDENTIAL_TYPE]: fresh.me.ref },
					paginationToken: token,
				});
				seen.push(...page.results.map((r) => String(r.value)));
				token = page.paginationToken as string | undefined;
				pages++;
			} while (token && pages < 10);
			expect(pages).toBe(3);
			expect(seen).toEqual(created.map((t) => String(t.InstantMessageThreadId)).reverse());
			// Each page is one request with the API's own cursor.
			const queries = fresh.apiRequests().map((r) => r.rawQuery);
			expect(queries[0]).toBe('pageSize=50');
			expect(queries[1]).toMatch(/^fromSortIndex=\d+&pageSize=50$/);
		} finally {
			await fresh.close();
		}
	});

	it('search text finds threads by name or participant (server-side)', async () => {
		site.emu.createThread(1, [6], 'Guest talk');
		const byName = await search('searchThreads', 'guest talk');
		expect(byName.results.map((r) => r.name)).toContain('Guest talk');
		expect(byName.paginationToken).toBeUndefined();
		expect(site.apiRequests().at(-1)!.rawPath).toMatch(/\/messagethreads\/suggestions\/v1$/);
	});

	it('people, courses and projects by search text; nothing is requested before text is typed', async () => {
		expect((await search('searchPeople')).results).toEqual([]);
		expect(site.apiRequests()).toHaveLength(0);
		expect((await search('searchPeople', 'a')).results.map((r) => r.value)).toEqual([
			'2',
			'3',
			'4',
			'5',
			'6',
		]);
		expect(site.apiRequests()[0].rawQuery).toBe(
			'searchText=a&recipientRoles%5B0%5D=Guest&recipientRoles%5B1%5D=Student&recipientRoles%5B2%5D=Teacher&recipientRoles%5B3%5D=Administrator&recipientRoles%5B4%5D=Parent',
		);
		expect((await search('searchCourses', 'math')).results).toEqual([
			{
				name: 'Mathematics 101 (MATH101)',
				value: '100',
				url: `${site.emu.url}/main.aspx?CourseID=100`,
			},
		]);
		expect((await search('searchProjects', 'fair')).results).toEqual([
			{ name: 'Science Fair', value: '200' },
		]);
	});

	it('an API error reaches the editor as the service message (no token in it)', async () => {
		const noScope = site.signIn({ scopes: ['Courses'] });
		const error = await listSearch({
			pkg: site.pkg,
			store: site.store,
			nodeType: NODE_TYPE,
			method: 'searchThreads',
			credentials: { [CREDENTIAL_TYPE]: noScope.ref },
		}).catch((e: Error) => e);
		expect(error).toBeInstanceOf(Error);
		expect(
			JSON.stringify({
				message: (error as Error).message,
				description: (error as { description?: string }).description,
			}),
		).toMatch(/InstantMessage/);
		expect(JSON.stringify(error)).not.toContain(noScope.token.access_token);
	});
});
