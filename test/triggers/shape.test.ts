/**
 * One message shape (nodes/shared/table/message.ts): the same message read by a trigger and by the
 * action node (version 1.1, Simplify on by default) has the same fields with the same values, for
 * both services, through n8n-core over real HTTP to the emulators. Both items also match the
 * output schemas n8n finds for the trigger and for the operation.
 */
import type { IDataObject, INodePropertyOptions, INodeType } from 'n8n-workflow';
import * as path from 'path';

import {
	itslearningMessageShape,
	genesysMessageShape,
	genesysTriggerEventShapes,
	itslearningTriggerEventShapes,
} from '../../nodes/shared/table/message';
import { runNode } from '../harness/n8n';
import { schemaFor, validate } from '../harness/schema';
import { startSite, type Site } from '../itslearning/setup';
import { jsonOf, useGenesys } from '../genesys/setup';
import { TriggerInstance } from './helpers';

/** The common core every message item has, whichever service and node. */
const CORE = ['messageId', 'chatId', 'chatType', 'text', 'senderId', 'createdAt', 'isEdited'];

const pick = (item: IDataObject, keys: string[]) =>
	Object.fromEntries(keys.filter((key) => key in item).map((key) => [key, item[key]]));

function expectSameMessage(triggerItem: IDataObject, actionItem: IDataObject, shapeKeys: string[]) {
	for (const key of CORE) {
		expect(triggerItem).toHaveProperty(key);
		expect(actionItem).toHaveProperty(key);
	}
	// Every field of the message shape, not only the core, is the same in both items.
	expect(pick(triggerItem, shapeKeys)).toEqual(pick(actionItem, shapeKeys));
}

describe('itslearning: a New Message trigger item and a Message → Get Many item of the same message', () => {
	let site: Site;
	beforeAll(async () => {
		site = await startSite();
	});
	afterAll(async () => await site?.close());

	it('have the same fields and values, and match the schemas n8n shows', async () => {
		const thread = site.emu.createThread(2, [1, 3], 'Shape check');
		const trigger = new TriggerInstance({
			pkg: site.pkg,
			store: site.store,
			nodeType: 'itslearningInstantMessageTrigger',
			parameters: { event: 'newMessage', threadIds: String(thread.InstantMessageThreadId) },
			credentials: { itslearningOAuth2Api: site.me.ref },
		});
		expect((await trigger.poll()).items).toBeNull();
		const [sent] = site.emu.addMessages(thread.InstantMessageThreadId, 2, 1, 'Same shape');
		const { items, error } = await trigger.poll();
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		const triggerItem = items![0];

		const result = await runNode({
			store: site.store,
			nodeType: 'itslearningInstantMessage',
			typeVersion: 1.1,
			parameters: {
				resource: 'message',
				operation: 'getMany',
				threadId: String(thread.InstantMessageThreadId),
				returnAll: true,
			},
			credentials: { itslearningOAuth2Api: site.me.ref },
		});
		expect(result.error).toBeUndefined();
		const actionItem = jsonOf(result).find((item) => item.messageId === sent.MessageId)!;
		expect(actionItem).toBeDefined();

		expectSameMessage(triggerItem, actionItem, Object.keys(itslearningMessageShape));
		expect(triggerItem).toMatchObject({
			messageId: sent.MessageId,
			chatId: thread.InstantMessageThreadId,
			chatType: 'thread',
			text: 'Same shape 1',
			senderId: 2,
			senderName: 'Alan Turing',
			createdAt: sent.Created,
		});

		// A trigger has no resource/operation: n8n looks for __schema__/v1.0.0.json next to its file.
		expect(schemaFor(site.pkg, 'itslearningInstantMessageTrigger', 1).file).toMatch(
			/dist\/nodes\/ItslearningInstantMessageTrigger\/__schema__\/v1\.0\.0\.json$/,
		);
		const triggerSchema = schemaFor(site.pkg, 'itslearningInstantMessageTrigger', 1).schema;
		const actionSchema = schemaFor(
			site.pkg,
			'itslearningInstantMessage',
			1.1,
			'message',
			'getMany',
		).schema;
		expect(triggerSchema && actionSchema).toBeDefined();
		expect(validate(triggerItem, triggerSchema!)).toEqual([]);
		expect(validate(actionItem, actionSchema!)).toEqual([]);
	});
});

describe('Genesys: a trigger item and a Get History item of the same message', () => {
	const env = useGenesys();

	async function sendAs(fromUserId: string, path: string, message: string): Promise<string> {
		const token = env.emu.issueUserToken(fromUserId).access_token;
		const res = await fetch(`${env.emu.url}${path}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ message }),
		});
		expect(res.status).toBe(200);
		return ((await res.json()) as { id: string }).id;
	}

	it.each([
		['room', 'newRoomMessage'],
		['oneOnOne', 'newOneOnOneMessage'],
	])(
		'%s: same fields and values, and both match the schemas n8n shows',
		async (chatType, event) => {
			const room =
				chatType === 'room'
					? env.emu.createRoom(env.other.id, 'Shape room', [env.me.id])
					: undefined;
			const trigger = new TriggerInstance({
				pkg: env.pkg,
				store: env.store,
				nodeType: 'genesysChatTrigger',
				parameters: room ? { event, roomJids: room } : { event, userIds: env.other.id },
				credentials: { genesysCloudOAuth2Api: env.userCred },
			});
			expect((await trigger.poll()).error).toBeUndefined();
			const id = await sendAs(
				env.other.id,
				room
					? `/api/v2/chats/rooms/${encodeURIComponent(room)}/messages`
					: `/api/v2/chats/users/${env.me.id}/messages`,
				`Same shape ${chatType}`,
			);
			const { items, error } = await trigger.poll();
			expect(error).toBeUndefined();
			const triggerItem = (items ?? []).find((item) => item.messageId === id)!;
			expect(triggerItem).toBeDefined();

			const parameters = room
				? { resource: 'roomMessage', operation: 'getHistory', roomJid: room, returnAll: true }
				: {
						resource: 'userMessage',
						operation: 'getHistory',
						userId: env.other.id,
						returnAll: true,
					};
			const result = await runNode({
				store: env.store,
				nodeType: 'genesysChat',
				typeVersion: 1.1,
				parameters,
				credentials: { genesysCloudOAuth2Api: env.userCred },
			});
			expect(result.error).toBeUndefined();
			const actionItem = jsonOf(result).find((item) => item.messageId === id)!;
			expect(actionItem).toBeDefined();

			expectSameMessage(triggerItem, actionItem, Object.keys(genesysMessageShape));
			expect(triggerItem).toMatchObject({
				messageId: id,
				chatId: room ?? env.other.id,
				chatType,
				text: `Same shape ${chatType}`,
				senderId: env.other.id,
			});

			const triggerSchema = schemaFor(env.pkg, 'genesysChatTrigger', 1).schema;
			const actionSchema = schemaFor(
				env.pkg,
				'genesysChat',
				1.1,
				parameters.resource,
				'getHistory',
			).schema;
			expect(triggerSchema && actionSchema).toBeDefined();
			expect(validate(triggerItem, triggerSchema!)).toEqual([]);
			expect(validate(actionItem, actionSchema!)).toEqual([]);
		},
	);

	it('Send returns the message ID under the same name as Get History and React (messageId)', async () => {
		const room = env.emu.createRoom(env.me.id, 'Send shape', [env.other.id]);
		const result = await runNode({
			store: env.store,
			nodeType: 'genesysChat',
			typeVersion: 1.1,
			parameters: {
				resource: 'roomMessage',
				operation: 'send',
				roomJid: room,
				message: 'Which id?',
			},
			credentials: { genesysCloudOAuth2Api: env.userCred },
		});
		expect(result.error).toBeUndefined();
		const [sent] = jsonOf(result);
		expect(sent).toEqual({ messageId: expect.any(String), chatId: room, chatType: 'room' });
		expect(env.emu.getMessage(sent.messageId as string)).toMatchObject({ body: 'Which id?' });
		expect(
			validate(sent, schemaFor(env.pkg, 'genesysChat', 1.1, 'roomMessage', 'send').schema!),
		).toEqual([]);
	});
});

/** The Event options of a built trigger node and its versions (what n8n offers and loads). */
function triggerEvents(folder: string, name: string): { events: string[]; versions: number[] } {
	const NodeClass = (
		require(`../../dist/nodes/${folder}/${name}.node.js`) as Record<string, new () => INodeType>
	)[name];
	const { properties, version } = new NodeClass().description;
	const event = properties.find((p) => p.name === 'event')!;
	return {
		events: (event.options as INodePropertyOptions[]).map((o) => String(o.value)),
		versions: Array.isArray(version) ? version : [version],
	};
}

/** n8n finds the trigger's schema in every version, the same file content in each; returns it. */
function triggerSchemaOf(pkg: Site['pkg'], nodeType: string, folder: string, versions: number[]) {
	const schemas = versions.map((version) => {
		const { file, schema } = schemaFor(pkg, nodeType, version);
		expect(file).toBe(
			path.resolve(__dirname, `../../dist/nodes/${folder}/__schema__/v${version}.0.0.json`),
		);
		expect(schema).toMatchObject({ type: 'object' });
		return schema!;
	});
	for (const schema of schemas) expect(schema).toEqual(schemas[0]);
	return schemas[0];
}

describe('every trigger event has a schema n8n finds, and its items match it', () => {
	describe('itslearning', () => {
		let site: Site;
		beforeAll(async () => {
			site = await startSite();
		});
		afterAll(async () => await site?.close());

		const { events, versions } = triggerEvents(
			'ItslearningInstantMessageTrigger',
			'ItslearningInstantMessageTrigger',
		);

		it('the events are the ones the schema describes', () => {
			expect(versions).toEqual([1, 2]);
			expect(events.sort()).toEqual(Object.keys(itslearningTriggerEventShapes).sort());
			const schema = triggerSchemaOf(
				site.pkg,
				'itslearningInstantMessageTrigger',
				'ItslearningInstantMessageTrigger',
				versions,
			);
			// One branch per distinct item: the message, the count, the thread count.
			expect(schema.oneOf).toHaveLength(3);
		});

		it.each(events.map((event) => [event]))(
			'%s: the poll and the test event emit items that match it',
			async (event) => {
				const schema = triggerSchemaOf(
					site.pkg,
					'itslearningInstantMessageTrigger',
					'ItslearningInstantMessageTrigger',
					versions,
				);
				const thread = site.emu.createThread(2, [1], `Schema ${event}`);
				const trigger = new TriggerInstance({
					pkg: site.pkg,
					store: site.store,
					nodeType: 'itslearningInstantMessageTrigger',
					typeVersion: 1,
					parameters: { event, threadIds: String(thread.InstantMessageThreadId) },
					credentials: { itslearningOAuth2Api: site.me.ref },
				});
				expect((await trigger.poll()).items).toBeNull();
				const [message] = site.emu.addMessages(thread.InstantMessageThreadId, 2, 2, 'schema');
				site.emu.getMessage(message.MessageId)!.StarredBy.add(1);
				const polled = await trigger.poll();
				expect(polled.error).toBeUndefined();
				const manual = await trigger.manual();
				const items = [...(polled.items ?? []), ...(manual.items ?? [])];
				expect(polled.items?.length).toBeGreaterThan(0);
				expect(manual.items?.length).toBeGreaterThan(0);
				for (const item of items) expect(validate(item, schema, '$', true)).toEqual([]);
			},
		);
	});

	describe('Genesys', () => {
		const env = useGenesys();
		const { events, versions } = triggerEvents('GenesysChatTrigger', 'GenesysChatTrigger');

		it('the events are the ones the schema describes', () => {
			expect(events.sort()).toEqual(Object.keys(genesysTriggerEventShapes).sort());
			const schema = triggerSchemaOf(env.pkg, 'genesysChatTrigger', 'GenesysChatTrigger', versions);
			// Every event emits the message item: one schema, no oneOf.
			expect(schema.oneOf).toBeUndefined();
		});

		it.each(events.map((event) => [event]))(
			'%s: the poll and the test event emit items that match it',
			async (event) => {
				const schema = triggerSchemaOf(
					env.pkg,
					'genesysChatTrigger',
					'GenesysChatTrigger',
					versions,
				);
				const room = env.emu.createRoom(env.other.id, `Schema ${event}`, [env.me.id]);
				const parameters =
					event === 'newRoomMessage'
						? { event, roomJids: room }
						: event === 'newOneOnOneMessage'
							? { event, userIds: env.other.id }
							: { event };
				const trigger = new TriggerInstance({
					pkg: env.pkg,
					store: env.store,
					nodeType: 'genesysChatTrigger',
					parameters,
					credentials: { genesysCloudOAuth2Api: env.userCred },
				});
				expect((await trigger.poll()).error).toBeUndefined();
				const token = env.emu.issueUserToken(env.other.id).access_token;
				for (const path of [
					`/api/v2/chats/rooms/${encodeURIComponent(room)}/messages`,
					`/api/v2/chats/users/${env.me.id}/messages`,
				]) {
					const res = await fetch(`${env.emu.url}${path}`, {
						method: 'POST',
						headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
						body: JSON.stringify({ message: `schema ${event}` }),
					});
					expect(res.status).toBe(200);
				}
				const polled = await trigger.poll();
				expect(polled.error).toBeUndefined();
				const manual = await trigger.manual();
				expect(polled.items?.length).toBeGreaterThan(0);
				expect(manual.items?.length).toBeGreaterThan(0);
				for (const item of [...polled.items!, ...manual.items!])
					expect(validate(item, schema, '$', true)).toEqual([]);
			},
		);
	});
});
