/**
 * Behaviour of the built node against the emulated itslearning site: unread counts rise and fall,
 * Return All walks every page of every paging style (and Limit stops early), bad input fails
 * before any request, and files go up as multipart and come back as FileIds for a message.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { MultipartBody } from '../emulator/core';
import { binaryItem } from '../harness/n8n';
import { answerOf, authorizationOf, jsonOf, paramsFor, startSite, type Site } from './setup';

let site: Site;
beforeEach(async () => {
	site = await startSite();
});
afterEach(async () => await site.close());

const params = (
	sdkMethod: string,
	values: IDataObject = {},
	extra: IDataObject = {},
): INodeParameters => paramsFor(site.pkg, sdkMethod, values, extra);
const idsOf = (items: IDataObject[], field: string) => items.map((item) => item[field] as number);
const ascending = (ids: number[]) => [...ids].sort((a, b) => a - b);

// ---------------------------------------------------------------------------------------------

describe('unread counts', () => {
	it("sending raises the recipient's unread counts; Mark as Read lowers them", async () => {
		const alan = site.signIn({ personId: 2 });
		const other = site.emu.createThread(1, [2, 3], 'Other');
		const thread = site.emu.createThread(1, [2], 'Unread');
		const threadId = String(thread.InstantMessageThreadId);

		const counts = async () => {
			const threads = await site.run(params('getUnreadThreadsCount'), { as: alan });
			const inThread = await site.run(params('getThreadUnreadCount', { threadId }), { as: alan });
			expect(threads.error ?? inThread.error).toBeUndefined();
			return [jsonOf(threads), jsonOf(inThread)];
		};
		const expectCounts = async (threads: number, inThread: number) => {
			site.clearLogs();
			expect(await counts()).toEqual([
				[{ unreadThreadsCount: threads }],
				[{ unreadCount: inThread }],
			]);
			const [a, b] = site.apiRequests();
			expect([a.rawPath, b.rawPath]).toEqual([
				'/restapi/personal/instantmessages/messagethreads/unread/count/v1',
				`/restapi/personal/instantmessages/messagethreads/${threadId}/unread/count/v1`,
			]);
			// Run with the recipient's credential, answered from the recipient's read state.
			expect([authorizationOf(a), authorizationOf(b)]).toEqual([
				`Bearer ${alan.token.access_token}`,
				`Bearer ${alan.token.access_token}`,
			]);
			expect([
				site.emu.unreadThreadsCount(2),
				site.emu.unreadCount(2, thread.InstantMessageThreadId),
			]).toEqual([threads, inThread]);
		};

		await expectCounts(0, 0);

		// Person 1 sends two messages into the thread and one into another thread.
		const sent: IDataObject[] = [];
		for (const [id, text] of [
			[threadId, 'First'],
			[threadId, 'Second'],
			[String(other.InstantMessageThreadId), 'Elsewhere'],
		]) {
			site.clearLogs();
			const result = await site.run(
				params('sendInstantMessageV2', { text, instantMessageThreadId: id }),
			);
			expect(result.error).toBeUndefined();
			expect(site.apiRequests().map((r) => [r.method, r.rawPath, r.body])).toEqual([
				[
					'POST',
					'/restapi/personal/instantmessages/v2',
					{ Text: text, InstantMessageThreadId: Number(id) },
				],
			]);
			expect(jsonOf(result)).toEqual([answerOf(site.apiResponses()[0])]);
			sent.push(jsonOf(result)[0].LastMessage as IDataObject);
		}
		expect(sent.map((m) => m.Text)).toEqual(['First', 'Second', 'Elsewhere']);
		await expectCounts(2, 2);

		// Mark as Read up to the first message: one left in the thread.
		const markRead = async (messageId: number, sortIndex?: number) => {
			site.clearLogs();
			const result = await site.run(
				params('updateLastRead', {
					threadId,
					lastReadInstantMessageId: String(messageId),
					...(sortIndex ? { sortIndex: String(sortIndex) } : {}),
				}),
				{ as: alan },
			);
			expect(result.error).toBeUndefined();
			expect(site.apiRequests().map((r) => [r.method, r.url])).toEqual([
				[
					'PUT',
					`/restapi/personal/instantmessages/messagethreads/${threadId}/updatelastread/${messageId}/v1${sortIndex ? `?sortIndex=${sortIndex}` : ''}`,
				],
			]);
			expect(jsonOf(result)).toEqual([
				{
					success: true,
					threadId: Number(threadId),
					lastReadInstantMessageId: messageId,
					...(sortIndex ? { sortIndex } : {}),
				},
			]);
		};
		await markRead(sent[0].MessageId as number);
		await expectCounts(2, 1);
		await markRead(sent[1].MessageId as number, thread.SortIndex);
		await expectCounts(1, 0);
	});
});

// ---------------------------------------------------------------------------------------------

describe('Return All walks every page, Limit stops early', () => {
	it('Message → Get Many (v3 cursor): 1,000 messages, each exactly once, one request per page', async () => {
		const thread = site.emu.createThread(1, [2], 'Long');
		site.emu.addMessages(thread.InstantMessageThreadId, 2, 1000);
		const threadId = String(thread.InstantMessageThreadId);

		const all = await site.run(params('getThreadMessagesV3', { threadId }, { returnAll: true }));
		expect(all.error).toBeUndefined();
		const ids = idsOf(jsonOf(all), 'MessageId');
		expect(ids).toHaveLength(1000);
		expect(ascending(ids)).toEqual(thread.MessageIds);

		const requests = site.apiRequests();
		const answers = site.apiResponses().map(answerOf) as Array<{
			Messages: { EntityArray: IDataObject[] };
			HasMore: boolean;
		}>;
		expect(requests).toHaveLength(10);
		expect(answers.map((a) => a.HasMore)).toEqual([...Array(9).fill(true), false]);
		requests.forEach((request, page) => {
			expect(request.rawPath).toBe(
				`/restapi/personal/instantmessages/messagethreads/${threadId}/messages/v3`,
			);
			// First page without a cursor, then fromId = lowest MessageId of the previous page.
			const cursor =
				page === 0
					? ''
					: `&fromId=${Math.min(...idsOf(answers[page - 1].Messages.EntityArray, 'MessageId'))}`;
			expect(request.rawQuery).toBe(`pageSize=100${cursor}`);
		});
		// The node outputs exactly what the pages held, in order.
		expect(jsonOf(all)).toEqual(answers.flatMap((a) => a.Messages.EntityArray));

		site.clearLogs();
		const limited = await site.run(
			params('getThreadMessagesV3', { threadId }, { returnAll: false, limit: 150 }),
		);
		expect(idsOf(jsonOf(limited), 'MessageId')).toEqual(thread.MessageIds.slice(-150).reverse());
		expect(site.apiRequests()).toHaveLength(2);

		site.clearLogs();
		const few = await site.run(
			params('getThreadMessagesV3', { threadId }, { returnAll: false, limit: 7 }),
		);
		expect(idsOf(jsonOf(few), 'MessageId')).toEqual(thread.MessageIds.slice(-7).reverse());
		expect(site.apiRequests().map((r) => r.rawQuery)).toEqual(['pageSize=7']);
	});

	it.each(['getMessageThreadsV2', 'getMessageThreadsV1'])(
		'Thread → %s (page numbers): 230 threads over 3 pages',
		async (sdkMethod) => {
			const threads = Array.from({ length: 230 }, (_, i) =>
				site.emu.createThread(1, [2 + (i % 4)], `Thread ${i}`),
			);
			const all = await site.run(params(sdkMethod, { maxMessages: 1 }, { returnAll: true }));
			expect(all.error).toBeUndefined();
			expect(ascending(idsOf(jsonOf(all), 'InstantMessageThreadId'))).toEqual(
				threads.map((t) => t.InstantMessageThreadId),
			);
			expect(site.apiRequests().map((r) => r.rawQuery)).toEqual(
				[0, 1, 2].map((page) => `maxThreadCount=100&threadPage=${page}&maxMessages=1`),
			);
			expect(jsonOf(all)).toEqual(
				site
					.apiResponses()
					.flatMap((r) => (answerOf(r) as { EntityArray: IDataObject[] }).EntityArray),
			);

			site.clearLogs();
			const limited = await site.run(params(sdkMethod, {}, { returnAll: false, limit: 30 }));
			expect(jsonOf(limited)).toHaveLength(30);
			expect(site.apiRequests().map((r) => r.rawQuery)).toEqual(['maxThreadCount=30&threadPage=0']);
		},
	);

	it('Thread → Get Many (v3 sort index): 230 threads, cursor = lowest SortIndex of the previous page', async () => {
		const threads = Array.from({ length: 230 }, (_, i) => site.emu.createThread(1, [2], `T${i}`));
		const all = await site.run(params('getMessageThreadsV3', {}, { returnAll: true }));
		expect(all.error).toBeUndefined();
		expect(ascending(idsOf(jsonOf(all), 'InstantMessageThreadId'))).toEqual(
			threads.map((t) => t.InstantMessageThreadId),
		);

		const answers = site.apiResponses().map(answerOf) as Array<{
			Threads: { EntityArray: IDataObject[] };
			HasMore: boolean;
		}>;
		expect(answers.map((a) => a.HasMore)).toEqual([true, true, false]);
		expect(site.apiRequests().map((r) => r.rawQuery)).toEqual([
			'pageSize=100',
			`fromSortIndex=${Math.min(...idsOf(answers[0].Threads.EntityArray, 'SortIndex'))}&pageSize=100`,
			`fromSortIndex=${Math.min(...idsOf(answers[1].Threads.EntityArray, 'SortIndex'))}&pageSize=100`,
		]);

		site.clearLogs();
		const limited = await site.run(
			params('getMessageThreadsV3', {}, { returnAll: false, limit: 120 }),
		);
		expect(jsonOf(limited)).toEqual(jsonOf(all).slice(0, 120));
		expect(site.apiRequests()).toHaveLength(2);
	});

	it('Thread → Search (page number in the body): 120 matching threads over 3 pages', async () => {
		const threads = Array.from({ length: 120 }, (_, i) => site.emu.createThread(1, [2], `S${i}`));
		for (const t of threads) site.emu.addMessages(t.InstantMessageThreadId, 2, 1, 'needle');
		site.emu.addMessages(
			site.emu.createThread(1, [3], 'Unrelated').InstantMessageThreadId,
			3,
			1,
			'hay',
		);

		const all = await site.run(
			params('searchMessageThreads', { searchText: 'needle' }, { returnAll: true }),
		);
		expect(all.error).toBeUndefined();
		expect(ascending(idsOf(jsonOf(all), 'InstantMessageThreadId'))).toEqual(
			threads.map((t) => t.InstantMessageThreadId),
		);
		expect(site.apiRequests().map((r) => [r.method, r.body])).toEqual(
			[0, 1, 2].map((page) => [
				'POST',
				{ MaxThreadCount: 50, ThreadPage: page, SearchText: 'needle' },
			]),
		);
	});

	it.each(['getThreadMessagesV2', 'getThreadMessagesV1'])(
		'Message → %s (id bounds): 250 messages older and newer',
		async (sdkMethod) => {
			const thread = site.emu.createThread(1, [2], 'Bounds');
			site.emu.addMessages(thread.InstantMessageThreadId, 2, 250);
			const threadId = String(thread.InstantMessageThreadId);
			const lowest = (index: number) =>
				Math.min(
					...idsOf(
						(answerOf(site.apiResponses()[index]) as { EntityArray: IDataObject[] }).EntityArray,
						'MessageId',
					),
				);
			const highest = (index: number) =>
				Math.max(
					...idsOf(
						(answerOf(site.apiResponses()[index]) as { EntityArray: IDataObject[] }).EntityArray,
						'MessageId',
					),
				);

			// Older: start at the newest, move the upper bound down.
			const older = await site.run(params(sdkMethod, { threadId }, { returnAll: true }));
			expect(older.error).toBeUndefined();
			expect(ascending(idsOf(jsonOf(older), 'MessageId'))).toEqual(thread.MessageIds);
			expect(site.apiRequests().map((r) => r.rawQuery)).toEqual([
				'maxMessages=100',
				`maxMessages=100&upperBoundInstantMessageId=${lowest(0)}`,
				`maxMessages=100&upperBoundInstantMessageId=${lowest(1)}`,
			]);

			// Newer: the user's lower bound, moved up; the upper bound is never sent with it.
			site.clearLogs();
			const start = thread.MessageIds[29];
			const newer = await site.run(
				params(
					sdkMethod,
					{ threadId, lowerBoundInstantMessageId: String(start) },
					{ returnAll: true },
				),
			);
			expect(ascending(idsOf(jsonOf(newer), 'MessageId'))).toEqual(thread.MessageIds.slice(30));
			expect(site.apiRequests().map((r) => r.rawQuery)).toEqual([
				`maxMessages=100&lowerBoundInstantMessageId=${start}`,
				`maxMessages=100&lowerBoundInstantMessageId=${highest(0)}`,
				`maxMessages=100&lowerBoundInstantMessageId=${highest(1)}`,
			]);

			site.clearLogs();
			const limited = await site.run(
				params(sdkMethod, { threadId }, { returnAll: false, limit: 30 }),
			);
			expect(ascending(idsOf(jsonOf(limited), 'MessageId'))).toEqual(thread.MessageIds.slice(-30));
			expect(site.apiRequests().map((r) => r.rawQuery)).toEqual(['maxMessages=30']);
		},
	);
});

// ---------------------------------------------------------------------------------------------

describe('validation happens before any request', () => {
	it.each([
		[
			'getThreadUnreadCount',
			{ threadId: '12abc' },
			'Invalid value for "Thread ID" (threadId): expected a whole number, got "12abc"',
		],
		['getThreadMessagesV3', { threadId: '12abc' }, 'Invalid value for "Thread ID" (threadId)'],
		[
			'deleteInstantMessage',
			{ instantMessageId: '1e5' },
			'Invalid value for "Message ID" (instantMessageId)',
		],
		[
			'deleteAttachment',
			{ fileId: 'not-a-guid' },
			'Invalid value for "File ID" (fileId): expected a GUID',
		],
		[
			'deleteAttachment',
			{ fileId: '3f2504e0-4f89-11d3-9a0c-0305e82c330' },
			'Invalid value for "File ID" (fileId)',
		],
		[
			'sendInstantMessageV2',
			{ text: 'x', fileIds: '3f2504e0-4f89-11d3-9a0c-0305e82c3301, 123' },
			'Invalid value for "File IDs" (fileIds): "123" is not a GUID',
		],
		['getRecipientsV2', { personIds: '2, two' }, 'Invalid value for "Person IDs" (personIds)'],
	])(
		'%s with %j fails naming the field, with zero requests',
		async (sdkMethod, values, message) => {
			const result = await site.run(params(sdkMethod, values, { returnAll: true }));
			expect(result.status).toBe('error');
			expect(result.error?.message).toContain(message);
			expect(site.emu.requests).toHaveLength(0);
			expect(result.items).toHaveLength(0);
		},
	);

	it('a 12-digit int64 id passes and is sent as typed', async () => {
		const thread = site.emu.createThread(1, [2], 'Big ids');
		const result = await site.run(
			params('updateLastRead', {
				threadId: String(thread.InstantMessageThreadId),
				lastReadInstantMessageId: '123456789012',
			}),
		);
		expect(result.error).toBeUndefined();
		expect(site.apiRequests().map((r) => r.rawPath)).toEqual([
			`/restapi/personal/instantmessages/messagethreads/${thread.InstantMessageThreadId}/updatelastread/123456789012/v1`,
		]);
		expect(jsonOf(result)).toEqual([
			{
				success: true,
				threadId: thread.InstantMessageThreadId,
				lastReadInstantMessageId: 123456789012,
			},
		]);
		expect(thread.LastRead.get(1)).toBe(123456789012);
	});

	it('an int64 id beyond 2^53 is sent digit for digit (no float rounding)', async () => {
		const result = await site.run(
			params('toggleMessageStar', { instantMessageId: '9007199254740993' }),
		);
		expect(site.apiRequests().map((r) => r.rawPath)).toEqual([
			'/restapi/personal/instantmessages/togglemessagestar/9007199254740993/v1',
		]);
		// The emulator's ids are JavaScript-safe integers, so it refuses this one with a 400 of its own.
		expect(site.apiResponses()[0].status).toBe(400);
		expect(result.error?.message).toBe(
			"itslearning error 400: The value '9007199254740993' is not valid for instantMessageId.",
		);
	});
});

// ---------------------------------------------------------------------------------------------

describe('attachments', () => {
	it('uploads two binary fields as one multipart request, then sends a message with the returned FileIds', async () => {
		const pdf = Buffer.from('%PDF-1.4 report');
		const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe]);
		const first = binaryItem({ note: 'two files' }, pdf, 'report.pdf', 'application/pdf', 'data');
		const second = binaryItem({}, png, 'photo.png', 'image/png', 'second');
		const input = [{ json: first.json, binary: { ...first.binary, ...second.binary } }];

		const upload = await site.run(
			params('uploadAttachment', { binaryPropertyName: 'data,second' }),
			{ input },
		);
		expect(upload.error).toBeUndefined();
		const [request] = site.apiRequests();
		expect(site.apiRequests()).toHaveLength(1);
		expect([request.method, request.rawPath]).toEqual([
			'POST',
			'/restapi/personal/instantmessages/attachment/v1',
		]);
		expect(String(request.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
		const { files } = request.body as MultipartBody;
		expect(files.map((f) => [f.filename, f.mimeType, f.content])).toEqual([
			['report.pdf', 'application/pdf', pdf],
			['photo.png', 'image/png', png],
		]);

		const uploaded = jsonOf(upload);
		expect(uploaded).toEqual(answerOf(site.apiResponses()[0]));
		expect(uploaded.map((u) => u.Item2)).toEqual(['report.pdf', 'photo.png']);
		const fileIds = uploaded.map((u) => u.Item1 as string);
		expect(fileIds.every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
		expect([...site.emu.uploads.keys()]).toEqual(fileIds);
		expect(upload.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);

		const thread = site.emu.createThread(1, [2], 'Files');
		site.clearLogs();
		const sent = await site.run(
			params('sendInstantMessageV2', {
				text: 'See attached',
				instantMessageThreadId: String(thread.InstantMessageThreadId),
				fileIds: fileIds.join(', '),
			}),
		);
		expect(sent.error).toBeUndefined();
		expect(site.apiRequests().map((r) => r.body)).toEqual([
			{
				Text: 'See attached',
				InstantMessageThreadId: thread.InstantMessageThreadId,
				FileIds: fileIds,
			},
		]);
		expect(jsonOf(sent)).toEqual([answerOf(site.apiResponses()[0])]);
		// One message per file; the uploads were taken.
		const attached = thread.MessageIds.map((id) => site.emu.getMessage(id)!);
		expect(attached.map((m) => [m.Text, m.Attachment?.FileId, m.Attachment?.Content])).toEqual([
			['See attached', fileIds[0], pdf],
			['', fileIds[1], png],
		]);
		expect(site.emu.uploads.size).toBe(0);
		expect((jsonOf(sent)[0].LastMessage as IDataObject).AttachmentName).toBe('photo.png');
	});
});
