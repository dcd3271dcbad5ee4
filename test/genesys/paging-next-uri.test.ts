/**
 * The engine's nextUri paging style (table/types.ts `nextUri`, run/paging.ts walkNextUriPages) on
 * the row of `GET /api/v2/users/chats/me` (UsersApi; shared/spec/genesys-models.md,
 * ChatItemCursorListing: `entities`, a `nextUri` naming the `after` key of the next page until the
 * last page, no page-size parameter). The row is the trigger's (genesysSupportRows), not one of
 * the action node's 32 ChatApi operations, so Return All / Limit is driven here the way the action
 * node's router drives a paged row (router.collectRowPages → collectPages), inside a real n8n-core
 * node context (PollContext, n8n's OAuth2 request helpers) over real HTTP to the emulator. The
 * listing's page size is the service's; the emulator's is set small so a few chats make several
 * pages.
 */
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { REPO_ROOT, createPollContext, type CredentialReference } from '../harness/n8n';
import { rowOf, useGenesys, userCredential } from './setup';

/* eslint-disable @typescript-eslint/no-require-imports */
const dist = path.join(REPO_ROOT, 'dist', 'nodes');
const { collectRowPages } = require(path.join(dist, 'shared', 'run', 'router.js'));
const { Transport } = require(path.join(dist, 'shared', 'http', 'transport.js'));
const { managedParams } = require(path.join(dist, 'shared', 'table', 'params.js'));
const { buildProperties } = require(path.join(dist, 'shared', 'editor', 'properties.js'));
const { genesysService } = require(path.join(dist, 'GenesysChat', 'GenesysChat.service.js'));
const { genesysSupportRows } = require(path.join(dist, 'GenesysChat', 'GenesysChat.table.js'));
/* eslint-enable @typescript-eslint/no-require-imports */

const env = useGenesys();
const LISTING = '/api/v2/users/chats/me';
const row = (genesysSupportRows as Array<{ sdkMethod: string; paging?: unknown }>).find(
	(r) => r.sdkMethod === 'getUsersChatsMe',
)!;

let lister: CredentialReference;
/** The lister's rooms, newest activity first (the listing's order). */
let rooms: string[];

beforeAll(() => {
	const user = env.emu.addUser('Pat Lister');
	lister = userCredential(env, user.id).ref;
	const start = Date.now() - 60_000;
	rooms = Array.from({ length: 5 }, (_, i) => {
		const jid = env.emu.createRoom(env.other.id, `Listed ${i}`, [user.id]);
		env.emu.addRoomMessages(jid, env.other.id, 1, { start: new Date(start + i * 1000) });
		return jid;
	}).reverse();
	env.emu.setChatsPageSize(2);
});
afterAll(() => env.emu.setChatsPageSize(undefined));

/** Return All / Limit over the row as the action node's router runs it; what came back and what the emulator received and answered. */
async function list(returnAll: boolean, limit: number) {
	const { context } = await createPollContext({
		store: env.store,
		nodeType: 'genesysChatTrigger',
		parameters: { event: 'newMessageAnyChat' },
		credentials: { genesysCloudOAuth2Api: lister },
	});
	const transport = await Transport.open(context, genesysService);
	const requestMark = env.emu.apiRequests().length;
	const responseMark = env.responses.length;
	const items = (await collectRowPages(
		transport,
		row,
		row.paging,
		new Map(),
		returnAll,
		limit,
		0,
	)) as IDataObject[];
	const requests = env.emu.apiRequests().slice(requestMark);
	const answers = env.responses
		.slice(responseMark)
		.filter((r) => r.rawPath === LISTING)
		.map((r) => JSON.parse(r.body) as IDataObject);
	return { items, requests, answers };
}

describe('users/chats/me: the nextUri paging style', () => {
	it("is the row's paging; its cursor is the engine's (hidden), and Return All / Limit are offered", () => {
		expect(() => rowOf('getUsersChatsMe')).toThrow(/not in the built table/);
		expect(row.paging).toEqual({
			style: 'nextUri',
			cursorParam: 'after',
			itemsPath: 'entities',
			nextUriPath: 'nextUri',
		});
		expect([...managedParams(row)]).toEqual(['after']);
		const properties = buildProperties(
			[{ value: 'support', name: 'Support' }],
			genesysSupportRows,
		) as Array<{ name: string; displayOptions?: { show?: IDataObject }; options?: IDataObject[] }>;
		const mine = properties.filter(
			(p) => (p.displayOptions?.show?.operation as string[] | undefined)?.[0] === 'listMyChats',
		);
		expect(mine.map((p) => p.name)).toEqual(
			expect.arrayContaining(['returnAll', 'limit', 'additionalFields']),
		);
		const additional = mine.find((p) => p.name === 'additionalFields')!;
		expect((additional.options ?? []).map((o) => o.name)).toEqual(['excludeClosed']);
	});

	it('Return All follows every nextUri to the last page and sends exactly the after key each names', async () => {
		const { items, requests, answers } = await list(true, 0);
		expect(items.map((i) => i.id)).toEqual(rooms);
		// Pages of 2, 2, 1: the first without a cursor, each next one with the key of the previous nextUri.
		expect(requests.map((r) => [r.method, r.rawPath])).toEqual([
			['GET', LISTING],
			['GET', LISTING],
			['GET', LISTING],
		]);
		expect(requests[0].queryPairs).toEqual([]);
		expect(answers.map((a) => (a.entities as IDataObject[]).length)).toEqual([2, 2, 1]);
		for (let i = 1; i < requests.length; i++) {
			const named = new URL(String(answers[i - 1].nextUri), 'https://x.invalid');
			expect(named.pathname).toBe(LISTING);
			expect(requests[i].queryPairs).toEqual([['after', named.searchParams.get('after')]]);
		}
		expect(answers[2].nextUri).toBeUndefined();
		// No page-size or page-number parameter exists for this listing: none is sent.
		expect(requests.flatMap((r) => r.queryPairs.map(([name]) => name))).toEqual(['after', 'after']);
	});

	it('Limit stops asking once enough chats came (3 of 5: two pages, the third never asked for)', async () => {
		const { items, requests, answers } = await list(false, 3);
		expect(items.map((i) => i.id)).toEqual(rooms.slice(0, 3));
		expect(requests).toHaveLength(2);
		expect(requests[1].queryPairs).toEqual([
			['after', new URL(String(answers[0].nextUri), 'https://x.invalid').searchParams.get('after')],
		]);
		expect(answers[1].nextUri).toEqual(expect.any(String));
	});

	it('Limit within the first page is one request', async () => {
		const { items, requests } = await list(false, 2);
		expect(items.map((i) => i.id)).toEqual(rooms.slice(0, 2));
		expect(requests.map((r) => r.url)).toEqual([LISTING]);
	});

	it('stops when the service names a cursor it named before (no endless walk)', async () => {
		const first = await list(true, 0);
		const repeated = first.answers[0].nextUri;
		env.emu.injectFault({
			kind: 'rewrite',
			times: 5,
			match: { path: /^\/api\/v2\/users\/chats\/me$/ },
			rewrite: (body) => ({ ...(body as IDataObject), nextUri: repeated }),
		});
		const { items, requests } = await list(true, 0);
		// Page 1, then page 2 (named by the first nextUri), whose nextUri names page 2 again: the end.
		expect(requests).toHaveLength(2);
		expect(items.map((i) => i.id)).toEqual(rooms.slice(0, 4));
	});
});
