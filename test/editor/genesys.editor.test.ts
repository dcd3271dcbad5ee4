/**
 * Editor experience of the Genesys Chat node on the BUILT node, with n8n's own functions: every
 * operation shows its required fields and has no issues once filled; rooms and 1:1 partners are
 * picked from the user's chats (GET /api/v2/users/chats/me, paged with its `after` cursor) through
 * methods.listSearch in n8n-core's LoadOptionsContext; Simplify gives camelCase messages.
 */
import type { INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import type { EndpointRow, ParamDef } from '../../nodes/shared/table/types';
import { CREDENTIAL_TYPE, NODE_TYPE, capture, jsonOf, run, useGenesys } from '../genesys/setup';
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

const table = builtTable('GenesysChat/GenesysChat.table.js', 'genesysChatTable');
const GUID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const env = useGenesys();
let description: INodeTypeDescription;
beforeAll(() => {
	description = nodeTypeOf(env.pkg, NODE_TYPE).description;
});

function sample(param: ParamDef | undefined, property: INodeProperties): unknown {
	if (property.type === 'resourceLocator')
		return rl(param?.name === 'roomJid' ? 'adhoc-1@conference.example.orgspan.com' : GUID);
	if (property.type === 'boolean') return true;
	if (property.type === 'options') return (property.options as Array<{ value: string }>)[0].value;
	return 'text';
}

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

const search = async (method: string, filter?: string, paginationToken?: string) =>
	await listSearch({
		pkg: env.pkg,
		store: env.store,
		nodeType: NODE_TYPE,
		method,
		credentials: { [CREDENTIAL_TYPE]: env.userCred },
		filter,
		paginationToken,
	});

describe('properties through n8n-workflow', () => {
	it.each(table.map((row) => [`${row.resource} → ${row.operation}`, row] as const))(
		'%s: required fields shown, no issues once filled',
		(_, row) => {
			const base = { resource: row.resource, operation: row.operation };
			const shown = displayedProperties(description, base).map((p) => p.name);
			for (const param of row.params.filter((p) => p.required)) expect(shown).toContain(param.name);
			expect(
				parameterIssues(description, makeNode(env.pkg, NODE_TYPE, fill(row, base))),
			).toBeNull();
		},
	);

	it("rooms and users are resource locators: From List (the user's chats), By ID; users also By URL", () => {
		const props = (resource: string, operation: string) =>
			displayedProperties(description, { resource, operation });
		const room = props('roomMessage', 'getHistory').find((p) => p.name === 'roomJid')!;
		expect(room.type).toBe('resourceLocator');
		expect(room.modes!.map((m) => m.name)).toEqual(['list', 'id']);
		expect(room.modes![0].typeOptions?.searchListMethod).toBe('searchRooms');
		const user = props('userMessage', 'send').find((p) => p.name === 'userId')!;
		expect(user.modes!.map((m) => m.name)).toEqual(['list', 'id', 'url']);
		// The picker says what From List offers before anything is typed, and that typing searches the directory.
		expect(user.hint).toBe(
			'From List shows your recent 1:1 chat partners first; type a name to search everyone in your organization',
		);
		expect(user.modes![0].typeOptions?.searchListMethod).toBe('searchChatPartners');
		// By ID checks the shape: a JID for rooms, a GUID for users.
		const issues = (parameters: INodeParameters) =>
			parameterIssues(description, makeNode(env.pkg, NODE_TYPE, parameters));
		expect(
			issues({ resource: 'roomMessage', operation: 'getHistory', roomJid: rl(GUID) })?.parameters
				?.roomJid,
		).toBeDefined();
		expect(
			issues({ resource: 'userMessage', operation: 'getHistory', userId: rl('not-a-guid') })
				?.parameters?.userId,
		).toBeDefined();
		expect(
			issues({
				resource: 'userMessage',
				operation: 'getHistory',
				userId: rl(`https://apps.mypurecloud.com/directory/#/person/${GUID}`, 'url'),
			}),
		).toBeNull();
		// A JID saved as plain text by an older workflow stays as it was.
		expect(
			resolveParameters(description, {
				resource: 'room',
				operation: 'get',
				roomJid: 'adhoc-9@conference.x',
			}).roomJid,
		).toBe('adhoc-9@conference.x');
	});

	it('1:1 chats have one name: the resources say "1:1" like their actions; From List placeholders have the right article', () => {
		const resources = description.properties.find((p) => p.name === 'resource')!.options as Array<{
			name: string;
			value: string;
		}>;
		const named = Object.fromEntries(resources.map((r) => [r.value, r.name]));
		expect([named.userChat, named.userMessage, named.userPin]).toEqual([
			'1:1 Chat',
			'1:1 Message',
			'1:1 Pin',
		]);
		const send = description.properties.find(
			(p) =>
				p.name === 'operation' &&
				(p.displayOptions?.show?.resource as string[])[0] === 'userMessage',
		)!;
		expect(
			(send.options as Array<{ value: string; action: string }>).find((o) => o.value === 'send')!
				.action,
		).toBe('Send a 1:1 message');
		const placeholders = new Set(
			description.properties
				.filter((p) => p.type === 'resourceLocator')
				.map((p) => String(p.modes![0].placeholder)),
		);
		expect([...placeholders].sort()).toEqual(['Select a room...', 'Select a user...']);
	});

	it('the trigger\'s events read in n8n\'s node panel as written: "On new 1:1 message", not "On new 1 1 message"', () => {
		// n8n 2.41's node panel (editor-ui, node creator actions): an event option's `action`, else
		// "On " + lodash startCase(name) sentence-cased, which drops the colon of "1:1".
		const trigger = nodeTypeOf(env.pkg, 'genesysChatTrigger').description;
		const event = trigger.properties.find((p) => p.name === 'event')!;
		const panel = (event.options as Array<{ name: string; action?: string }>).map(
			(o) => o.action ?? `On ${o.name.replace(/[^A-Za-z0-9]+/g, ' ').toLowerCase()}`,
		);
		expect(panel.sort()).toEqual([
			'On new 1:1 message',
			'On new message in any chat',
			'On new room message',
		]);
	});

	it('the trigger: version 2 picks rooms and users from lists or by ID (several each); version 1 keeps its text fields', () => {
		const type = nodeTypeOf(env.pkg, 'genesysChatTrigger');
		const trigger = type.description;
		expect(env.pkg.defaultVersion('genesysChatTrigger')).toBe(2);
		const shown = (event: string, version: number) =>
			displayedProperties(
				trigger,
				{ event },
				makeNode(env.pkg, 'genesysChatTrigger', { event }, undefined, version),
			).filter((p) => p.name !== 'pollTimes'); // n8n adds Poll Times to every polling node
		expect(shown('newRoomMessage', 1).map((p) => p.name)).toEqual(['event', 'roomJids', 'options']);
		expect(shown('newOneOnOneMessage', 1).map((p) => p.name)).toEqual([
			'event',
			'userIds',
			'options',
		]);
		expect(shown('newMessageAnyChat', 2).map((p) => p.name)).toEqual(['event', 'options']);
		const actionDescription = nodeTypeOf(env.pkg, NODE_TYPE).description;
		const action = (name: string) => actionDescription.properties.find((p) => p.name === name)!;
		for (const [event, field, entryOf, search] of [
			['newRoomMessage', 'rooms', 'roomJid', 'searchRooms'],
			['newOneOnOneMessage', 'users', 'userId', 'searchChatPartners'],
		] as const) {
			const [, picker, options] = shown(event, 2);
			expect(shown(event, 2).map((p) => p.name)).toEqual(['event', field, 'options']);
			expect(picker).toMatchObject({
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
			});
			const entry = (picker.options as Array<{ name: string; values: INodeProperties[] }>)[0];
			expect(entry.name).toBe('values');
			// The same locator as the action node's field, built from the same table parameter.
			// (By ID takes one or more IDs separated by commas, as the entry's description says.)
			const { displayName, modes, hint } = action(entryOf);
			const byIdCheck = (list: INodeProperties['modes']) =>
				list!.map((m) => (m.name === 'id' ? { ...m, validation: undefined } : m));
			expect(entry.values).toEqual([
				expect.objectContaining({
					name: 'id',
					type: 'resourceLocator',
					displayName,
					modes: expect.any(Array),
					...(hint && { hint }),
				}),
			]);
			expect(byIdCheck(entry.values[0].modes)).toEqual(byIdCheck(modes));
			expect(modes![0].typeOptions?.searchListMethod).toBe(search);
			expect(type.methods?.listSearch?.[search]).toBeInstanceOf(Function);
			expect(options.name).toBe('options');
		}
		const filled = {
			event: 'newRoomMessage',
			rooms: {
				values: [
					{ id: rl('adhoc-1@conference.example.orgspan.com', 'list', 'Room') },
					{ id: rl('adhoc-2@conference.example.orgspan.com') },
				],
			},
		};
		expect(
			parameterIssues(trigger, makeNode(env.pkg, 'genesysChatTrigger', filled, undefined, 2)),
		).toBeNull();
		// By ID may name several rooms or users, separated by commas; anything else is marked
		const byId = (event: string, field: string, value: string) =>
			parameterIssues(
				trigger,
				makeNode(
					env.pkg,
					'genesysChatTrigger',
					{ event, [field]: { values: [{ id: rl(value) }] } },
					undefined,
					2,
				),
			);
		expect(
			byId('newRoomMessage', 'rooms', 'adhoc-1@conference.example.orgspan.com, adhoc-2@x.org'),
		).toBeNull();
		expect(
			byId('newOneOnOneMessage', 'users', `${GUID}, 7c9e6679-7425-40de-944b-e07fc1f90ae7`),
		).toBeNull();
		for (const [event, field, bad] of [
			['newRoomMessage', 'rooms', 'adhoc-1@conference.example.orgspan.com, not-a-jid'],
			['newOneOnOneMessage', 'users', `${GUID}, 42`],
		])
			expect(JSON.stringify(byId(event, field, bad)?.parameters)).toContain(
				'or list of them separated by commas',
			);
		expect(
			resolveParameters(
				trigger,
				filled,
				makeNode(env.pkg, 'genesysChatTrigger', filled, undefined, 2),
			).rooms,
		).toEqual(filled.rooms);
		// A workflow saved with version 1 keeps its text, with no issues.
		const saved = {
			event: 'newOneOnOneMessage',
			userIds: `${GUID}, 7c9e6679-7425-40de-944b-e07fc1f90ae7`,
		};
		const old = makeNode(env.pkg, 'genesysChatTrigger', saved, undefined, 1);
		expect(resolveParameters(trigger, saved, old)).toMatchObject(saved);
		expect(parameterIssues(trigger, old)).toBeNull();
	});

	it("the trigger's lists answer on the trigger node (methods.listSearch against the emulator)", async () => {
		const jid = env.emu.createRoom(env.other.id, 'Trigger list room', [env.me.id]);
		const page = await listSearch({
			pkg: env.pkg,
			store: env.store,
			nodeType: 'genesysChatTrigger',
			method: 'searchRooms',
			credentials: { [CREDENTIAL_TYPE]: env.userCred },
			filter: 'Trigger list room',
			path: 'parameters.rooms.values[0].id',
		});
		expect(page.results).toEqual([{ name: 'Trigger list room', value: jid }]);
	});

	it("actions inside a resource are sorted by the text n8n's node panel shows", () => {
		for (const property of description.properties.filter((p) => p.name === 'operation')) {
			const actions = (property.options as Array<{ value: string; action: string }>)
				.filter((o) => o.value !== '__CUSTOM_API_CALL__')
				.map((o) => o.action);
			expect(actions).toEqual(
				[...actions].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })),
			);
		}
	});

	it('Simplify on read/list operations: on for new nodes (1.1) and AI agents, off for nodes saved as version 1', () => {
		const params: INodeParameters = {
			resource: 'roomMessage',
			operation: 'getHistory',
			roomJid: rl('adhoc-1@c.x'),
		};
		expect(env.pkg.defaultVersion(NODE_TYPE)).toBe(1.1); // a new node gets the highest version
		expect(
			resolveParameters(description, params, makeNode(env.pkg, NODE_TYPE, params, undefined, 1))
				.simplify,
		).toBe(false);
		expect(
			resolveParameters(description, params, makeNode(env.pkg, NODE_TYPE, params, undefined, 1.1))
				.simplify,
		).toBe(true);
		expect(
			resolveParameters(toolDescription(description), params, makeNode(env.pkg, NODE_TYPE, params))
				.simplify,
		).toBe(true);
		for (const row of table) {
			const rowParams: INodeParameters = { resource: row.resource, operation: row.operation };
			const shown = displayedProperties(
				description,
				rowParams,
				makeNode(env.pkg, NODE_TYPE, rowParams, undefined, 1.1),
			).some((p) => p.name === 'simplify');
			expect([row.sdkMethod, shown]).toEqual([row.sdkMethod, Boolean(row.simplify)]);
		}
	});

	it("no plural field with a list search (the itslearning node's reason for version 1.2): User and Room pick one; lists of IDs are text fields", () => {
		const plural = table.flatMap((row) =>
			row.params
				.filter((p) => p.locator && p.type.endsWith('List'))
				.map((p) => `${row.sdkMethod}.${p.name}`),
		);
		expect(plural).toEqual([]);
		expect(
			description.properties.some(
				(p) =>
					p.type === 'fixedCollection' && JSON.stringify(p.options).includes('"resourceLocator"'),
			),
		).toBe(false);
	});
});

describe('list searches against the emulator', () => {
	it('rooms of the user, newest activity first, paged with the API cursor, with search text', async () => {
		const jids = Array.from({ length: 130 }, (_, i) =>
			env.emu.createRoom(env.me.id, `Paging room ${String(i).padStart(3, '0')}`, [env.other.id]),
		);
		jids.forEach((jid, i) =>
			env.emu.addRoomMessages(jid, env.me.id, 1, { start: new Date(Date.UTC(2026, 0, 1, 0, i)) }),
		);
		const { result: first, requests } = await capture(env, async () => await search('searchRooms'));
		expect(requests.map((r) => r.rawPath + (r.rawQuery ? `?${r.rawQuery}` : ''))).toEqual([
			'/api/v2/users/chats/me',
		]);
		expect(first.paginationToken).toEqual(expect.any(String));
		const second = await search('searchRooms', undefined, first.paginationToken as string);
		const all = [...first.results, ...second.results].filter((r) =>
			r.name.startsWith('Paging room'),
		);
		expect(all.map((r) => r.value).sort()).toEqual([...jids].sort());
		expect(new Set(all.map((r) => r.value)).size).toBe(130);
		expect(second.paginationToken).toBeUndefined();
		const filtered = await search('searchRooms', 'paging room 007');
		expect(filtered.results).toEqual([{ name: 'Paging room 007', value: jids[7] }]);
	});

	it("people: without search text the 1:1 partners from the user's chats; with search text anyone in the organization by name", async () => {
		env.emu.addUserMessages(env.other.id, env.me.id, 1);
		env.emu.clearRequests();
		const partners = await search('searchChatPartners');
		// The chat listing names a partner only; their directory profiles come in one more request
		// for the page, so namesakes can be told apart here too (issue #18, point 6).
		const other = env.emu.users.find((u) => u.id === env.other.id)!;
		expect(partners.results).toContainEqual({
			name: `${other.name} (${other.title}, ${other.department}, ${other.email})`,
			value: other.id,
		});
		expect(partners.results.map((r) => r.value)).not.toContain(env.emu.users[5].id); // never chatted with
		const listed = env.emu.apiRequests();
		expect(listed.map((r) => `${r.method} ${r.rawPath}`)).toEqual([
			'GET /api/v2/users/chats/me',
			'GET /api/v2/users',
		]);
		const ids = partners.results.map((r) => `id=${encodeURIComponent(String(r.value))}`);
		expect(listed[1].rawQuery).toBe([...ids, `pageSize=${ids.length}`].join('&'));

		// Best effort: without the directory (here a 403 for that request), the names stay as listed.
		env.emu.injectFault({ kind: 'status', status: 403, match: { path: /^\/api\/v2\/users$/ } });
		const plain = await search('searchChatPartners');
		expect(plain.results).toContainEqual({ name: other.name, value: other.id });
		expect(plain.results.map((r) => r.value).sort()).toEqual(
			partners.results.map((r) => r.value).sort(),
		);

		// Hostile directory entries (wrong types, an ID not on the page, no name) rename nothing
		// wrongly and break nothing: only a well-formed, named entry for a listed ID gives details.
		env.emu.injectFault({
			kind: 'rewrite',
			match: { path: /^\/api\/v2\/users$/ },
			rewrite: () => ({
				entities: [
					null,
					7,
					'text',
					{ id: 42, name: 'Number id', title: 'Hostile' },
					{ id: env.emu.users[5].id, name: 'Not on the page', title: 'Hostile' },
					{ id: other.id, name: '', title: 'Nameless' },
					{
						id: other.id,
						name: other.name,
						title: { nested: true },
						department: 'Research',
						email: 5,
					},
				],
			}),
		});
		const hostile = await search('searchChatPartners');
		expect(hostile.results).toContainEqual({ name: `${other.name} (Research)`, value: other.id });
		expect(hostile.results.some((r) => r.name.includes('Nameless'))).toBe(false);
		expect(hostile.results.map((r) => r.value).sort()).toEqual(
			partners.results.map((r) => r.value).sort(),
		);
		expect(hostile.results.some((r) => r.name.includes('Hostile'))).toBe(false);
		env.emu.injectFault({
			kind: 'rewrite',
			match: { path: /^\/api\/v2\/users$/ },
			rewrite: () => ({ entities: { not: 'a list' } }),
		});
		expect((await search('searchChatPartners')).results).toContainEqual({
			name: other.name,
			value: other.id,
		});

		// Search text: the directory (POST /api/v2/users/search), so people never chatted with can be picked too.
		env.emu.clearRequests();
		const byName = await search(
			'searchChatPartners',
			env.emu.users[5].name.slice(0, 5).toLowerCase(),
		);
		// Each directory result says who it is: title, department and email, as the directory has them.
		const ken = env.emu.users[5];
		expect(byName.results).toEqual([
			{ name: `${ken.name} (${ken.title}, ${ken.department}, ${ken.email})`, value: ken.id },
		]);
		expect(byName.results[0].name).toBe(
			'Ken Thompson (Engineer, Engineering, ken.thompson@example.org)',
		);
		const [request] = env.emu.apiRequests();
		expect(`${request.method} ${request.rawPath}`).toBe('POST /api/v2/users/search');
		expect(request.body).toEqual({
			query: [
				{
					type: 'CONTAINS',
					fields: ['name'],
					value: env.emu.users[5].name.slice(0, 5).toLowerCase(),
				},
			],
			pageSize: 25,
			pageNumber: 1,
		});
	});

	it('the directory search pages by page number until the last page', async () => {
		const added = Array.from({ length: 60 }, (_, i) =>
			env.emu.addUser(`Directory Person ${String(i).padStart(2, '0')}`),
		);
		const pages: number[] = [];
		const first = await search('searchChatPartners', 'directory person');
		const all = [...first.results];
		pages.push(first.results.length);
		let token = first.paginationToken;
		for (let guard = 0; token !== undefined && guard < 10; guard++) {
			const next = await search('searchChatPartners', 'directory person', token);
			all.push(...next.results);
			pages.push(next.results.length);
			token = next.paginationToken;
		}
		expect(pages).toEqual([25, 25, 10]);
		expect(all.map((r) => r.value).sort()).toEqual(added.map((u) => u.id).sort());
	});
});

describe('runs through n8n-core', () => {
	it('"read a room picked from a list": Room Message → Get History with Simplify', async () => {
		const jid = env.emu.createRoom(env.me.id, 'Readable room', [env.other.id]);
		env.emu.addRoomMessages(jid, env.other.id, 3);
		const { results } = await search('searchRooms', 'Readable room');
		expect(results.map((r) => r.value)).toEqual([jid]);
		const { result, requests } = await capture(
			env,
			async () =>
				await run(env, {
					resource: 'roomMessage',
					operation: 'getHistory',
					roomJid: rl(String(results[0].value), 'list', results[0].name),
					returnAll: true,
					simplify: true,
				}),
		);
		expect(result.error).toBeUndefined();
		expect(requests[0].rawPath).toBe(`/api/v2/chats/rooms/${encodeURIComponent(jid)}/messages`);
		const items = jsonOf(result);
		expect(items).toHaveLength(3);
		for (const item of items) {
			expect(item).toMatchObject({
				senderId: env.other.id,
				chatId: jid,
				chatType: 'room',
				isEdited: false,
			});
			expect(Object.keys(item)).toEqual(
				expect.arrayContaining(['messageId', 'text', 'createdAt', 'replyThreadId']),
			);
			expect(Object.keys(item).every((key) => /^[a-z][A-Za-z]*$/.test(key))).toBe(true);
		}
	});

	it('send a 1:1 message to a partner picked from the list (value on the wire as before)', async () => {
		env.emu.addUserMessages(env.third.id, env.me.id, 1);
		const { results } = await search('searchChatPartners', env.third.name);
		const { result, requests } = await capture(
			env,
			async () =>
				await run(env, {
					resource: 'userMessage',
					operation: 'send',
					userId: rl(String(results[0].value), 'list', results[0].name),
					message: 'Hi',
				}),
		);
		expect(result.error).toBeUndefined();
		expect(requests[0].rawPath).toBe(`/api/v2/chats/users/${env.third.id}/messages`);
		expect(requests[0].body).toEqual({ message: 'Hi' });
	});
});
