/**
 * OAuth2 through n8n-core (refresh on 401 through the Site-URL token endpoint, rotating refresh
 * tokens persisted, header vs query signing, missing scope), errors per item with and without
 * Continue On Fail (never leaking a token), and the transport under injected faults.
 */
import type { IDataObject } from 'n8n-workflow';

import type { MultipartBody } from '../emulator/core';
import { binaryItem } from '../harness/n8n';
import {
	CREDENTIAL_TYPE,
	TOKEN_PATH,
	answerOf,
	authorizationOf,
	errorText,
	jsonOf,
	paramsFor,
	sleep,
	startSite,
	type Site,
} from './setup';

/** The site of the running test (each test starts its own). */
let site!: Site;
let open: Site | undefined;
const start = async (options?: Parameters<typeof startSite>[0]) => {
	site = await startSite(options);
	open = site;
};
afterEach(async () => {
	await open?.close();
	open = undefined;
});

const params = (sdkMethod: string, values: IDataObject = {}, extra: IDataObject = {}) =>
	paramsFor(site.pkg, sdkMethod, values, extra);
const UNREAD_THREADS = '/restapi/personal/instantmessages/messagethreads/unread/count/v1';

// ---------------------------------------------------------------------------------------------

describe('OAuth2', () => {
	it.each(['header', 'query'] as const)(
		'an expired token is refreshed via the Site URL token endpoint; rotated tokens are stored and used next time (signing: %s)',
		async (requestSigning) => {
			// Every token of this site lives 1 second, refreshed ones included.
			await start({ tokenLifetimeSeconds: 1 });
			const cred = site.signIn({ lifetimeSeconds: 1, requestSigning });
			const tokenOfRequest = (index: number) => {
				const request = site.apiRequests()[index];
				return requestSigning === 'header'
					? authorizationOf(request)?.replace(/^Bearer /, '')
					: request.queryPairs.find(([name]) => name === 'access_token')?.[1];
			};
			// The stored credential holds no token URL: n8n resolves it from the Site URL expression.
			expect(site.store.get(CREDENTIAL_TYPE, cred.ref.id).accessTokenUrl).toBeUndefined();

			let spent = cred.token;
			for (let round = 0; round < 2; round++) {
				await sleep(1200);
				site.clearLogs();
				const result = await site.run(params('getUnreadThreadsCount'), { as: cred });
				expect(result.error).toBeUndefined();
				expect(jsonOf(result)).toEqual([{ unreadThreadsCount: 0 }]);

				// 401 with the expired token → refresh grant → the same call again with the new token.
				expect(site.responses.map((r) => [r.method, r.rawPath, r.status])).toEqual([
					['GET', UNREAD_THREADS, 401],
					['POST', TOKEN_PATH, 200],
					['GET', UNREAD_THREADS, 200],
				]);
				const rotation = site.emu.tokensRefreshed[round];
				expect(site.emu.tokensRefreshed).toHaveLength(round + 1);
				expect(rotation.old).toBe(spent.refresh_token);
				const [tokenRequest] = site.tokenRequests();
				expect(Object.fromEntries(new URLSearchParams(tokenRequest.body as string))).toEqual({
					grant_type: 'refresh_token',
					refresh_token: spent.refresh_token,
					client_id: 'n8n-test-client',
				});
				expect([tokenOfRequest(0), tokenOfRequest(1)]).toEqual([
					spent.access_token,
					rotation.accessToken,
				]);

				// n8n persisted the NEW access token and the ROTATED refresh token.
				expect(site.store.updates).toHaveLength(round + 1);
				const update = site.store.updates[round];
				expect(update.via).toBe('updateCredentialsOauthTokenData');
				expect(update.data.oauthTokenData).toMatchObject({
					access_token: rotation.accessToken,
					refresh_token: rotation.new,
				});
				expect(site.store.get(CREDENTIAL_TYPE, cred.ref.id).oauthTokenData).toMatchObject({
					access_token: rotation.accessToken,
					refresh_token: rotation.new,
				});
				spent = { ...spent, access_token: rotation.accessToken, refresh_token: rotation.new };
			}
		},
	);

	it('an upload with an expired token is sent again, whole, after the refresh', async () => {
		await start();
		const cred = site.signIn({ lifetimeSeconds: 0 });
		const content = Buffer.from('quarterly numbers');
		const input = [binaryItem({}, content, 'numbers.csv', 'text/csv')];
		const result = await site.run(params('uploadAttachment', { binaryPropertyName: 'data' }), {
			as: cred,
			input,
		});
		expect(result.error).toBeUndefined();
		expect(site.responses.map((r) => [r.rawPath, r.status])).toEqual([
			['/restapi/personal/instantmessages/attachment/v1', 401],
			[TOKEN_PATH, 200],
			['/restapi/personal/instantmessages/attachment/v1', 200],
		]);
		for (const request of site.apiRequests()) {
			expect(
				(request.body as MultipartBody).files.map((f) => [f.filename, f.mimeType, f.content]),
			).toEqual([['numbers.csv', 'text/csv', content]]);
		}
		expect(jsonOf(result)).toEqual(answerOf(site.apiResponses()[1]));
		expect([...site.emu.uploads.values()].map((f) => f.Content)).toEqual([content]);
	});

	it('a credential still holding a spent refresh token fails clearly, without leaking tokens', async () => {
		await start();
		const cred = site.signIn({ lifetimeSeconds: 0 });
		// Rotate its refresh token elsewhere (another n8n instance, the itslearning app…).
		const rotated = site.emu.tokensRefreshed.length;
		const response = await fetch(`${site.emu.url}${TOKEN_PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				grant_type: 'refresh_token',
				refresh_token: cred.token.refresh_token,
				client_id: 'n8n-test-client',
			}),
		});
		expect(response.status).toBe(200);
		expect(site.emu.tokensRefreshed).toHaveLength(rotated + 1);
		site.clearLogs();

		const result = await site.run(params('getUnreadThreadsCount'), { as: cred });
		expect(result.status).toBe('error');
		expect(site.responses.map((r) => [r.rawPath, r.status])).toEqual([
			[UNREAD_THREADS, 401],
			[TOKEN_PATH, 400],
		]);
		expect(JSON.parse(site.responses[1].body)).toMatchObject({ error: 'invalid_grant' });
		expect(result.error?.message).toBe(
			`The credential "${cred.ref.name}" needs to be reconnected.`,
		);
		expect(site.store.updates).toHaveLength(0);
		const text = errorText(result.error);
		for (const secret of [
			cred.token.access_token,
			cred.token.refresh_token,
			site.emu.tokensRefreshed[rotated].new,
		])
			expect(text).not.toContain(secret);
	});

	it('signs with "Authorization: Bearer" by default and with access_token in the query when asked', async () => {
		await start();
		const queryCred = site.signIn({ requestSigning: 'query' });

		const byHeader = await site.run(params('getSuggestions', { searchText: 'Ada Lovelace' }));
		const byQuery = await site.run(params('getSuggestions', { searchText: 'Ada Lovelace' }), {
			as: queryCred,
		});
		expect(byHeader.error ?? byQuery.error).toBeUndefined();
		const [header, query] = site.apiRequests();
		expect(authorizationOf(header)).toBe(`Bearer ${site.me.token.access_token}`);
		expect(header.rawQuery).toBe('searchText=Ada%20Lovelace&maxSuggestions=10');
		expect(authorizationOf(query)).toBeUndefined();
		expect(query.queryPairs).toEqual([
			['searchText', 'Ada Lovelace'],
			['maxSuggestions', '10'],
			['access_token', queryCred.token.access_token],
		]);
		expect(jsonOf(byHeader)).toEqual(answerOf(site.apiResponses()[0]));
		expect(jsonOf(byQuery)).toEqual(answerOf(site.apiResponses()[1]));
	});

	it('a token without the InstantMessage scope gets 403 and the error names the scope', async () => {
		await start();
		const cred = site.signIn({ scopes: ['Messages', 'Calendar'] });
		const result = await site.run(params('getUnreadThreadsCount'), { as: cred });
		expect(site.responses.map((r) => [r.rawPath, r.status])).toEqual([[UNREAD_THREADS, 403]]);
		const error = result.error as unknown as {
			message: string;
			description: string;
			httpCode: string;
		};
		expect(error.httpCode).toBe('403');
		expect(error.message).toBe(
			"itslearning error 403: The access token does not have the required scope 'InstantMessage'.",
		);
		expect(error.description).toContain('The credential needs the "InstantMessage" scope');
		expect(errorText(result.error)).not.toContain(cred.token.access_token);
	});
});

// ---------------------------------------------------------------------------------------------

describe('errors per item', () => {
	const threadCountPath = (id: number) =>
		`/restapi/personal/instantmessages/messagethreads/${id}/unread/count/v1`;
	const setUp = () => {
		const a = site.emu.createThread(1, [2], 'A');
		site.emu.addMessages(a.InstantMessageThreadId, 2, 2);
		const b = site.emu.createThread(1, [3], 'B');
		site.emu.addMessages(b.InstantMessageThreadId, 3, 1);
		const ids = [a.InstantMessageThreadId, 424242, b.InstantMessageThreadId];
		return { ids, input: ids.map((threadId) => ({ json: { threadId } })) };
	};
	const perItem = () => params('getThreadUnreadCount', { threadId: '={{ $json.threadId }}' });
	const NOT_FOUND = 'itslearning error 404: The instant message thread 424242 was not found.';

	it.each(['header', 'query'] as const)(
		'without Continue On Fail the run fails with the service message, HTTP code and item index (signing: %s)',
		async (requestSigning) => {
			await start();
			const cred = site.signIn({ requestSigning });
			const { ids, input } = setUp();
			const result = await site.run(perItem(), { as: cred, input });

			expect(result.status).toBe('error');
			const error = result.error as unknown as {
				message: string;
				httpCode: string;
				context: IDataObject;
				description: string;
			};
			expect(error.message).toBe(NOT_FOUND);
			expect(error.httpCode).toBe('404');
			expect(error.context.itemIndex).toBe(1);
			expect(result.items).toHaveLength(0);
			// Expressions resolved per item; the third item was never sent.
			expect(site.apiRequests().map((r) => r.rawPath)).toEqual([
				threadCountPath(ids[0]),
				threadCountPath(ids[1]),
			]);
			expect(site.apiResponses().map((r) => r.status)).toEqual([200, 404]);
			expect(JSON.parse(site.apiResponses()[1].body)).toEqual({
				Message: 'The instant message thread 424242 was not found.',
			});
			expect(errorText(result.error)).not.toContain(cred.token.access_token);
			expect(errorText(result.run.data.resultData)).not.toContain(cred.token.access_token);
		},
	);

	it.each(['header', 'query'] as const)(
		'with Continue On Fail the failed item becomes an error item paired with its input (signing: %s)',
		async (requestSigning) => {
			await start();
			const cred = site.signIn({ requestSigning });
			const { ids, input } = setUp();
			const result = await site.run(perItem(), { as: cred, input, continueOnFail: true });

			expect(result.error).toBeUndefined();
			expect(site.apiRequests().map((r) => r.rawPath)).toEqual(ids.map(threadCountPath));
			expect(result.items.map((item) => item.pairedItem)).toEqual([
				{ item: 0 },
				{ item: 1 },
				{ item: 2 },
			]);
			const [first, failed, third] = jsonOf(result);
			expect(first).toEqual({ unreadCount: 2 });
			expect(third).toEqual({ unreadCount: 1 });
			expect(failed).toMatchObject({ error: NOT_FOUND, httpCode: '404' });
			expect(failed.description).toContain(
				'Request: GET /restapi/personal/instantmessages/messagethreads/{threadId}/unread/count/v1 (getThreadUnreadCount)',
			);
			expect(JSON.stringify(result.items)).not.toContain(cred.token.access_token);
		},
	);

	it('a service message that echoes the request URI (query signing) has the token redacted', async () => {
		await start();
		const cred = site.signIn({ requestSigning: 'query' });
		// What ASP.NET answers for an unknown route: the full request URI, access_token included.
		const echoed = `${site.emu.url}${UNREAD_THREADS}?access_token=${cred.token.access_token}`;
		site.emu.injectFault({
			kind: 'status',
			status: 404,
			body: {
				Message: `No HTTP resource was found that matches the request URI '${echoed}'.`,
				MessageDetail: `URI ${echoed}`,
			},
		});
		const failed = await site.run(params('getUnreadThreadsCount'), { as: cred });
		const withItem = await site.run(params('getUnreadThreadsCount'), {
			as: cred,
			continueOnFail: true,
		});
		expect(site.apiResponses().map((r) => r.status)).toEqual([404, 200]);
		expect(site.apiResponses()[0].body).toContain(cred.token.access_token);

		expect(failed.error?.message).toBe(
			`itslearning error 404: No HTTP resource was found that matches the request URI '${site.emu.url}${UNREAD_THREADS}?access_token=[redacted]'.`,
		);
		expect(errorText(failed.error)).not.toContain(cred.token.access_token);
		expect(errorText(failed.run.data.resultData)).not.toContain(cred.token.access_token);
		expect(jsonOf(withItem)).toEqual([{ unreadThreadsCount: 0 }]);
	});

	it('with Continue On Fail an invalid id in one item fails that item only, before its request', async () => {
		await start();
		const { ids } = setUp();
		const input = [
			{ json: { threadId: ids[0] } },
			{ json: { threadId: '12abc' } },
			{ json: { threadId: ids[2] } },
		];
		const result = await site.run(perItem(), { input, continueOnFail: true });
		expect(site.apiRequests().map((r) => r.rawPath)).toEqual([
			threadCountPath(ids[0]),
			threadCountPath(ids[2]),
		]);
		expect(jsonOf(result)).toEqual([
			{ unreadCount: 2 },
			expect.objectContaining({
				error: 'Invalid value for "Thread ID" (threadId): expected a whole number, got "12abc"',
			}),
			{ unreadCount: 1 },
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
	});
});

// ---------------------------------------------------------------------------------------------

describe('faults', () => {
	beforeEach(async () => {
		await start();
	});
	const statuses = () => site.apiResponses().map((r) => r.status);

	it('429 with Retry-After: 1, three times → waits and succeeds on the 4th request', async () => {
		site.emu.injectFault({ kind: 'status', status: 429, retryAfter: 1, times: 3 });
		const result = await site.run(params('getUnreadThreadsCount'));
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toEqual([{ unreadThreadsCount: 0 }]);
		expect(statuses()).toEqual([429, 429, 429, 200]);
		expect(
			site
				.apiResponses()
				.slice(0, 3)
				.map((r) => r.headers['retry-after']),
		).toEqual(['1', '1', '1']);
		expect(site.apiRequests()).toHaveLength(4);
	});

	it('503 on a GET is retried', async () => {
		site.emu.injectFault({ kind: 'status', status: 503, times: 1, match: { method: 'GET' } });
		const result = await site.run(params('getSettingsV2'));
		expect(result.error).toBeUndefined();
		expect(statuses()).toEqual([503, 200]);
		expect(jsonOf(result)).toEqual([answerOf(site.apiResponses()[1])]);
	});

	it('503 on a POST (send) is NOT retried: one request, an error, no message', async () => {
		const thread = site.emu.createThread(1, [2], 'Fault');
		site.emu.injectFault({ kind: 'status', status: 503, times: 1, match: { method: 'POST' } });
		const result = await site.run(
			params('sendInstantMessageV2', {
				text: 'once',
				instantMessageThreadId: String(thread.InstantMessageThreadId),
			}),
		);
		expect(statuses()).toEqual([503]);
		expect(site.apiRequests()).toHaveLength(1);
		const error = result.error as unknown as { message: string; httpCode: string };
		expect(error.httpCode).toBe('503');
		expect(error.message).toBe('itslearning error 503: Injected fault 503');
		expect(thread.MessageIds).toHaveLength(0);
	});

	it('429 on a POST (send) IS retried: the message is sent exactly once', async () => {
		const thread = site.emu.createThread(1, [2], 'Fault');
		site.emu.injectFault({
			kind: 'status',
			status: 429,
			retryAfter: 1,
			times: 1,
			match: { method: 'POST' },
		});
		const result = await site.run(
			params('sendInstantMessageV2', {
				text: 'once',
				instantMessageThreadId: String(thread.InstantMessageThreadId),
			}),
		);
		expect(result.error).toBeUndefined();
		expect(statuses()).toEqual([429, 200]);
		expect(thread.MessageIds.map((id) => site.emu.getMessage(id)!.Text)).toEqual(['once']);
		expect(jsonOf(result)).toEqual([answerOf(site.apiResponses()[1])]);
	});

	it('malformed JSON on a GET is retried and then succeeds', async () => {
		site.emu.injectFault({ kind: 'malformed', times: 1 });
		const result = await site.run(params('getInstantMessagePermissions'));
		expect(result.error).toBeUndefined();
		expect(site.apiResponses().map((r) => r.body)).toEqual([
			'{"truncated": [1, 2',
			site.apiResponses()[1].body,
		]);
		expect(jsonOf(result)).toEqual([answerOf(site.apiResponses()[1])]);
	});

	it('persistently malformed JSON on a GET ends in a clear error after the retry budget', async () => {
		site.emu.injectFault({ kind: 'malformed', times: 100 });
		const result = await site.run(params('getInstantMessagePermissions'));
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'itslearning answered with malformed JSON (after 5 retries)',
		);
		expect((result.error as unknown as { description: string }).description).toBe(
			'Request: GET /restapi/personal/instantmessages/permissions/v1 (getInstantMessagePermissions)',
		);
		expect(site.apiRequests()).toHaveLength(6);
	}, 60_000);

	it('a dropped connection on a GET is retried', async () => {
		site.emu.injectFault({ kind: 'drop', times: 1 });
		const result = await site.run(params('getStarredMessagesCount'));
		expect(result.error).toBeUndefined();
		expect(site.apiRequests()).toHaveLength(2);
		expect(statuses()).toEqual([200]);
		expect(site.apiResponses()[0].body).toBe('0');
		expect(jsonOf(result)).toEqual([{ starredCount: 0 }]);
	});

	it("the emulator's rate limit (429 + Retry-After) is waited out across items", async () => {
		site.emu.setRateLimit({ max: 2, windowMs: 1000 });
		const input = [5, 2, 3, 4].map((personId) => ({ json: { personId } }));
		const result = await site.run(
			params('checkPrivacyRules', { personId: '={{ $json.personId }}' }),
			{ input },
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toEqual([
			{ allowed: false },
			{ allowed: true },
			{ allowed: true },
			{ allowed: true },
		]);
		expect(statuses().filter((s) => s === 429).length).toBeGreaterThan(0);
		expect(statuses().filter((s) => s === 200)).toHaveLength(4);
		expect(
			site
				.apiRequests()
				.filter((r, i) => site.apiResponses()[i].status === 200)
				.map((r) => r.rawPath),
		).toEqual([5, 2, 3, 4].map((id) => `/restapi/personal/instantmessages/privacy/${id}/v1`));
	});
});
