/**
 * The itslearning emulator against real HTTP (undici): OAuth2 flow and refresh rotation, token
 * transport and scope checks, unread bookkeeping, the paging styles of the spec, fault injection,
 * and one successful call per spec route.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { request, type Dispatcher } from 'undici';

import { startItslearningEmulator, type ItslearningEmulator } from './itslearning';

const API = '/restapi/personal/instantmessages';
const SPEC_FILE = path.join(__dirname, '..', 'spec', 'itslearning-instant-message.json');
const CLIENT_ID = 'n8n-test-client';
const REDIRECT_URI = 'http://localhost:5678/rest/oauth2-credential/callback';

interface Answer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	json<T>(): T;
}

interface CallOptions {
	token?: string;
	body?: unknown;
	rawBody?: string | Buffer;
	headers?: Record<string, string>;
}

interface EntityList<T> {
	EntityArray: T[];
	Total: number;
	CurrentPageIndex: number;
	PageSize: number;
}

interface MessageJson {
	MessageId: number;
	InstantMessageThreadId: number;
	CreatedBy: number;
	Text: string;
	IsDeleted: boolean;
	IsEdited: boolean;
	IsStarred: boolean;
	AttachmentName: string | null;
	AttachmentUrl: string | null;
}

interface ThreadJson {
	InstantMessageThreadId: number;
	Type: string;
	Name: string;
	SortIndex: number;
	LastMessage: MessageJson | null;
	LastReadInstantMessageId: number;
	Participants: Array<{ PersonId: number; CanReceive: boolean }>;
	Messages: EntityList<MessageJson> | null;
}

interface TokenAnswer {
	access_token: string;
	refresh_token: string;
	token_type: string;
	expires_in: number;
}

let emu: ItslearningEmulator;
/** Access tokens of persons 1, 2 and 3 (scope InstantMessage). */
let ada: string;
let alan: string;
let grace: string;

beforeEach(async () => {
	emu = await startItslearningEmulator();
	[ada, alan, grace] = [1, 2, 3].map((personId) => emu.issueToken({ personId }).access_token);
});

afterEach(async () => {
	await emu.close();
});

async function call(
	method: Dispatcher.HttpMethod,
	path: string,
	options: CallOptions = {},
): Promise<Answer> {
	const headers: Record<string, string> = { ...options.headers };
	if (options.token) headers.authorization = `Bearer ${options.token}`;
	let body = options.rawBody;
	if (options.body !== undefined) {
		body = JSON.stringify(options.body);
		headers['content-type'] = 'application/json';
	}
	const res = await request(`${emu.url}${path}`, { method, headers, body });
	const text = await res.body.text();
	return {
		status: res.statusCode,
		headers: res.headers,
		text,
		json: <T>() => JSON.parse(text) as T,
	};
}

const form = (fields: Record<string, string>) => ({
	rawBody: new URLSearchParams(fields).toString(),
	headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

const basic = (clientId: string, secret = '') =>
	`Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;

function multipart(files: Array<{ name: string; content: string; type?: string }>): {
	rawBody: Buffer;
	headers: Record<string, string>;
} {
	const boundary = 'emulator-test-boundary';
	const parts = files.map(
		(f) =>
			`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'text/plain'}\r\n\r\n${f.content}\r\n`,
	);
	return {
		rawBody: Buffer.from(`${parts.join('')}--${boundary}--\r\n`),
		headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
	};
}

async function authorize(
	scope: string,
	state = 'state-123',
): Promise<{ code: string; location: URL }> {
	const query = new URLSearchParams({
		client_id: CLIENT_ID,
		response_type: 'code',
		redirect_uri: REDIRECT_URI,
		scope,
		state,
	});
	const res = await call('GET', `/oauth2/authorize.aspx?${query.toString()}`);
	expect(res.status).toBe(302);
	const location = new URL(String(res.headers.location));
	return { code: location.searchParams.get('code') ?? '', location };
}

describe('OAuth2', () => {
	it('issues tokens via authorize → code → token and rotates refresh tokens', async () => {
		const { code, location } = await authorize('InstantMessage');
		expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
		expect(location.searchParams.get('state')).toBe('state-123');

		// n8n's default: client credentials in a Basic header, the rest form-encoded.
		const exchanged = await call('POST', '/restapi/oauth2/token', {
			...form({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }),
			headers: { ...form({}).headers, authorization: basic(CLIENT_ID, 'any-secret') },
		});
		expect(exchanged.status).toBe(200);
		const first = exchanged.json<TokenAnswer>();
		expect(first).toEqual({
			access_token: expect.any(String),
			refresh_token: expect.any(String),
			token_type: 'Bearer',
			expires_in: 3600,
		});
		expect(
			(await call('GET', `${API}/messagethreads/unread/count/v1`, { token: first.access_token }))
				.text,
		).toBe('0');

		const reused = await call(
			'POST',
			'/restapi/oauth2/token',
			form({ grant_type: 'authorization_code', code, client_id: CLIENT_ID }),
		);
		expect(reused.status).toBe(400);
		expect(reused.json<{ error: string }>().error).toBe('invalid_grant');

		const issuedBefore = emu.refreshTokensIssued;
		const refreshed = await call(
			'POST',
			'/restapi/oauth2/token',
			form({
				grant_type: 'refresh_token',
				refresh_token: first.refresh_token,
				client_id: CLIENT_ID,
			}),
		);
		expect(refreshed.status).toBe(200);
		const second = refreshed.json<TokenAnswer>();
		expect(second.refresh_token).not.toBe(first.refresh_token);
		expect(second.access_token).not.toBe(first.access_token);
		expect(emu.refreshTokensIssued).toBe(issuedBefore + 1);
		expect(emu.tokensRefreshed).toEqual([
			{ old: first.refresh_token, new: second.refresh_token, accessToken: second.access_token },
		]);

		const stale = await call(
			'POST',
			'/restapi/oauth2/token',
			form({
				grant_type: 'refresh_token',
				refresh_token: first.refresh_token,
				client_id: CLIENT_ID,
			}),
		);
		expect(stale.status).toBe(400);
		expect(stale.json<{ error: string; error_description: string }>()).toEqual({
			error: 'invalid_grant',
			error_description: expect.any(String),
		});

		const third = await call('POST', '/restapi/oauth2/token', {
			...form({ grant_type: 'refresh_token', refresh_token: second.refresh_token }),
			headers: { ...form({}).headers, authorization: basic(CLIENT_ID) },
		});
		expect(third.status).toBe(200);
		expect(
			(
				await call('GET', `${API}/permissions/v1`, {
					token: third.json<TokenAnswer>().access_token,
				})
			).status,
		).toBe(200);
	});

	it('rejects unknown clients and unsupported grants', async () => {
		const query = new URLSearchParams({
			client_id: 'stranger',
			response_type: 'code',
			redirect_uri: REDIRECT_URI,
			scope: 'InstantMessage',
		});
		expect((await call('GET', `/oauth2/authorize.aspx?${query.toString()}`)).status).toBe(400);
		const token = await call(
			'POST',
			'/restapi/oauth2/token',
			form({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'stranger' }),
		);
		expect(token.status).toBe(400);
		expect(token.json<{ error: string }>().error).toBe('invalid_client');
		const grant = await call(
			'POST',
			'/restapi/oauth2/token',
			form({ grant_type: 'password', client_id: CLIENT_ID }),
		);
		expect(grant.json<{ error: string }>().error).toBe('unsupported_grant_type');
	});

	it('carries the scopes of the code into the tokens (SCOPE and All are all-access)', async () => {
		const tokenFor = async (scope: string) => {
			const { code } = await authorize(scope);
			const res = await call(
				'POST',
				'/restapi/oauth2/token',
				form({ grant_type: 'authorization_code', code, client_id: CLIENT_ID }),
			);
			return res.json<TokenAnswer>().access_token;
		};
		const path = `${API}/settings/v1`;
		expect((await call('GET', path, { token: await tokenFor('Calendar Messages') })).status).toBe(
			403,
		);
		expect((await call('GET', path, { token: await tokenFor('SCOPE') })).status).toBe(200);
		expect((await call('GET', path, { token: await tokenFor('All') })).status).toBe(200);
		expect(
			(await call('GET', path, { token: await tokenFor('Calendar InstantMessage') })).status,
		).toBe(200);
	});
});

describe('API authentication', () => {
	const path = `${API}/messagethreads/unread/count/v1`;

	it('accepts the token as a bearer header or as the access_token query parameter', async () => {
		expect((await call('GET', path, { token: ada })).status).toBe(200);
		expect((await call('GET', `${path}?access_token=${ada}`)).status).toBe(200);
		expect(emu.apiRequests().map((r) => r.token)).toEqual([ada, ada]);
	});

	it('answers 401 without, with an unknown and with an expired token', async () => {
		const expired = emu.issueToken({ personId: 1, lifetimeSeconds: 0 }).access_token;
		for (const options of [{}, { token: 'nope' }, { token: expired }]) {
			const res = await call('GET', path, options);
			expect(res.status).toBe(401);
			expect(res.json()).toEqual({ Message: 'Authorization has been denied for this request.' });
		}
	});

	it('answers 403 for a token without the InstantMessage scope', async () => {
		const res = await call('GET', path, {
			token: emu.issueToken({ personId: 1, scopes: ['Calendar'] }).access_token,
		});
		expect(res.status).toBe(403);
		expect(res.json()).toEqual({
			Message: "The access token does not have the required scope 'InstantMessage'.",
		});
	});
});

describe('messaging and unread state', () => {
	it('send v2 raises the recipient’s unread counts and updatelastread lowers them', async () => {
		const unreadThreads = async (token: string) =>
			Number((await call('GET', `${API}/messagethreads/unread/count/v1`, { token })).text);
		expect(await unreadThreads(alan)).toBe(0);

		const sent = await call('POST', `${API}/v2`, {
			token: ada,
			body: { ToPersonIds: [2], Text: 'Hello Alan' },
		});
		expect(sent.status).toBe(200);
		const thread = sent.json<ThreadJson>();
		expect(thread.Type).toBe('OneToOne');
		expect(thread.LastMessage?.Text).toBe('Hello Alan');
		const threadId = thread.InstantMessageThreadId;
		const again = await call('POST', `${API}/v2`, {
			token: ada,
			body: { InstantMessageThreadId: threadId, Text: 'Are you there?' },
		});
		const lastId = again.json<ThreadJson>().LastMessage?.MessageId ?? 0;

		const unreadIn = async (token: string) =>
			Number(
				(await call('GET', `${API}/messagethreads/${threadId}/unread/count/v1`, { token })).text,
			);
		expect(await unreadIn(alan)).toBe(2);
		expect(await unreadThreads(alan)).toBe(1);
		expect(await unreadIn(ada)).toBe(0);
		expect(await unreadThreads(ada)).toBe(0);

		// Reading does not mark read.
		expect(
			(await call('GET', `${API}/messagethreads/${threadId}/messages/v3`, { token: alan })).status,
		).toBe(200);
		expect(await unreadIn(alan)).toBe(2);

		const marked = await call(
			'PUT',
			`${API}/messagethreads/${threadId}/updatelastread/${lastId}/v1`,
			{ token: alan },
		);
		expect(marked.status).toBe(200);
		expect(marked.text).toBe('');
		expect(await unreadIn(alan)).toBe(0);
		expect(await unreadThreads(alan)).toBe(0);
		expect(emu.unreadCount(2, threadId)).toBe(0);
		const seen = await call('GET', `${API}/messagethreads/${threadId}/v2`, { token: alan });
		expect(seen.json<ThreadJson>().LastReadInstantMessageId).toBe(lastId);
	});

	it('sends to courses and projects, and rejects a message without recipients', async () => {
		const course = (
			await call('POST', `${API}/v2`, { token: ada, body: { CourseIds: [100], Text: 'Homework' } })
		).json<ThreadJson>();
		expect(course.Type).toBe('Course');
		expect(course.Participants.map((p) => p.PersonId).sort()).toEqual([1, 2, 3, 4]);
		expect(emu.unreadThreadsCount(4)).toBe(1);

		const project = await call('POST', `${API}/v1`, {
			token: ada,
			body: { ProjectId: 200, Text: 'Fair', FileId: [] },
		});
		expect(project.json<ThreadJson>().Type).toBe('Project');
		const disabled = await call(
			'GET',
			`${API}/messagethreads/${project.json<ThreadJson>().InstantMessageThreadId}/participants/messages-disabled/v1`,
			{ token: ada },
		);
		expect(disabled.json<{ Count: number }>().Count).toBe(1);

		const none = await call('POST', `${API}/v2`, { token: ada, body: { Text: 'Nobody' } });
		expect(none.status).toBe(400);
		expect(none.json<{ Message: string }>().Message).toEqual(expect.any(String));
	});

	it('attaches uploaded files by FileIds, rejects unknown ones and deletes uploads', async () => {
		const upload = await call('POST', `${API}/attachment/v1`, {
			token: ada,
			...multipart([
				{ name: 'notes.txt', content: 'hi' },
				{ name: 'b.csv', content: 'a,b' },
			]),
		});
		expect(upload.status).toBe(200);
		const files = upload.json<Array<{ Item1: string; Item2: string }>>();
		expect(files.map((f) => f.Item2)).toEqual(['notes.txt', 'b.csv']);

		const sent = await call('POST', `${API}/v2`, {
			token: ada,
			body: { ToPersonIds: [2], Text: 'See file', FileIds: [files[0].Item1] },
		});
		const attached = sent.json<ThreadJson>().LastMessage;
		expect(attached?.AttachmentName).toBe('notes.txt');
		const download = await call(
			'GET',
			`${new URL(attached?.AttachmentUrl ?? '').pathname}?access_token=${alan}`,
		);
		expect(download.text).toBe('hi');

		const unknown = await call('POST', `${API}/v2`, {
			token: ada,
			body: { ToPersonIds: [2], FileIds: ['00000000-0000-0000-0000-000000000000'] },
		});
		expect(unknown.status).toBe(400);

		const deleted = await call('DELETE', `${API}/attachment/v1?fileId=${files[1].Item1}`, {
			token: ada,
		});
		expect(deleted.json()).toMatchObject({
			StatusCode: 200,
			ReasonPhrase: 'OK',
			IsSuccessStatusCode: true,
		});
		expect(
			(await call('DELETE', `${API}/attachment/v1?fileId=${files[1].Item1}`, { token: ada }))
				.status,
		).toBe(404);
	});

	it('edits, deletes, restores and stars messages with the right permissions', async () => {
		const thread = emu.createThread(1, [2, 3], 'Study group');
		const [mine] = emu.addMessages(thread.InstantMessageThreadId, 1, 1, 'Draft');
		const edited = await call('PATCH', `${API}/v1`, {
			token: ada,
			body: { InstantMessageId: mine.MessageId, Text: 'Final' },
		});
		expect(edited.json<MessageJson>()).toMatchObject({ Text: 'Final', IsEdited: true });
		expect(
			(
				await call('PATCH', `${API}/v1`, {
					token: alan,
					body: { InstantMessageId: mine.MessageId, Text: 'Hijack' },
				})
			).status,
		).toBe(403);

		expect(
			(await call('DELETE', `${API}/${mine.MessageId}/v1`, { token: ada })).json<MessageJson>()
				.IsDeleted,
		).toBe(true);
		expect(
			(
				await call('PATCH', `${API}/${mine.MessageId}/restore/v1`, { token: ada })
			).json<MessageJson>().IsDeleted,
		).toBe(false);

		expect(
			(
				await call('PUT', `${API}/togglemessagestar/${mine.MessageId}/v1`, { token: alan })
			).json<MessageJson>().IsStarred,
		).toBe(true);
		expect((await call('GET', `${API}/starred/count/v1`, { token: alan })).text).toBe('1');
		expect((await call('GET', `${API}/starred/count/v1`, { token: ada })).text).toBe('0');
		expect((await call('PUT', `${API}/togglepersonblock/3/v1`, { token: alan })).text).toBe('true');
		expect((await call('PUT', `${API}/togglepersonblock/3/v1`, { token: alan })).text).toBe(
			'false',
		);
	});

	it('reads the JSON body of DELETE participants and hides the thread from removed people', async () => {
		const thread = emu.createThread(1, [2, 3, 4], 'Team');
		const id = thread.InstantMessageThreadId;
		expect(
			(await call('DELETE', `${API}/messagethreads/${id}/participants/v1`, { token: ada })).status,
		).toBe(400);
		const removed = await call('DELETE', `${API}/messagethreads/${id}/participants/v1`, {
			token: ada,
			body: { PersonIds: [3, 4] },
		});
		expect(removed.json<ThreadJson>().Participants.map((p) => p.PersonId)).toEqual([1, 2]);
		const outsider = await call('GET', `${API}/messagethreads/${id}/messages/v3`, { token: grace });
		expect(outsider.status).toBe(404);
		expect(outsider.json<{ Message: string }>().Message).toEqual(expect.any(String));
	});

	it('answers 400 for non-integer ids, 404 for unknown ids and routes, 0 for a missing one-to-one thread', async () => {
		expect(
			(await call('GET', `${API}/messagethreads/abc/messages/v3`, { token: ada })).status,
		).toBe(400);
		expect((await call('GET', `${API}/messagethreads/1.5/v2`, { token: ada })).status).toBe(400);
		expect((await call('GET', `${API}/messagethreads/999999/v2`, { token: ada })).status).toBe(404);
		expect((await call('GET', `${API}/privacy/9999/v1`, { token: ada })).status).toBe(404);
		expect((await call('GET', `${API}/nothing/here/v9`, { token: ada })).json()).toEqual({
			Message: expect.stringContaining('No HTTP resource'),
		});
		expect((await call('GET', `${API}/messagethreads/onetoone/6/v1`, { token: ada })).text).toBe(
			'0',
		);
	});

	it('accepts array query parameters indexed (raw or percent-encoded) and repeated', async () => {
		const ids = async (query: string) =>
			(await call('GET', `${API}/recipients/v2?${query}`, { token: ada }))
				.json<Array<{ TypeNameId: string }>>()
				.map((r) => r.TypeNameId);
		const expected = ['Person-2', 'Person-3', 'Course-100'];
		expect(await ids('personIds%5B0%5D=2&personIds%5B1%5D=3&courseIds%5B0%5D=100')).toEqual(
			expected,
		);
		expect(await ids('personIds[0]=2&personIds[1]=3&courseIds[0]=100')).toEqual(expected);
		expect(await ids('personIds=2&personIds=3&courseIds=100')).toEqual(expected);

		const thread = emu.createThread(1, [2], 'Pair');
		const found = await call(
			'GET',
			`${API}/recipients/search/v1?searchText=a&instantMessageThreadId=${thread.InstantMessageThreadId}&recipientRoles%5B0%5D=Student`,
			{ token: ada },
		);
		expect(found.json<Array<{ Id: number }>>().map((r) => r.Id)).toEqual([3, 4, 5]);
	});

	it('searches threads by text and unread state, listing the matching message ids', async () => {
		const quiet = emu.createThread(1, [2], 'Quiet');
		const busy = emu.createThread(1, [3], 'Busy');
		emu.addMessages(quiet.InstantMessageThreadId, 1, 3, 'Lunch');
		const hits = emu.addMessages(busy.InstantMessageThreadId, 3, 2, 'Exam').map((m) => m.MessageId);
		const search = async (body: object) =>
			(await call('POST', `${API}/messagethreads/search/v1`, { token: ada, body })).json<
				EntityList<ThreadJson & { MatchingMessageIds: number[] }>
			>();

		const byText = await search({ SearchText: 'exam' });
		expect(byText).toMatchObject({ Total: 1, CurrentPageIndex: 0, PageSize: 15 });
		expect(byText.EntityArray[0].MatchingMessageIds).toEqual([...hits].reverse());
		expect(
			(await search({ UnreadFilter: true })).EntityArray.map((t) => t.InstantMessageThreadId),
		).toEqual([busy.InstantMessageThreadId]);
		expect(
			(await search({ MaxThreadCount: 1, ThreadPage: 1 })).EntityArray.map(
				(t) => t.InstantMessageThreadId,
			),
		).toEqual([quiet.InstantMessageThreadId]);
	});

	it('applies the core rate limit per access token', async () => {
		emu.setRateLimit({ max: 2, windowMs: 60_000 });
		const path = `${API}/permissions/v1`;
		expect((await call('GET', path, { token: ada })).status).toBe(200);
		expect((await call('GET', `${path}?access_token=${ada}`)).status).toBe(200);
		const limited = await call('GET', path, { token: ada });
		expect(limited.status).toBe(429);
		expect(limited.headers['retry-after']).toBeDefined();
		expect((await call('GET', path, { token: alan })).status).toBe(200);
	});

	it('creates 1,000 messages quickly', () => {
		const thread = emu.createThread(1, [2]);
		const started = performance.now();
		const created = emu.addMessages(thread.InstantMessageThreadId, 2, 1000);
		expect(performance.now() - started).toBeLessThan(500);
		expect(created).toHaveLength(1000);
		expect(emu.unreadCount(1, thread.InstantMessageThreadId)).toBe(1000);
	});
});

describe('paging', () => {
	it('walks 250 messages exactly once with the messages/v3 fromId cursor', async () => {
		const thread = emu.createThread(2, [1]);
		const created = emu.addMessages(thread.InstantMessageThreadId, 2, 250).map((m) => m.MessageId);
		const seen: number[] = [];
		let fromId: number | undefined;
		let pages = 0;
		for (;;) {
			const query = `pageSize=40${fromId === undefined ? '' : `&fromId=${fromId}`}`;
			const res = await call(
				'GET',
				`${API}/messagethreads/${thread.InstantMessageThreadId}/messages/v3?${query}`,
				{ token: ada },
			);
			const page = res.json<{ Messages: EntityList<MessageJson>; HasMore: boolean }>();
			pages++;
			seen.push(...page.Messages.EntityArray.map((m) => m.MessageId));
			if (!page.HasMore) break;
			fromId = Math.min(...page.Messages.EntityArray.map((m) => m.MessageId));
		}
		expect(pages).toBe(7);
		expect(seen).toEqual([...created].reverse());
		expect(new Set(seen).size).toBe(250);
	});

	it('pages threads v2 by threadPage and v3 by fromSortIndex, newest activity first', async () => {
		const threads = [2, 3, 4, 5, 6].map((p) => emu.createThread(1, [p]));
		emu.addMessages(threads[0].InstantMessageThreadId, 1, 1); // oldest thread gets the newest activity
		const expected = [threads[0], ...threads.slice(1).reverse()].map(
			(t) => t.InstantMessageThreadId,
		);

		const v2 = await call(
			'GET',
			`${API}/messagethreads/v2?maxThreadCount=2&threadPage=1&maxMessages=1`,
			{ token: ada },
		);
		const list = v2.json<EntityList<ThreadJson>>();
		expect(list).toMatchObject({ Total: 5, CurrentPageIndex: 1, PageSize: 2 });
		expect(list.EntityArray.map((t) => t.InstantMessageThreadId)).toEqual(expected.slice(2, 4));
		const defaults = (await call('GET', `${API}/messagethreads/v1`, { token: ada })).json<
			EntityList<ThreadJson>
		>();
		expect(defaults.PageSize).toBe(15);

		const walked: number[] = [];
		let from: number | undefined;
		for (;;) {
			const res = await call(
				'GET',
				`${API}/messagethreads/v3?pageSize=2${from === undefined ? '' : `&fromSortIndex=${from}`}`,
				{ token: ada },
			);
			const page = res.json<{ Threads: EntityList<ThreadJson>; HasMore: boolean }>();
			walked.push(...page.Threads.EntityArray.map((t) => t.InstantMessageThreadId));
			if (!page.HasMore) break;
			from = Math.min(...page.Threads.EntityArray.map((t) => t.SortIndex));
		}
		expect(walked).toEqual(expected);
	});

	it('applies maxMessages and one id bound on thread messages, rejecting both bounds and > 500', async () => {
		const thread = emu.createThread(1, [2]);
		const ids = emu.addMessages(thread.InstantMessageThreadId, 2, 30).map((m) => m.MessageId);
		const base = `${API}/messagethreads/${thread.InstantMessageThreadId}`;
		const page = async (path: string) =>
			(await call('GET', path, { token: ada }))
				.json<EntityList<MessageJson>>()
				.EntityArray.map((m) => m.MessageId);

		expect(await page(`${base}/messages/v2?maxMessages=5`)).toEqual(ids.slice(25).reverse());
		expect(
			await page(`${base}/messages/v2?maxMessages=5&upperBoundInstantMessageId=${ids[10]}`),
		).toEqual(ids.slice(5, 10).reverse());
		expect(await page(`${base}/v1?maxMessages=5&lowerBoundInstantMessageId=${ids[10]}`)).toEqual(
			ids.slice(11, 16).reverse(),
		);
		expect(await page(`${base}/messages/v2`)).toHaveLength(30);
		const withThread = (
			await call('GET', `${base}/v2?maxMessages=3`, { token: ada })
		).json<ThreadJson>();
		expect(withThread.Messages?.EntityArray.map((m) => m.MessageId)).toEqual(
			ids.slice(27).reverse(),
		);

		expect(
			(
				await call(
					'GET',
					`${base}/messages/v2?upperBoundInstantMessageId=${ids[5]}&lowerBoundInstantMessageId=${ids[1]}`,
					{ token: ada },
				)
			).status,
		).toBe(400);
		expect((await call('GET', `${base}/v2?maxMessages=501`, { token: ada })).status).toBe(400);
	});
});

describe('faults', () => {
	const path = `${API}/settings/v2`;

	it('returns an injected 429 with Retry-After', async () => {
		emu.injectFault({ kind: 'status', status: 429, retryAfter: 7 });
		const res = await call('GET', path, { token: ada });
		expect(res.status).toBe(429);
		expect(res.headers['retry-after']).toBe('7');
		expect(res.json()).toEqual({ Message: 'Injected fault 429' });
		expect((await call('GET', path, { token: ada })).status).toBe(200);
	});

	it('returns malformed JSON when asked', async () => {
		emu.injectFault({ kind: 'malformed' });
		const res = await call('GET', path, { token: ada });
		expect(res.status).toBe(200);
		expect(() => res.json()).toThrow(SyntaxError);
	});

	it('drops the connection when asked, leaving the token endpoint alone', async () => {
		emu.injectFault({ kind: 'drop', times: 2 });
		const refresh = emu.issueToken({ personId: 1 }).refresh_token;
		expect(
			(
				await call(
					'POST',
					'/restapi/oauth2/token',
					form({ grant_type: 'refresh_token', refresh_token: refresh, client_id: CLIENT_ID }),
				)
			).status,
		).toBe(200);
		await expect(call('GET', path, { token: ada })).rejects.toThrow();
		await expect(call('GET', path, { token: ada })).rejects.toThrow();
		expect((await call('GET', path, { token: ada })).status).toBe(200);
	});
});

describe('route coverage', () => {
	interface Fixture {
		threadId: number;
		ownMessageId: number;
		otherMessageId: number;
		fileId: string;
	}
	type Probe = (f: Fixture) => [Dispatcher.HttpMethod, string, CallOptions?];
	const T = (f: Fixture) => `${API}/messagethreads/${f.threadId}`;
	const probes: Record<string, Probe> = {
		addModeratorToThread: (f) => ['PUT', `${T(f)}/moderators/v1`, { body: { PersonIds: [2] } }],
		addParticipantsToThread: (f) => [
			'PUT',
			`${T(f)}/participants/v1`,
			{ body: { PersonIds: [4] } },
		],
		cancelAbuseReport: (f) => ['DELETE', `${API}/${f.otherMessageId}/abusereport/v1`],
		cancelAbuseThreadReport: (f) => ['PUT', `${API}/cancelabusethreadreport/${f.threadId}/v1`],
		checkPrivacyRules: () => ['GET', `${API}/privacy/2/v1`],
		deleteAttachment: (f) => ['DELETE', `${API}/attachment/v1?fileId=${f.fileId}`],
		deleteInstantMessage: (f) => ['DELETE', `${API}/${f.otherMessageId}/v1`],
		deleteThread: (f) => ['DELETE', `${T(f)}/v1`],
		getCollaborationThreadId: () => ['GET', `${API}/messagethreads/collaborations/7/v1`],
		getInstantMessagePermissions: () => ['GET', `${API}/permissions/v1`],
		getMessageThreadsV1: () => [
			'GET',
			`${API}/messagethreads/v1?maxThreadCount=5&threadPage=0&maxMessages=2`,
		],
		getMessageThreadsV2: () => ['GET', `${API}/messagethreads/v2?maxThreadCount=5`],
		getMessageThreadsV3: () => ['GET', `${API}/messagethreads/v3?pageSize=10`],
		getOneToOneThreadId: () => ['GET', `${API}/messagethreads/onetoone/2/v1`],
		getParticipantsWithDisabledMessages: (f) => [
			'GET',
			`${T(f)}/participants/messages-disabled/v1`,
		],
		getRecipientPersons: () => ['POST', `${API}/recipients/persons/v1`, { body: [1, 2] }],
		getRecipientsV1: () => ['GET', `${API}/recipients/v1?courseId=100&personIds%5B0%5D=2`],
		getRecipientsV2: () => [
			'GET',
			`${API}/recipients/v2?personIds%5B0%5D=2&courseIds%5B0%5D=100&projectIds%5B0%5D=200`,
		],
		getSettingsV1: () => ['GET', `${API}/settings/v1`],
		getSettingsV2: () => ['GET', `${API}/settings/v2`],
		getStarredMessagesCount: () => ['GET', `${API}/starred/count/v1`],
		getSuggestions: () => ['GET', `${API}/suggestions/v1?searchText=Al&maxSuggestions=10`],
		getThreadAndMessagesV2: (f) => ['GET', `${T(f)}/v2?maxMessages=10`],
		getThreadMessagesV1: (f) => ['GET', `${T(f)}/v1`],
		getThreadMessagesV2: (f) => ['GET', `${T(f)}/messages/v2?maxMessages=3`],
		getThreadMessagesV3: (f) => ['GET', `${T(f)}/messages/v3?pageSize=5`],
		getThreadSuggestions: () => ['GET', `${API}/messagethreads/suggestions/v1?searchText=Alan`],
		getThreadUnreadCount: (f) => ['GET', `${T(f)}/unread/count/v1`],
		getUnreadThreadsCount: () => ['GET', `${API}/messagethreads/unread/count/v1`],
		registerCommunicationChannel: () => [
			'POST',
			`${API}/communicationchannel/conn-1/v1?unregister=false`,
		],
		removeParticipantsFromThread: (f) => [
			'DELETE',
			`${T(f)}/participants/v1`,
			{ body: { PersonIds: [4] } },
		],
		restoreInstantMessage: (f) => ['PATCH', `${API}/${f.otherMessageId}/restore/v1`],
		restoreThread: (f) => ['PATCH', `${T(f)}/restore/v1`],
		searchMessagesInThread: (f) => ['GET', `${T(f)}/messages/search/v1?searchText=Message`],
		searchMessageThreads: () => [
			'POST',
			`${API}/messagethreads/search/v1`,
			{ body: { SearchText: 'Message', ThreadPage: 0 } },
		],
		searchRecipients: () => [
			'GET',
			`${API}/recipients/search/v1?searchText=a&recipientRoles%5B0%5D=Student`,
		],
		sendInstantMessageV1: () => ['POST', `${API}/v1`, { body: { ToPersonIds: [3], Text: 'v1' } }],
		sendInstantMessageV2: (f) => [
			'POST',
			`${API}/v2`,
			{ body: { InstantMessageThreadId: f.threadId, Text: 'v2' } },
		],
		toggleMessageStar: (f) => ['PUT', `${API}/togglemessagestar/${f.otherMessageId}/v1`],
		togglePersonBlock: () => ['PUT', `${API}/togglepersonblock/6/v1`],
		toggleThreadReplies: (f) => ['PUT', `${T(f)}/toggleEnableDisableReplies/v1`],
		updateInstantMessageText: (f) => [
			'PATCH',
			`${API}/v1`,
			{ body: { InstantMessageId: f.ownMessageId, Text: 'edited' } },
		],
		updateLastRead: (f) => ['PUT', `${T(f)}/updatelastread/${f.otherMessageId}/v1?sortIndex=5`],
		updateThread: (f) => ['PUT', `${T(f)}/v1`, { body: { UpdateName: true, Name: 'Renamed' } }],
		uploadAttachment: () => [
			'POST',
			`${API}/attachment/v1`,
			multipart([{ name: 'x.txt', content: 'x' }]),
		],
	};

	it('serves every spec route (45) with a 2xx answer', async () => {
		expect(emu.routes).toHaveLength(45);
		expect(Object.keys(probes).sort()).toEqual(emu.routes.map((r) => r.sdkMethod).sort());

		const thread = emu.createThread(1, [2, 3, 5], 'Coverage');
		const [own] = emu.addMessages(thread.InstantMessageThreadId, 1, 1);
		const [other] = emu.addMessages(thread.InstantMessageThreadId, 2, 1);
		const upload = await call('POST', `${API}/attachment/v1`, {
			token: ada,
			...multipart([{ name: 'a.txt', content: 'a' }]),
		});
		const fixture: Fixture = {
			threadId: thread.InstantMessageThreadId,
			ownMessageId: own.MessageId,
			otherMessageId: other.MessageId,
			fileId: upload.json<Array<{ Item1: string }>>()[0].Item1,
		};

		const failures: string[] = [];
		for (const [sdkMethod, probe] of Object.entries(probes)) {
			const [method, path, options] = probe(fixture);
			const res = await call(method, path, { ...options, token: ada });
			if (res.status !== 200) failures.push(`${sdkMethod}: ${res.status} ${res.text}`);
		}
		expect(failures).toEqual([]);
	});

	it('matches the method and path of every spec entry', () => {
		const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as Array<{
			sdkMethod: string;
			httpMethod: string;
			path: string;
		}>;
		const key = (r: { sdkMethod: string; method: string; path: string }) =>
			`${r.sdkMethod} ${r.method} ${r.path}`;
		expect(emu.routes.map(key).sort()).toEqual(
			spec.map((s) => key({ sdkMethod: s.sdkMethod, method: s.httpMethod, path: s.path })).sort(),
		);
	});
});
