/**
 * Sweep over all 45 rows of the built node: for each, the emulator is seeded so the call
 * succeeds, the node runs once through n8n-core with sample values, and the test checks
 *  - the ONE request the emulator received: method, raw path (values URL-encoded), raw query
 *    (names, values, order, SDK defaults, indexed lists) and body (PascalCase wire names, bare
 *    array, multipart, DELETE body), all derived from the spec entry plus the sample values;
 *  - the node's output items against the emulator's answer as it went over the wire.
 */
import * as path from 'path';

import type {
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
} from 'n8n-workflow';

import type { MultipartBody } from '../emulator/core';
import type { ItslearningEmulator } from '../emulator/itslearning';
import { displayedProperties, makeNode } from '../editor/helpers';
import { binaryItem } from '../harness/n8n';
import { schemaFor, validate } from '../harness/schema';
import type { EndpointRow } from '../../nodes/shared/table/types';
import {
	NODE_TYPE,
	SPEC,
	answerOf,
	authorizationOf,
	jsonOf,
	loadTable,
	startSite,
	topLevelFields,
	type Site,
	type SpecEntry,
} from './setup';

// ---------------------------------------------------------------------------------------------
// Emulator state every sample refers to

interface Fixture {
	/** Group thread "Sweep" of person 1 with 2, 3 and 5 (5 has messaging disabled). */
	thread: number;
	/** One-to-one thread of person 1 with person 4. */
	oneToOne: number;
	/** Messages of the group thread: three "Hello n" from person 2, then "Reply 1" from person 1. */
	m: [number, number, number, number];
	/** An upload of person 1 not yet sent. */
	fileId: string;
}

function seed(emu: ItslearningEmulator): Fixture {
	const thread = emu.createThread(1, [2, 3, 5], 'Sweep');
	const hello = emu.addMessages(thread.InstantMessageThreadId, 2, 3, 'Hello');
	const [reply] = emu.addMessages(thread.InstantMessageThreadId, 1, 1, 'Reply');
	const oneToOne = emu.createThread(1, [4]);
	hello[1].StarredBy.add(1);
	hello[1].AbuseReportedBy.add(1);
	thread.AbuseReportedBy.add(1);
	const fileId = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
	emu.uploads.set(fileId, {
		FileId: fileId,
		FileName: 'draft.pdf',
		MimeType: 'application/pdf',
		Size: 3,
		Content: Buffer.from('pdf'),
		UploadedBy: 1,
	});
	return {
		thread: thread.InstantMessageThreadId,
		oneToOne: oneToOne.InstantMessageThreadId,
		m: [hello[0].MessageId, hello[1].MessageId, hello[2].MessageId, reply.MessageId],
		fileId,
	};
}

// ---------------------------------------------------------------------------------------------
// Sample values, in the spec's own names

interface Sample {
	/** By spec pathParams name. */
	path?: Record<string, string | number>;
	/** By spec queryParams name; spec defaults the user leaves unset are added by the test. */
	query?: Record<string, unknown>;
	/** JSON body by wire name, or a bare JSON array. */
	body?: Record<string, unknown> | unknown[];
	/** Spec names the node sets itself while paging (expected on the wire, not node inputs). */
	managed?: string[];
	/** Node fields that have no spec name (bare array body, binary field). */
	nodeValues?: IDataObject;
	/** Files sent as multipart (uploadAttachment). */
	files?: Array<{ fileName: string; mimeType: string; content: string }>;
	/** Void answers: the ids the node echoes besides `success: true`. */
	echo?: IDataObject;
}

const SAMPLES: Record<string, (f: Fixture) => Sample> = {
	addModeratorToThread: (f) => ({
		path: { threadId: f.thread },
		body: { PersonIds: [2, 3], InstantMessageThreadId: f.thread },
	}),
	addParticipantsToThread: (f) => ({ path: { threadId: f.thread }, body: { PersonIds: [4, 6] } }),
	cancelAbuseReport: (f) => ({ path: { instantMessageId: f.m[1] } }),
	cancelAbuseThreadReport: (f) => ({ path: { threadId: f.thread }, echo: { threadId: f.thread } }),
	checkPrivacyRules: () => ({ path: { personId: 2 } }),
	deleteAttachment: (f) => ({ query: { fileId: f.fileId } }),
	deleteInstantMessage: (f) => ({ path: { instantMessageId: f.m[3] } }),
	deleteThread: (f) => ({ path: { threadId: f.thread }, echo: { threadId: f.thread } }),
	getCollaborationThreadId: () => ({ path: { collaborationId: 4711 } }),
	getInstantMessagePermissions: () => ({}),
	getMessageThreadsV1: () => ({
		query: { maxThreadCount: 100, threadPage: 0, maxMessages: 2 },
		managed: ['maxThreadCount', 'threadPage'],
	}),
	getMessageThreadsV2: () => ({
		query: { maxThreadCount: 100, threadPage: 0, maxMessages: 3 },
		managed: ['maxThreadCount', 'threadPage'],
	}),
	getMessageThreadsV3: () => ({
		query: { fromSortIndex: 1000, pageSize: 100 },
		managed: ['pageSize'],
	}),
	getOneToOneThreadId: () => ({ path: { personId: 4 } }),
	getParticipantsWithDisabledMessages: (f) => ({ path: { threadId: f.thread } }),
	getRecipientPersons: () => ({ body: [2, 3], nodeValues: { personIds: '2, 3' } }),
	getRecipientsV1: () => ({ query: { courseId: 100, personIds: [2, 3] } }),
	getRecipientsV2: () => ({ query: { personIds: [2], courseIds: [100], projectIds: [200] } }),
	getSettingsV1: () => ({}),
	getSettingsV2: () => ({}),
	getStarredMessagesCount: () => ({}),
	getSuggestions: () => ({ query: { searchText: 'Edsger' } }),
	getThreadAndMessagesV2: (f) => ({
		path: { threadId: f.thread },
		query: { upperBoundInstantMessageId: f.m[3] },
	}),
	getThreadMessagesV1: (f) => ({
		path: { threadId: f.thread },
		query: { maxMessages: 100, upperBoundInstantMessageId: f.m[3] },
		managed: ['maxMessages'],
	}),
	getThreadMessagesV2: (f) => ({
		path: { threadId: f.thread },
		query: { maxMessages: 100, lowerBoundInstantMessageId: f.m[0] },
		managed: ['maxMessages'],
	}),
	getThreadMessagesV3: (f) => ({
		path: { threadId: f.thread },
		query: { pageSize: 100, fromId: f.m[3] },
		managed: ['pageSize'],
	}),
	getThreadSuggestions: () => ({ query: { searchText: 'Sweep' } }),
	getThreadUnreadCount: (f) => ({ path: { threadId: f.thread } }),
	getUnreadThreadsCount: () => ({}),
	registerCommunicationChannel: () => ({
		path: { channelId: 'conn/1 ä?x' },
		echo: { channelId: 'conn/1 ä?x', unregister: false },
	}),
	removeParticipantsFromThread: (f) => ({ path: { threadId: f.thread }, body: { PersonIds: [3] } }),
	restoreInstantMessage: (f) => ({ path: { instantMessageId: f.m[3] } }),
	restoreThread: (f) => ({ path: { threadId: f.thread } }),
	searchMessagesInThread: (f) => ({ path: { threadId: f.thread }, query: { searchText: 'Hello' } }),
	searchMessageThreads: () => ({
		body: { MaxThreadCount: 50, ThreadPage: 0, SearchText: 'Hello', UnreadFilter: true },
		managed: ['MaxThreadCount', 'ThreadPage'],
	}),
	searchRecipients: (f) => ({
		query: {
			searchText: 'a',
			instantMessageThreadId: f.thread,
			recipientRoles: ['Student', 'Guest'],
		},
	}),
	sendInstantMessageV1: () => ({
		body: { Text: 'Hi from V1', ToPersonIds: [2, 3], SendAsIndividualMessages: false },
	}),
	sendInstantMessageV2: (f) => ({
		body: {
			Text: 'Hello again',
			InstantMessageThreadId: f.thread,
			InstantMessageIdToReplyTo: f.m[0],
		},
	}),
	toggleMessageStar: (f) => ({ path: { instantMessageId: f.m[0] } }),
	togglePersonBlock: () => ({ path: { personId: 6 } }),
	toggleThreadReplies: (f) => ({ path: { threadId: f.thread } }),
	updateInstantMessageText: (f) => ({ body: { InstantMessageId: f.m[3], Text: 'Edited text' } }),
	updateLastRead: (f) => ({
		path: { threadId: f.thread, lastReadInstantMessageId: f.m[2] },
		query: { sortIndex: 7 },
		echo: { threadId: f.thread, lastReadInstantMessageId: f.m[2], sortIndex: 7 },
	}),
	updateThread: (f) => ({
		path: { threadId: f.thread },
		body: { InstantMessageThreadId: f.thread, UpdateName: true, Name: 'Renamed' },
	}),
	uploadAttachment: () => ({
		files: [{ fileName: 'notes.txt', mimeType: 'text/plain', content: 'hello file' }],
		nodeValues: { binaryPropertyName: 'data' },
	}),
};

// ---------------------------------------------------------------------------------------------
// Expectations from the spec

const enc = encodeURIComponent;
const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

function expectedPath(spec: SpecEntry, sample: Sample): string {
	return spec.path.replace(/\{(\w+)\}/g, (_, name: string) => {
		const value = sample.path?.[name];
		if (value === undefined)
			throw new Error(`sample of ${spec.sdkMethod} lacks path value ${name}`);
		return enc(String(value));
	});
}

/** Query in spec order: the sample's value, else the spec's SDK default; lists indexed (`name%5B0%5D`). */
function expectedQuery(spec: SpecEntry, sample: Sample): string {
	const pairs: string[] = [];
	for (const param of spec.queryParams) {
		const value = sample.query?.[param.name] ?? param.default ?? undefined;
		if (value === undefined || value === null) continue;
		if (Array.isArray(value)) {
			expect(param.style).toBe('indexed');
			value.forEach((v, i) => pairs.push(`${enc(`${param.name}[${i}]`)}=${enc(String(v))}`));
		} else pairs.push(`${enc(param.name)}=${enc(String(value))}`);
	}
	return pairs.join('&');
}

/**
 * Where the items of a paged list answer sit, by the spec's response type. (getThreadAndMessagesV2
 * is paged over the message window INSIDE one thread: its answer is one thread, one item.)
 */
function itemsPathOf(spec: SpecEntry): string | undefined {
	if (spec.responseType.startsWith('EntityList<')) return 'EntityArray';
	if (spec.responseType === 'InstantMessageThreadListModel') return 'Threads.EntityArray';
	if (spec.responseType === 'InstantMessageListModel') return 'Messages.EntityArray';
	return undefined;
}

const at = (value: unknown, dotted: string) =>
	dotted
		.split('.')
		.reduce<unknown>(
			(node, key) => (node && typeof node === 'object' ? (node as IDataObject)[key] : undefined),
			value,
		);

/** The items the node must output for an answer (objects as items, arrays split, primitives wrapped). */
function expectedItems(
	spec: SpecEntry,
	row: EndpointRow,
	sample: Sample,
	answer: unknown,
): IDataObject[] {
	const itemsPath = spec.paging ? itemsPathOf(spec) : undefined;
	if (itemsPath) return at(answer, itemsPath) as IDataObject[];
	if (answer === undefined) {
		expect(spec.responseType).toBe('void');
		return [{ success: true, ...sample.echo }];
	}
	const key = row.output && 'key' in row.output ? row.output.key : undefined;
	const wrap = (value: unknown): IDataObject =>
		value !== null && typeof value === 'object'
			? (value as IDataObject)
			: { [key!]: value as string };
	return Array.isArray(answer) ? answer.map(wrap) : [wrap(answer)];
}

// ---------------------------------------------------------------------------------------------
// Node input from the sample

function uiProperty(site: Site, row: EndpointRow, name: string): INodeProperties | undefined {
	const { properties } = site.pkg.nodeTypes.getByNameAndVersion(
		site.pkg.nodeTypeName(NODE_TYPE),
	).description;
	const shown = properties.filter(
		(p) =>
			(p.displayOptions?.show?.resource as string[])?.includes(row.resource) &&
			(p.displayOptions?.show?.operation as string[])?.includes(row.operation),
	);
	const direct = shown.find((p) => p.name === name && p.type !== 'collection');
	if (direct) return direct;
	const collection = shown.find((p) => p.name === 'additionalFields');
	return (collection?.options as INodeProperties[] | undefined)?.find((p) => p.name === name);
}

/** What a user types: ids into text fields, numbers into number fields, lists as comma-separated text. */
function uiValue(property: INodeProperties | undefined, value: unknown): string | number | boolean {
	if (property?.type === 'number') return Number(value);
	if (property?.type === 'boolean' || property?.type === 'options')
		return value as boolean | string;
	return Array.isArray(value) ? value.join(',') : String(value);
}

function nodeInput(
	site: Site,
	spec: SpecEntry,
	row: EndpointRow,
	sample: Sample,
	version = 1,
): INodeParameters {
	const managed = new Set(sample.managed ?? []);
	const values: IDataObject = {};
	const named: Array<[string, unknown]> = [
		...Object.entries(sample.path ?? {}),
		...Object.entries(sample.query ?? {}),
		...(Array.isArray(sample.body)
			? []
			: Object.entries(sample.body ?? {}).map(
					([wire, v]) => [lowerFirst(wire), v] as [string, unknown],
				)),
	];
	for (const [name, value] of named) {
		if (managed.has(name) || managed.has(name.charAt(0).toUpperCase() + name.slice(1))) continue;
		const property = uiProperty(site, row, name);
		if (!property) throw new Error(`${spec.sdkMethod}: the node has no field "${name}"`);
		values[name] = uiValue(property, value);
	}
	Object.assign(values, sample.nodeValues);
	const top = topLevelFields(site.pkg, row.resource, row.operation);
	const parameters: IDataObject = {
		resource: row.resource,
		operation: row.operation,
		...(row.paging ? { returnAll: true } : {}),
	};
	const additionalFields: IDataObject = {};
	for (const [name, value] of Object.entries(values))
		(top.has(name) ? parameters : additionalFields)[name] = value as string;
	if (Object.keys(additionalFields).length) parameters.additionalFields = additionalFields;
	// From 1.2 on a list field with a picker is a list of pickers: one By ID entry per ID.
	const { description } = site.pkg.nodeTypes.getByNameAndVersion(
		site.pkg.nodeTypeName(NODE_TYPE),
		version,
	);
	const node = makeNode(site.pkg, NODE_TYPE, parameters as INodeParameters, undefined, version);
	for (const property of displayedProperties(description, parameters as INodeParameters, node)) {
		if (property.type !== 'fixedCollection' || typeof parameters[property.name] !== 'string')
			continue;
		const ids = (parameters[property.name] as string).split(',');
		parameters[property.name] = {
			values: ids.map((id) => ({ id: { __rl: true, mode: 'id', value: id } })),
		};
	}
	return parameters as INodeParameters;
}

// ---------------------------------------------------------------------------------------------

const table = loadTable();

/** The built schema generator (what the build wrote into dist/…/__schema__ from). */
const { rowOutputSchema } =
	require('../../dist/nodes/shared/editor/schema.js') as typeof import('../../nodes/shared/editor/schema');
const specBySdk = new Map(SPEC.map((entry) => [entry.sdkMethod, entry]));

it('the built table has 45 rows whose sdkMethods are exactly the 45 of the spec', async () => {
	expect(SPEC).toHaveLength(45);
	expect(table).toHaveLength(45);
	expect(new Set(table.map((row) => row.sdkMethod))).toEqual(
		new Set(SPEC.map((entry) => entry.sdkMethod)),
	);
	expect(new Set(table.map((row) => `${row.resource}:${row.operation}`)).size).toBe(45);
	expect(Object.keys(SAMPLES).sort()).toEqual(SPEC.map((entry) => entry.sdkMethod).sort());
});

describe('every row sends what the spec names and outputs what the emulator answered', () => {
	let site: Site;
	let fixture: Fixture;
	beforeEach(async () => {
		site = await startSite();
		fixture = seed(site.emu);
	});
	afterEach(async () => await site.close());

	it.each(table.map((row) => [row.sdkMethod, row] as const))('%s', async (sdkMethod, row) => {
		const spec = specBySdk.get(sdkMethod)!;
		const sample = SAMPLES[sdkMethod](fixture);
		// The sample speaks the spec's language.
		expect(Object.keys(sample.path ?? {}).sort()).toEqual(
			spec.pathParams.map((p) => p.name).sort(),
		);
		for (const name of Object.keys(sample.query ?? {}))
			expect(spec.queryParams.map((p) => p.name)).toContain(name);
		for (const p of spec.queryParams.filter((q) => q.required))
			expect(sample.query).toHaveProperty(p.name);

		const input: INodeExecutionData[] | undefined = sample.files?.length
			? [
					binaryItem(
						{},
						Buffer.from(sample.files[0].content),
						sample.files[0].fileName,
						sample.files[0].mimeType,
					),
				]
			: undefined;
		const result = await site.run(nodeInput(site, spec, row, sample), {
			...(input ? { input } : {}),
		});
		expect(result.error).toBeUndefined();

		// Exactly one request, as the spec describes it.
		const requests = site.apiRequests();
		expect(requests).toHaveLength(1);
		expect(site.tokenRequests()).toHaveLength(0);
		const [request] = requests;
		expect(request.method).toBe(spec.httpMethod);
		expect(request.rawPath).toBe(expectedPath(spec, sample));
		expect(request.rawQuery).toBe(expectedQuery(spec, sample));
		expect(authorizationOf(request)).toBe(`Bearer ${site.me.token.access_token}`);

		const contentType = String(request.headers['content-type'] ?? '');
		if (!spec.body) {
			expect(request.rawBody?.length ?? 0).toBe(0);
		} else if (spec.body.contentType === 'application/json') {
			expect(contentType).toMatch(/^application\/json/);
			expect(request.body).toEqual(sample.body);
			if (Array.isArray(sample.body)) expect(spec.body.type).toMatch(/\[\]$/);
			else
				for (const key of Object.keys(request.body as IDataObject))
					expect(spec.body.fields.map((field) => field.name)).toContain(key);
		} else {
			expect(spec.body.contentType).toBe('multipart/form-data');
			expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
			const { files } = request.body as MultipartBody;
			expect(
				files.map((file) => ({
					fileName: file.filename,
					mimeType: file.mimeType,
					content: file.content.toString('utf8'),
				})),
			).toEqual(sample.files);
		}

		// Output = the answer on the wire, shaped into items.
		const responses = site.apiResponses();
		expect(responses).toHaveLength(1);
		expect(responses[0].status).toBe(200);
		const answer = answerOf(responses[0]);
		const items = jsonOf(result);
		expect(items).toEqual(expectedItems(spec, row, sample, answer));
		expect(items.length).toBeGreaterThan(0);
		result.items.forEach((item) => expect(item.pairedItem).toEqual({ item: 0 }));
	});
});

// ---------------------------------------------------------------------------------------------
// Output schemas (shared/editor/schema.ts, written into dist/…/__schema__ by the build)

/**
 * Every row has a schema in every version whose folder n8n reads: the rows with Simplify the
 * simplified shape from 1.1 on and, in version 1 (Simplify off by default), the entity of the raw
 * answer they name (`answer`), as do the rows without Simplify that return the answer unchanged.
 */
describe('every operation has a schema in every version n8n reads', () => {
	it.each([1, 1.1, 1.2])('version %s', (version) => {
		expect(table.filter((row) => !rowOutputSchema(row, version)).map((r) => r.sdkMethod)).toEqual(
			[],
		);
		// The entity-described rows: the ones with Simplify and those that return the answer unchanged.
		expect(
			table
				.filter((r) => r.answer)
				.map((r) => r.sdkMethod)
				.sort(),
		).toEqual(
			[
				...table.filter((r) => r.simplify).map((r) => r.sdkMethod),
				'deleteAttachment',
				'getInstantMessagePermissions',
				'getParticipantsWithDisabledMessages',
				'getSettingsV1',
				'getSettingsV2',
				'getSuggestions',
				'uploadAttachment',
			].sort(),
		);
	});
});

describe.each([1, 1.1, 1.2])(
	"version %s: n8n finds each operation's output schema and the output matches it",
	(version) => {
		let site: Site;
		let fixture: Fixture;
		beforeEach(async () => {
			site = await startSite();
			fixture = seed(site.emu);
		});
		afterEach(async () => await site.close());

		it.each(table.map((row) => [row.sdkMethod, row] as const))('%s', async (sdkMethod, row) => {
			const { file, schema } = schemaFor(site.pkg, NODE_TYPE, version, row.resource, row.operation);
			// n8n's lookup names the file whether or not it exists; the build wrote it when a definition describes the output.
			expect(file).toBe(
				path.resolve(
					__dirname,
					`../../dist/nodes/ItslearningInstantMessage/__schema__/${`v${version.toFixed(1)}.0`}/${row.resource}/${row.operation}.json`,
				),
			);
			expect(schema).toMatchObject({ type: 'object' });
			const spec = specBySdk.get(sdkMethod)!;
			const sample = SAMPLES[sdkMethod](fixture);
			const input: INodeExecutionData[] | undefined = sample.files?.length
				? [
						binaryItem(
							{},
							Buffer.from(sample.files[0].content),
							sample.files[0].fileName,
							sample.files[0].mimeType,
						),
					]
				: undefined;
			const result = await site.run(nodeInput(site, spec, row, sample, version), {
				typeVersion: version,
				...(input ? { input } : {}),
			});
			expect(result.error).toBeUndefined();
			const items = jsonOf(result);
			expect(items.length).toBeGreaterThan(0);
			// Strict: every field of the output is one the schema names (raw-answer schemas stay open for the service).
			for (const item of items) expect(validate(item, schema!, '$', true)).toEqual([]);
			// Simplified items name their source in the simplified fields: not the raw answer.
			if (row.simplify)
				expect(Object.keys(items[0]).every((key) => key in schema!.properties!)).toBe(true);
		});
	},
);
