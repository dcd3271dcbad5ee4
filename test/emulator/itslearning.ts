/**
 * Emulator of the itslearning personal REST API as far as the Instant Message node uses it:
 * OAuth2 (browser authorize → code → token, rotating refresh tokens) and all 45 routes of
 * test/spec/itslearning-instant-message.json over an in-memory model (people, a course, a
 * project, threads, messages, per-person read state, stars, blocks, abuse reports, uploads).
 *
 * Built on core.ts (request log, fault injection, rate limit). JSON is PascalCase like the real
 * ASP.NET Web API; errors are `{"Message": "..."}`, token errors `{"error", "error_description"}`.
 */
import { randomBytes, randomUUID } from 'node:crypto';

import type {
	FastifyError,
	FastifyInstance,
	FastifyReply,
	FastifyRequest,
	HTTPMethods,
} from 'fastify';

import { installChaos, type ChaosControl } from './chaos';
import {
	createEmulatorCore,
	type EmulatorCore,
	type MultipartBody,
	type RecordedRequest,
} from './core';

const API = '/restapi/personal/instantmessages';
const TOKEN_PATH = '/restapi/oauth2/token';
const AUTHORIZE_PATH = '/oauth2/authorize.aspx';
/** Not part of the spec: where `AttachmentUrl` points (needs a token like every API call). */
const FILE_DOWNLOAD_PATH = '/files/instantmessage';
const REQUIRED_SCOPE = 'InstantMessage';
const ALL_ACCESS_SCOPES = new Set(['SCOPE', 'All']);
const DENIED = 'Authorization has been denied for this request.';
const MAX_BOUNDED_MESSAGES = 500;
const CODE_LIFETIME_MS = 10 * 60 * 1000;
const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
const ILLEGAL_EXTENSIONS = ['.exe', '.bat', '.cmd', '.msi', '.vbs'];

// ---------------------------------------------------------------------------------------------
// Public types

export interface ItslearningEmulatorOptions {
	/** Lifetime of issued access tokens (default 3600). */
	tokenLifetimeSeconds?: number;
	/** The only client id the OAuth2 endpoints accept (default 'n8n-test-client'). */
	clientId?: string;
}

export type RoleName = 'Guest' | 'Student' | 'Teacher' | 'Administrator' | 'Parent';
export type ThreadType = 'Group' | 'Course' | 'Project' | 'OneToOne' | 'GroupPlaceHolder';
export type ReferenceType = 'None' | 'Shared' | 'Replied' | 'AbuseReported' | 'AbuseReportedThread';

/** LocationRecipientType values. */
export const LocationType = { Course: 1, Project: 2, Hierarchy: 3, Collaboration: 4 } as const;
export type LocationTypeValue = (typeof LocationType)[keyof typeof LocationType];

export interface EmulatedPerson {
	PersonId: number;
	FirstName: string;
	LastName: string;
	FullName: string;
	UserName: string;
	Role: RoleName;
	Organization: string;
	ExtraUserInformation: string;
	/** Messaging turned off: may be a participant but cannot receive (`CanReceive: false`). */
	MessagingDisabled: boolean;
}

export interface EmulatedLocation {
	Id: number;
	Type: 'Course' | 'Project';
	Title: string;
	Code: string | null;
	ColorSchema: string | null;
	PersonIds: number[];
}

export interface EmulatedFile {
	FileId: string;
	FileName: string;
	MimeType: string;
	Size: number;
	Content: Buffer;
	UploadedBy: number;
}

export interface EmulatedMessage {
	MessageId: number;
	InstantMessageThreadId: number;
	Created: string;
	CreatedBy: number;
	Text: string;
	IsDeleted: boolean;
	DeletedBy: number | null;
	IsEdited: boolean;
	Edited: string | null;
	Attachment: EmulatedFile | null;
	ReferenceType: ReferenceType;
	ReferencedMessageId: number | null;
	ReferencedThreadId: number | null;
	/** People who starred the message (`IsStarred` is per viewer). */
	StarredBy: Set<number>;
	/** People who reported the message (`IsAbuse` is per viewer). */
	AbuseReportedBy: Set<number>;
}

export interface EmulatedParticipant {
	PersonId: number;
	SourceLocationId: number | null;
	SourceLocationType: LocationTypeValue | null;
}

export interface EmulatedThread {
	InstantMessageThreadId: number;
	/** '' = derived per viewer (other participant's name for one-to-one, first names for groups). */
	Name: string;
	Created: string;
	CreatedBy: number;
	Type: ThreadType;
	Participants: Map<number, EmulatedParticipant>;
	ModeratorIds: Set<number>;
	/** Message ids in ascending order (ids are global and increasing). */
	MessageIds: number[];
	SortIndex: number;
	RepliesAreEnabled: boolean;
	/** Per person: `LastReadInstantMessageId` (0 when never set). */
	LastRead: Map<number, number>;
	/** People who deleted the thread for themselves (hidden from their lists until new activity). */
	DeletedFor: Set<number>;
	AbuseReportedBy: Set<number>;
	Locations: Array<{ Type: LocationTypeValue; Id: number }>;
	CollaborationId: number | null;
}

export interface IssuedToken {
	access_token: string;
	token_type: 'Bearer';
	expires_in: number;
	refresh_token: string;
}

export interface IssueTokenOptions {
	personId: number;
	/** Default `['InstantMessage']`. `SCOPE` and `All` count as all-access. */
	scopes?: string[];
	/** Default: the emulator's tokenLifetimeSeconds. 0 or less gives an already expired token. */
	lifetimeSeconds?: number;
}

export interface RouteInfo {
	sdkMethod: string;
	method: HTTPMethods;
	/** Spec path template, e.g. `/restapi/personal/instantmessages/messagethreads/{threadId}/v1`. */
	path: string;
}

export interface ItslearningEmulator extends EmulatorCore, ChaosControl {
	issueToken(options: IssueTokenOptions): IssuedToken;
	persons: Map<number, EmulatedPerson>;
	courses: Map<number, EmulatedLocation>;
	projects: Map<number, EmulatedLocation>;
	/** Temporary uploads not yet sent with a message, by file id. */
	uploads: Map<string, EmulatedFile>;
	/** SignalR connection ids registered per person. */
	communicationChannels: Map<number, Set<string>>;
	/** Who the browser authorize endpoint signs in (default 1). */
	authorizePersonId: number;
	/** The 45 served spec routes. */
	routes: readonly RouteInfo[];
	/** One-to-one when exactly one other participant and no name, otherwise a group. */
	createThread(creatorId: number, participantIds: number[], name?: string): EmulatedThread;
	/** Appends `count` messages `${textPrefix} 1..count` (default prefix 'Message'). */
	addMessages(
		threadId: number,
		fromPersonId: number,
		count: number,
		textPrefix?: string,
	): EmulatedMessage[];
	getThread(id: number): EmulatedThread | undefined;
	getMessage(id: number): EmulatedMessage | undefined;
	unreadCount(personId: number, threadId: number): number;
	unreadThreadsCount(personId: number): number;
	/** Refresh tokens issued so far, by any means (code exchange, refresh grant, issueToken). */
	readonly refreshTokensIssued: number;
	/** Every successful refresh grant: old → new refresh token, and the new access token. */
	tokensRefreshed: Array<{ old: string; new: string; accessToken: string }>;
	/**
	 * Sets the lifetime of tokens issued from now on, and gives every access token issued so far
	 * (live or expired) that many seconds from now: 0 expires them all at once.
	 */
	setTokenLifetime(seconds: number): void;
}

// ---------------------------------------------------------------------------------------------
// Errors and input parsing

class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

const badRequest = (message: string) => new ApiError(400, message);
const forbidden = (message: string) => new ApiError(403, message);
const notFound = (message: string) => new ApiError(404, message);

type IntKind = 'int32' | 'int64';
const INT_RANGE: Record<IntKind, [number, number]> = {
	int32: [-2147483648, 2147483647],
	int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Parses an integer the way ASP.NET model binding would accept it; anything else is a 400. */
function parseInteger(raw: string, kind: IntKind, label: string): number {
	const text = raw.trim();
	const value = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
	const [min, max] = INT_RANGE[kind];
	if (!Number.isSafeInteger(value) || value < min || value > max)
		throw badRequest(`The value '${raw}' is not valid for ${label}.`);
	return value;
}

function inRange(value: number, label: string, min = -Infinity, max = Infinity): number {
	if (value < min || value > max) {
		const bounds = max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
		throw badRequest(`The value '${value}' is out of range for ${label}: it must be ${bounds}.`);
	}
	return value;
}

/** A JSON object body with case-insensitive property lookup (like Json.NET binding). */
class JsonFields {
	private readonly byName = new Map<string, unknown>();

	constructor(source: Record<string, unknown>) {
		for (const [key, value] of Object.entries(source)) this.byName.set(key.toLowerCase(), value);
	}

	value(name: string): unknown {
		const value = this.byName.get(name.toLowerCase());
		return value === null ? undefined : value;
	}

	int(name: string, kind: IntKind = 'int32'): number | undefined {
		const value = this.value(name);
		if (value === undefined) return undefined;
		if (typeof value !== 'number' && typeof value !== 'string')
			throw badRequest(`${name} must be an integer.`);
		return parseInteger(String(value), kind, name);
	}

	intList(name: string, kind: IntKind = 'int32'): number[] | undefined {
		const value = this.value(name);
		if (value === undefined) return undefined;
		if (!Array.isArray(value)) throw badRequest(`${name} must be an array of integers.`);
		return value.map((item) => parseInteger(String(item), kind, name));
	}

	string(name: string): string | undefined {
		const value = this.value(name);
		if (value === undefined) return undefined;
		if (typeof value !== 'string') throw badRequest(`${name} must be a string.`);
		return value;
	}

	stringList(name: string): string[] | undefined {
		const value = this.value(name);
		if (value === undefined) return undefined;
		if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
			throw badRequest(`${name} must be an array of strings.`);
		return value as string[];
	}

	bool(name: string): boolean | undefined {
		const value = this.value(name);
		if (value === undefined) return undefined;
		if (typeof value === 'boolean') return value;
		if (value === 'true' || value === 'false') return value === 'true';
		throw badRequest(`${name} must be a boolean.`);
	}
}

function isMultipart(value: unknown): value is MultipartBody {
	return (
		typeof value === 'object' && value !== null && Array.isArray((value as MultipartBody).files)
	);
}

function recordOf(req: FastifyRequest): RecordedRequest {
	const record = (req as FastifyRequest & { record?: RecordedRequest }).record;
	if (!record) throw new Error('core.ts did not record the request');
	return record;
}

/** Path, query and body of one API request, parsed on demand (400/415 on bad input). */
class Args {
	constructor(
		private readonly req: FastifyRequest,
		private readonly record: RecordedRequest,
	) {}

	path(name: string): string {
		return (this.req.params as Record<string, string>)[name] ?? '';
	}

	pathInt(name: string, kind: IntKind = 'int32'): number {
		return parseInteger(this.path(name), kind, name);
	}

	/** First value of a query parameter (names are case-insensitive, like ASP.NET). */
	query(name: string): string | undefined {
		const lower = name.toLowerCase();
		return this.record.queryPairs.find(([key]) => key.toLowerCase() === lower)?.[1];
	}

	queryInt(
		name: string,
		limits: { kind?: IntKind; min?: number; max?: number } = {},
	): number | undefined {
		const raw = this.query(name);
		if (raw === undefined || raw === '') return undefined;
		return inRange(parseInteger(raw, limits.kind ?? 'int32', name), name, limits.min, limits.max);
	}

	/** Array parameter: indexed (`name[0]=a`, brackets raw or percent-encoded) and/or repeated (`name=a&name=b`). */
	queryList(name: string): string[] {
		const lower = name.toLowerCase();
		const indexed = new Map<number, string>();
		const repeated: string[] = [];
		for (const [key, value] of this.record.queryPairs) {
			const k = key.toLowerCase();
			if (k === lower || k === `${lower}[]`) repeated.push(value);
			const m = /^(.*)\[(\d+)\]$/.exec(k);
			if (m && m[1] === lower && !indexed.has(Number(m[2]))) indexed.set(Number(m[2]), value);
		}
		const ordered = [...indexed.entries()].sort((a, b) => a[0] - b[0]).map(([, value]) => value);
		return [...ordered, ...repeated];
	}

	queryIntList(name: string): number[] {
		return this.queryList(name).map((value) => parseInteger(value, 'int32', name));
	}

	/** The JSON body, undefined when there is none; 415 for a non-JSON media type, 400 for bad JSON. */
	json(): unknown {
		const raw = this.record.rawBody;
		if (!raw || raw.length === 0) return undefined;
		const type = String(this.req.headers['content-type'] ?? '');
		if (!type.toLowerCase().includes('json')) {
			const media = type.split(';')[0].trim() || 'application/octet-stream';
			throw new ApiError(
				415,
				`The request entity's media type '${media}' is not supported for this resource.`,
			);
		}
		try {
			return JSON.parse(raw.toString('utf8'));
		} catch {
			throw badRequest('The request is invalid: the body is not valid JSON.');
		}
	}

	fields(required: boolean): JsonFields {
		const body = this.json();
		if (body === undefined) {
			if (required) throw badRequest('The request body is required.');
			return new JsonFields({});
		}
		if (typeof body !== 'object' || body === null || Array.isArray(body))
			throw badRequest('The request body must be a JSON object.');
		return new JsonFields(body as Record<string, unknown>);
	}

	multipart(): MultipartBody {
		const type = String(this.req.headers['content-type'] ?? '');
		if (!type.toLowerCase().startsWith('multipart/form-data')) {
			throw new ApiError(
				415,
				`The request entity's media type '${type.split(';')[0] || 'none'}' is not supported: send multipart/form-data.`,
			);
		}
		return isMultipart(this.record.body) ? this.record.body : { fields: {}, files: [] };
	}
}

// ---------------------------------------------------------------------------------------------
// Views

type Json = Record<string, unknown>;

interface EntityList<T> {
	EntityArray: T[];
	Total: number;
	CurrentPageIndex: number;
	PageSize: number;
}

const entityList = <T>(
	items: T[],
	total: number,
	pageIndex: number,
	pageSize: number,
): EntityList<T> => ({
	EntityArray: items,
	Total: total,
	CurrentPageIndex: pageIndex,
	PageSize: pageSize,
});

const HIERARCHY_ROLE: Record<RoleName, number> = {
	Guest: 1,
	Student: 2,
	Teacher: 3,
	Administrator: 4,
	Parent: 0,
};
const RECIPIENT_ROLES: RoleName[] = ['Guest', 'Student', 'Teacher', 'Administrator', 'Parent'];
const REFERENCE_TYPES: ReferenceType[] = [
	'None',
	'Shared',
	'Replied',
	'AbuseReported',
	'AbuseReportedThread',
];

const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const pad = (n: number) => String(n).padStart(2, '0');
const dateStamp = (d: Date) =>
	`${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
const timeStamp = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;

function relative(iso: string): string {
	const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
	if (seconds < 60) return 'just now';
	if (seconds < 3600) return `${Math.floor(seconds / 60)} minutes ago`;
	if (seconds < 86400) return `${Math.floor(seconds / 3600)} hours ago`;
	return `${Math.floor(seconds / 86400)} days ago`;
}

function parseRole(raw: string): RoleName {
	const byNumber = /^\d+$/.test(raw) ? RECIPIENT_ROLES[Number(raw) - 1] : undefined;
	const role = byNumber ?? RECIPIENT_ROLES.find((name) => name.toLowerCase() === raw.toLowerCase());
	if (!role) throw badRequest(`The value '${raw}' is not valid for recipientRoles.`);
	return role;
}

function parseReferenceType(raw: unknown): ReferenceType | undefined {
	if (raw === undefined) return undefined;
	const type =
		typeof raw === 'number'
			? REFERENCE_TYPES[raw - 1]
			: REFERENCE_TYPES.find((name) => name.toLowerCase() === String(raw).toLowerCase());
	if (!type)
		throw badRequest(`The value '${String(raw)}' is not valid for ReferencedInstantMessageType.`);
	return type;
}

/** deleteAttachment's documented answer: a serialized System.Net.Http.HttpResponseMessage. */
const httpResponseMessage = (): Json => ({
	Version: { Major: 1, Minor: 1, Build: -1, Revision: -1, MajorRevision: -1, MinorRevision: -1 },
	Content: null,
	StatusCode: 200,
	ReasonPhrase: 'OK',
	Headers: [],
	RequestMessage: null,
	IsSuccessStatusCode: true,
});

/** A non-JSON answer (attachment download). */
class RawBody {
	constructor(
		readonly content: Buffer,
		readonly mimeType: string,
		readonly fileName: string,
	) {}
}

// ---------------------------------------------------------------------------------------------
// Domain model

interface SendRequest {
	threadId?: number;
	toPersonIds: number[];
	courseIds: number[];
	projectIds: number[];
	fileIds: string[];
	text: string;
	individually: boolean;
	reference?: { type: ReferenceType; messageId?: number; threadId?: number };
}

interface ResolvedReference {
	type: ReferenceType;
	messageId: number | null;
	threadId: number;
}

interface ThreadViewOptions {
	messages?: EntityList<Json>;
	matching?: number[];
}

interface ThreadSearch {
	page: number;
	size: number;
	maxMessages: number;
	text?: string;
	personId?: number;
	threadId?: number;
	attachment: boolean;
	sent: boolean;
	unread: boolean;
	starred: boolean;
}

/** First index in ascending `ids` whose value is >= `value`. */
function firstIndexAtLeast(ids: number[], value: number): number {
	let low = 0;
	let high = ids.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if (ids[mid] < value) low = mid + 1;
		else high = mid;
	}
	return low;
}

const unique = (ids: number[]) => [...new Set(ids)];
const contains = (haystack: string, needle: string) =>
	haystack.toLowerCase().includes(needle.toLowerCase());

class World {
	readonly persons = new Map<number, EmulatedPerson>();
	readonly courses = new Map<number, EmulatedLocation>();
	readonly projects = new Map<number, EmulatedLocation>();
	readonly threads = new Map<number, EmulatedThread>();
	readonly messages = new Map<number, EmulatedMessage>();
	readonly uploads = new Map<string, EmulatedFile>();
	/** Sent attachments by file id, with the messages that carry them. */
	readonly attachments = new Map<string, { file: EmulatedFile; messageIds: number[] }>();
	/** blocker → blocked people. */
	readonly blocked = new Map<number, Set<number>>();
	readonly collaborations = new Map<number, number>();
	readonly channels = new Map<number, Set<string>>();
	baseUrl = '';
	private nextThreadId = 1000;
	private nextMessageId = 10000;
	private sortCounter = 0;

	// --- lookups (404 when unknown or not visible to the caller)

	person(id: number): EmulatedPerson {
		const person = this.persons.get(id);
		if (!person) throw notFound(`Person ${id} was not found.`);
		return person;
	}

	/** A person for display even if a test removed them from `persons`. */
	personInfo(id: number): EmulatedPerson {
		return (
			this.persons.get(id) ?? {
				PersonId: id,
				FirstName: 'Unknown',
				LastName: 'Person',
				FullName: 'Unknown Person',
				UserName: `unknown${id}`,
				Role: 'Guest',
				Organization: '',
				ExtraUserInformation: '',
				MessagingDisabled: true,
			}
		);
	}

	location(kind: 'Course' | 'Project', id: number, viewer: number): EmulatedLocation {
		const location = (kind === 'Course' ? this.courses : this.projects).get(id);
		if (!location || !location.PersonIds.includes(viewer))
			throw notFound(`${kind} ${id} was not found.`);
		return location;
	}

	thread(viewer: number, id: number): EmulatedThread {
		const thread = this.threads.get(id);
		if (!thread || !thread.Participants.has(viewer))
			throw notFound(`The instant message thread ${id} was not found.`);
		return thread;
	}

	message(viewer: number, id: number): EmulatedMessage {
		const message = this.messages.get(id);
		if (!message || !this.threads.get(message.InstantMessageThreadId)?.Participants.has(viewer)) {
			throw notFound(`The instant message ${id} was not found.`);
		}
		return message;
	}

	isModerator(thread: EmulatedThread, personId: number): boolean {
		return thread.CreatedBy === personId || thread.ModeratorIds.has(personId);
	}

	requireModerator(thread: EmulatedThread, personId: number): void {
		if (!this.isModerator(thread, personId))
			throw forbidden('Only the thread creator or a moderator may do this.');
	}

	isBlocked(blocker: number, blocked: number): boolean {
		return this.blocked.get(blocker)?.has(blocked) ?? false;
	}

	// --- threads and messages

	createThread(
		creatorId: number,
		members: EmulatedParticipant[],
		options: {
			type: ThreadType;
			name?: string;
			locations?: EmulatedThread['Locations'];
			collaborationId?: number;
		},
	): EmulatedThread {
		const participants = new Map<number, EmulatedParticipant>([
			[creatorId, { PersonId: creatorId, SourceLocationId: null, SourceLocationType: null }],
		]);
		for (const member of members)
			if (!participants.has(member.PersonId)) participants.set(member.PersonId, member);
		const thread: EmulatedThread = {
			InstantMessageThreadId: ++this.nextThreadId,
			Name: options.name ?? '',
			Created: nowIso(),
			CreatedBy: creatorId,
			Type: options.type,
			Participants: participants,
			ModeratorIds: new Set(),
			MessageIds: [],
			SortIndex: ++this.sortCounter,
			RepliesAreEnabled: true,
			LastRead: new Map(),
			DeletedFor: new Set(),
			AbuseReportedBy: new Set(),
			Locations: options.locations ?? [],
			CollaborationId: options.collaborationId ?? null,
		};
		this.threads.set(thread.InstantMessageThreadId, thread);
		return thread;
	}

	/** Appends a message: new global id, thread gets the next SortIndex and reappears for everyone. */
	post(
		thread: EmulatedThread,
		from: number,
		text: string,
		attachment: EmulatedFile | null = null,
		reference?: ResolvedReference,
	): EmulatedMessage {
		const message: EmulatedMessage = {
			MessageId: ++this.nextMessageId,
			InstantMessageThreadId: thread.InstantMessageThreadId,
			Created: nowIso(),
			CreatedBy: from,
			Text: text,
			IsDeleted: false,
			DeletedBy: null,
			IsEdited: false,
			Edited: null,
			Attachment: attachment,
			ReferenceType: reference?.type ?? 'None',
			ReferencedMessageId: reference?.messageId ?? null,
			ReferencedThreadId: reference?.threadId ?? null,
			StarredBy: new Set(),
			AbuseReportedBy: new Set(),
		};
		this.messages.set(message.MessageId, message);
		thread.MessageIds.push(message.MessageId);
		thread.SortIndex = ++this.sortCounter;
		thread.DeletedFor.clear();
		if (attachment) {
			const entry = this.attachments.get(attachment.FileId) ?? { file: attachment, messageIds: [] };
			entry.messageIds.push(message.MessageId);
			this.attachments.set(attachment.FileId, entry);
		}
		return message;
	}

	/** Messages newer than the person's last-read id that someone else wrote. */
	unreadCount(personId: number, thread: EmulatedThread): number {
		const lastRead = thread.LastRead.get(personId) ?? 0;
		let count = 0;
		for (let i = thread.MessageIds.length - 1; i >= 0 && thread.MessageIds[i] > lastRead; i--) {
			const message = this.messages.get(thread.MessageIds[i]);
			if (message && message.CreatedBy !== personId) count++;
		}
		return count;
	}

	/** Threads the person is in and has not deleted, newest activity (highest SortIndex) first. */
	visibleThreads(viewer: number): EmulatedThread[] {
		return [...this.threads.values()]
			.filter((t) => t.Participants.has(viewer) && !t.DeletedFor.has(viewer))
			.sort((a, b) => b.SortIndex - a.SortIndex);
	}

	unreadThreadsCount(viewer: number): number {
		return this.visibleThreads(viewer).filter((t) => this.unreadCount(viewer, t) > 0).length;
	}

	oneToOne(a: number, b: number): EmulatedThread | undefined {
		if (a === b) return undefined;
		return [...this.threads.values()].find(
			(t) =>
				t.Type === 'OneToOne' &&
				t.Participants.size === 2 &&
				t.Participants.has(a) &&
				t.Participants.has(b),
		);
	}

	/** `max` messages newest first: just below `upper`, just above `lower`, or the newest. */
	messageWindow(
		thread: EmulatedThread,
		max: number,
		upper?: number,
		lower?: number,
	): EmulatedMessage[] {
		const ids = thread.MessageIds;
		let start: number;
		let end: number;
		if (lower !== undefined) {
			start = firstIndexAtLeast(ids, lower + 1);
			end = Math.min(ids.length, start + max);
		} else {
			end = upper !== undefined ? firstIndexAtLeast(ids, upper) : ids.length;
			start = Math.max(0, end - max);
		}
		return this.messagesOf(ids.slice(start, end).reverse());
	}

	/** messages/v3 cursor page: ids strictly below `fromId` (newest when omitted), newest first. */
	messagesBefore(
		thread: EmulatedThread,
		fromId: number | undefined,
		size: number,
	): { items: EmulatedMessage[]; hasMore: boolean } {
		const end =
			fromId === undefined
				? thread.MessageIds.length
				: firstIndexAtLeast(thread.MessageIds, fromId);
		const start = Math.max(0, end - size);
		return {
			items: this.messagesOf(thread.MessageIds.slice(start, end).reverse()),
			hasMore: start > 0,
		};
	}

	private messagesOf(ids: number[]): EmulatedMessage[] {
		return ids
			.map((id) => this.messages.get(id))
			.filter((m): m is EmulatedMessage => m !== undefined);
	}

	// --- sending

	send(viewer: number, request: SendRequest): EmulatedThread {
		const existing = request.threadId ? this.thread(viewer, request.threadId) : undefined;
		const members = existing ? undefined : this.recipients(viewer, request);
		if (existing && !existing.RepliesAreEnabled && !this.isModerator(existing, viewer))
			throw forbidden('Replies are disabled in this thread.');
		const files = [...new Set(request.fileIds)].map((id) => this.takeableUpload(viewer, id));
		const reference = request.reference && this.resolveReference(viewer, request.reference);
		if (!request.text.trim() && files.length === 0 && !reference)
			throw badRequest('The message has neither Text nor FileIds.');

		const targets = existing ? [existing] : this.openThreads(viewer, request, members ?? new Map());
		for (const thread of targets) {
			if (files.length === 0) this.post(thread, viewer, request.text, null, reference);
			files.forEach((file, i) =>
				this.post(
					thread,
					viewer,
					i === 0 ? request.text : '',
					file,
					i === 0 ? reference : undefined,
				),
			);
		}
		for (const file of files) this.uploads.delete(file.FileId);
		if (reference?.type === 'AbuseReported' && reference.messageId !== null)
			this.messages.get(reference.messageId)?.AbuseReportedBy.add(viewer);
		if (reference?.type === 'AbuseReportedThread')
			this.threads.get(reference.threadId)?.AbuseReportedBy.add(viewer);
		return targets[targets.length - 1];
	}

	/** Everyone a new thread goes to (sender excluded), with the course/project they came through. */
	private recipients(viewer: number, request: SendRequest): Map<number, EmulatedParticipant> {
		const members = new Map<number, EmulatedParticipant>();
		const add = (personId: number, source: { Id: number; Type: LocationTypeValue } | null) => {
			if (personId !== viewer && !members.has(personId)) {
				members.set(personId, {
					PersonId: personId,
					SourceLocationId: source?.Id ?? null,
					SourceLocationType: source?.Type ?? null,
				});
			}
		};
		for (const id of unique(request.toPersonIds)) {
			const person = this.person(id);
			if (this.isBlocked(person.PersonId, viewer))
				throw forbidden(`${person.FullName} does not accept messages from you.`);
			add(id, null);
		}
		for (const id of unique(request.courseIds)) {
			for (const member of this.location('Course', id, viewer).PersonIds)
				add(member, { Id: id, Type: LocationType.Course });
		}
		for (const id of unique(request.projectIds)) {
			for (const member of this.location('Project', id, viewer).PersonIds)
				add(member, { Id: id, Type: LocationType.Project });
		}
		if (members.size === 0) {
			throw badRequest(
				'No recipients: set InstantMessageThreadId, ToPersonIds, CourseIds or ProjectIds (the sender alone is not a recipient).',
			);
		}
		return members;
	}

	private openThreads(
		viewer: number,
		request: SendRequest,
		members: Map<number, EmulatedParticipant>,
	): EmulatedThread[] {
		const direct = (personId: number) =>
			this.oneToOne(viewer, personId) ??
			this.createThread(viewer, [members.get(personId)!], { type: 'OneToOne' });
		if (request.individually) return [...members.keys()].map(direct);
		const courses = unique(request.courseIds);
		const projects = unique(request.projectIds);
		const persons = unique(request.toPersonIds);
		if (persons.length === 1 && courses.length === 0 && projects.length === 0)
			return [direct(persons[0])];
		const locations = [
			...courses.map((Id) => ({ Type: LocationType.Course, Id })),
			...projects.map((Id) => ({ Type: LocationType.Project, Id })),
		];
		const single = persons.length === 0 && locations.length === 1 ? locations[0] : undefined;
		const type: ThreadType = single
			? single.Type === LocationType.Course
				? 'Course'
				: 'Project'
			: 'Group';
		const name = single
			? (single.Type === LocationType.Course ? this.courses : this.projects).get(single.Id)?.Title
			: undefined;
		return [this.createThread(viewer, [...members.values()], { type, name, locations })];
	}

	private takeableUpload(viewer: number, fileId: string): EmulatedFile {
		const file = this.uploads.get(fileId);
		if (!file || file.UploadedBy !== viewer)
			throw badRequest(
				`The file '${fileId}' is not one of your uploaded files (upload it with attachment/v1 first).`,
			);
		return file;
	}

	private resolveReference(
		viewer: number,
		reference: NonNullable<SendRequest['reference']>,
	): ResolvedReference | undefined {
		if (reference.type === 'None') return undefined;
		if (reference.type === 'AbuseReportedThread') {
			if (!reference.threadId)
				throw badRequest('OriginMessageThreadId is required to report a thread.');
			return {
				type: reference.type,
				messageId: null,
				threadId: this.thread(viewer, reference.threadId).InstantMessageThreadId,
			};
		}
		if (!reference.messageId)
			throw badRequest(
				`A message id is required for ReferencedInstantMessageType '${reference.type}'.`,
			);
		const origin = this.message(viewer, reference.messageId);
		return {
			type: reference.type,
			messageId: origin.MessageId,
			threadId: origin.InstantMessageThreadId,
		};
	}

	// --- thread membership and settings

	addParticipants(thread: EmulatedThread, personIds: number[]): void {
		if (thread.Type === 'OneToOne')
			throw badRequest('Participants cannot be added to a one-to-one thread.');
		for (const id of personIds) this.person(id);
		for (const id of personIds) {
			if (!thread.Participants.has(id))
				thread.Participants.set(id, {
					PersonId: id,
					SourceLocationId: null,
					SourceLocationType: null,
				});
		}
	}

	removeParticipants(thread: EmulatedThread, viewer: number, personIds: number[]): void {
		if (personIds.some((id) => id !== viewer)) this.requireModerator(thread, viewer);
		for (const id of personIds) {
			thread.Participants.delete(id);
			thread.ModeratorIds.delete(id);
		}
	}

	addModerators(thread: EmulatedThread, viewer: number, personIds: number[]): void {
		this.requireModerator(thread, viewer);
		const outsider = personIds.find((id) => !thread.Participants.has(id));
		if (outsider !== undefined)
			throw badRequest(
				`Person ${outsider} is not a participant of thread ${thread.InstantMessageThreadId}.`,
			);
		for (const id of personIds) thread.ModeratorIds.add(id);
	}

	updateThread(thread: EmulatedThread, viewer: number, fields: JsonFields): void {
		if (fields.bool('UpdateName')) {
			const name = fields.string('Name')?.trim();
			if (!name) throw badRequest('Name must not be empty when UpdateName is true.');
			thread.Name = name;
		}
		if (fields.bool('UpdateParticipants')) {
			this.requireModerator(thread, viewer);
			const wanted = new Set([
				...(fields.intList('PersonIds') ?? []).map((id) => this.person(id).PersonId),
				viewer,
			]);
			for (const id of [...thread.Participants.keys()])
				if (!wanted.has(id)) this.removeParticipants(thread, viewer, [id]);
			for (const id of wanted)
				if (!thread.Participants.has(id))
					thread.Participants.set(id, {
						PersonId: id,
						SourceLocationId: null,
						SourceLocationType: null,
					});
		}
		if (fields.bool('ToggleEnableDisableReplies')) {
			this.requireModerator(thread, viewer);
			thread.RepliesAreEnabled = fields.bool('RepliesAreEnabled') ?? !thread.RepliesAreEnabled;
		}
	}

	collaborationThread(viewer: number, collaborationId: number): EmulatedThread {
		if (collaborationId <= 0) throw notFound(`Collaboration ${collaborationId} was not found.`);
		const member: EmulatedParticipant = {
			PersonId: viewer,
			SourceLocationId: collaborationId,
			SourceLocationType: LocationType.Collaboration,
		};
		const existing = this.threads.get(this.collaborations.get(collaborationId) ?? -1);
		if (existing) {
			if (!existing.Participants.has(viewer)) existing.Participants.set(viewer, member);
			return existing;
		}
		const thread = this.createThread(viewer, [], {
			type: 'Group',
			name: `Collaboration ${collaborationId}`,
			locations: [{ Type: LocationType.Collaboration, Id: collaborationId }],
			collaborationId,
		});
		thread.Participants.set(viewer, member);
		this.collaborations.set(collaborationId, thread.InstantMessageThreadId);
		return thread;
	}

	// --- per-message actions

	setDeleted(message: EmulatedMessage, viewer: number, deleted: boolean): void {
		const thread = this.threads.get(message.InstantMessageThreadId)!;
		if (message.CreatedBy !== viewer && !this.isModerator(thread, viewer))
			throw forbidden('You may not delete or restore this message.');
		message.IsDeleted = deleted;
		message.DeletedBy = deleted ? viewer : null;
	}

	editText(message: EmulatedMessage, viewer: number, text: string | undefined): void {
		if (message.CreatedBy !== viewer) throw forbidden('Only the author can edit this message.');
		if (message.IsDeleted) throw badRequest('A deleted message cannot be edited.');
		if (!text?.trim()) throw badRequest('Text must not be empty.');
		message.Text = text;
		message.IsEdited = true;
		message.Edited = nowIso();
	}

	toggleBlock(viewer: number, person: EmulatedPerson): boolean {
		if (person.PersonId === viewer) throw badRequest('You cannot block yourself.');
		const set = this.blocked.get(viewer) ?? new Set<number>();
		this.blocked.set(viewer, set);
		if (set.has(person.PersonId)) set.delete(person.PersonId);
		else set.add(person.PersonId);
		return set.has(person.PersonId);
	}

	canMessage(viewer: number, person: EmulatedPerson): boolean {
		return (
			!person.MessagingDisabled &&
			!this.isBlocked(viewer, person.PersonId) &&
			!this.isBlocked(person.PersonId, viewer)
		);
	}

	starredCount(viewer: number): number {
		let count = 0;
		for (const message of this.messages.values()) {
			if (
				message.StarredBy.has(viewer) &&
				!message.IsDeleted &&
				this.threads.get(message.InstantMessageThreadId)?.Participants.has(viewer)
			)
				count++;
		}
		return count;
	}

	registerChannel(viewer: number, channelId: string, unregister: string | undefined): void {
		const channels = this.channels.get(viewer) ?? new Set<string>();
		this.channels.set(viewer, channels);
		if (unregister === 'true') {
			channels.delete(channelId);
			return;
		}
		// The official route types `unregister` as the old SignalR connection id to drop.
		if (unregister && unregister !== 'false') channels.delete(unregister);
		channels.add(channelId);
	}

	// --- attachments

	upload(viewer: number, body: MultipartBody): EmulatedFile[] {
		if (body.files.length === 0) throw badRequest('The request contains no file.');
		const files = body.files.map((part) => {
			const name = part.filename || 'file';
			const extension = /\.[^.]+$/.exec(name)?.[0].toLowerCase() ?? '';
			if (ILLEGAL_EXTENSIONS.includes(extension))
				throw badRequest(`Files of type '${extension}' may not be uploaded.`);
			if (part.content.length > MAX_ATTACHMENT_BYTES)
				throw badRequest(`The file '${name}' exceeds ${MAX_ATTACHMENT_BYTES} bytes.`);
			return {
				FileId: randomUUID(),
				FileName: name,
				MimeType: part.mimeType,
				Size: part.content.length,
				Content: part.content,
				UploadedBy: viewer,
			};
		});
		for (const file of files) this.uploads.set(file.FileId, file);
		return files;
	}

	deleteUpload(viewer: number, fileId: string): void {
		const file = this.uploads.get(fileId);
		if (!file || file.UploadedBy !== viewer) throw notFound(`The file '${fileId}' was not found.`);
		this.uploads.delete(fileId);
	}

	download(viewer: number, fileId: string): RawBody {
		const entry = this.attachments.get(fileId);
		const visible = entry?.messageIds.some((id) =>
			this.threads
				.get(this.messages.get(id)?.InstantMessageThreadId ?? -1)
				?.Participants.has(viewer),
		);
		if (!entry || !visible) throw notFound(`The file '${fileId}' was not found.`);
		return new RawBody(entry.file.Content, entry.file.MimeType, entry.file.FileName);
	}

	// --- search, suggestions, recipients

	searchThreads(viewer: number, search: ThreadSearch): EntityList<Json> {
		const filters: Array<(m: EmulatedMessage) => boolean> = [];
		if (search.text) filters.push((m) => !m.IsDeleted && contains(m.Text, search.text ?? ''));
		if (search.personId !== undefined) filters.push((m) => m.CreatedBy === search.personId);
		if (search.attachment) filters.push((m) => m.Attachment !== null);
		if (search.sent) filters.push((m) => m.CreatedBy === viewer);
		if (search.starred) filters.push((m) => m.StarredBy.has(viewer));
		const hits: Array<{ thread: EmulatedThread; matching: number[] }> = [];
		for (const thread of this.visibleThreads(viewer)) {
			if (search.threadId !== undefined && thread.InstantMessageThreadId !== search.threadId)
				continue;
			if (search.unread && this.unreadCount(viewer, thread) === 0) continue;
			if (filters.length === 0) {
				hits.push({ thread, matching: [] });
				continue;
			}
			const matching = this.messagesOf([...thread.MessageIds].reverse())
				.filter((m) => filters.every((f) => f(m)))
				.map((m) => m.MessageId);
			if (matching.length) hits.push({ thread, matching });
		}
		const page = hits.slice(search.page * search.size, (search.page + 1) * search.size);
		return entityList(
			page.map(({ thread, matching }) =>
				this.threadView(thread, viewer, {
					messages: this.recentMessages(thread, viewer, search.maxMessages),
					matching,
				}),
			),
			hits.length,
			search.page,
			search.size,
		);
	}

	searchInThread(thread: EmulatedThread, text: string): number[] {
		return this.messagesOf([...thread.MessageIds].reverse())
			.filter((m) => !m.IsDeleted && contains(m.Text, text))
			.map((m) => m.MessageId);
	}

	suggestions(viewer: number, text: string, max: number): Json[] {
		return this.visibleThreads(viewer)
			.map((thread) => {
				const other =
					thread.Type === 'OneToOne'
						? [...thread.Participants.keys()].find((id) => id !== viewer)
						: undefined;
				return other !== undefined
					? { Type: 'OneToOne', Id: other, Label: this.personInfo(other).FullName }
					: {
							Type: thread.Type === 'GroupPlaceHolder' ? 'Group' : thread.Type,
							Id: thread.InstantMessageThreadId,
							Label: this.threadName(thread, viewer),
						};
			})
			.filter((suggestion) => contains(suggestion.Label, text))
			.slice(0, max);
	}

	threadSuggestions(viewer: number, text: string): EmulatedThread[] {
		return this.visibleThreads(viewer).filter(
			(thread) =>
				contains(this.threadName(thread, viewer), text) ||
				[...thread.Participants.keys()].some((id) => contains(this.personInfo(id).FullName, text)),
		);
	}

	searchRecipients(viewer: number, text: string, exclude: Set<number>, roles: RoleName[]): Json[] {
		const people = [...this.persons.values()].filter(
			(p) =>
				p.PersonId !== viewer &&
				!exclude.has(p.PersonId) &&
				(roles.length === 0 || roles.includes(p.Role)) &&
				[p.FullName, p.UserName, `${p.FirstName} ${p.LastName}`].some((label) =>
					contains(label, text),
				),
		);
		// A role filter asks for people; courses and projects only come back without one.
		const places = roles.length
			? []
			: [...this.courses.values(), ...this.projects.values()].filter(
					(l) => l.PersonIds.includes(viewer) && contains(l.Title, text),
				);
		return [
			...people.map((p) => this.personRecipient(p)),
			...places.map((l) => this.locationRecipient(l)),
		];
	}

	recipientList(
		viewer: number,
		ids: { personIds: number[]; courseIds: number[]; projectIds: number[] },
	): Json[] {
		return [
			...ids.personIds.map((id) => this.personRecipient(this.person(id))),
			...ids.courseIds.map((id) => this.locationRecipient(this.location('Course', id, viewer))),
			...ids.projectIds.map((id) => this.locationRecipient(this.location('Project', id, viewer))),
		];
	}

	permissions(viewer: number): Json {
		const role = this.personInfo(viewer).Role;
		const staff = role === 'Teacher' || role === 'Administrator';
		return {
			CanUseSendAsIndividualMessages: staff,
			CanAccessInstantMessageSystem: true,
			CanSearchForCourses: true,
			CanShareInstantMessages: true,
			CanReplyToInstantMessages: true,
			CanStarInstantMessages: true,
			CanReportInstantMessages: true,
			IsUserBlockingEnabled: true,
			CanSendBroadcastMessages: role === 'Administrator',
		};
	}

	settings(): Json {
		return {
			MaxAttachmentFileSizeInBytes: MAX_ATTACHMENT_BYTES,
			MaxParticipantsInAMessageThread: 300,
			MaxParticipantsInAOneWayThread: 10000,
			IllegalFileExtensions: ILLEGAL_EXTENSIONS,
			SignalRHubEndpoint: `${this.baseUrl}/signalr`,
		};
	}

	// --- JSON views (per viewer)

	threadName(thread: EmulatedThread, viewer: number): string {
		const others = [...thread.Participants.keys()].filter((id) => id !== viewer);
		if (thread.Type === 'OneToOne' && others.length === 1)
			return this.personInfo(others[0]).FullName;
		return thread.Name || others.map((id) => this.personInfo(id).FirstName).join(', ');
	}

	recentMessages(thread: EmulatedThread, viewer: number, max: number): EntityList<Json> {
		return this.messageList(thread, viewer, this.messageWindow(thread, max), max);
	}

	messageList(
		thread: EmulatedThread,
		viewer: number,
		messages: EmulatedMessage[],
		pageSize: number,
	): EntityList<Json> {
		return entityList(
			messages.map((m) => this.messageView(m, viewer)),
			thread.MessageIds.length,
			0,
			pageSize,
		);
	}

	messageView(message: EmulatedMessage, viewer: number, withChild = true): Json {
		const author = this.personInfo(message.CreatedBy);
		const thread = this.threads.get(message.InstantMessageThreadId);
		const moderator = thread ? this.isModerator(thread, viewer) : false;
		const child =
			withChild && message.ReferencedMessageId !== null
				? this.messages.get(message.ReferencedMessageId)
				: undefined;
		const originThread =
			message.ReferencedThreadId !== null
				? this.threads.get(message.ReferencedThreadId)
				: undefined;
		const created = new Date(message.Created);
		const type = message.ReferenceType;
		return {
			MessageId: message.MessageId,
			MessageThreadId: message.InstantMessageThreadId,
			InstantMessageThreadId: message.InstantMessageThreadId,
			MessageThreadParticipants: null,
			Created: message.Created,
			CreatedFormatted: `${dateStamp(created)} ${timeStamp(created)}`,
			CreatedRelative: relative(message.Created),
			EditedRelative: message.Edited ? relative(message.Edited) : null,
			CreatedBy: message.CreatedBy,
			CreatedByName: author.FullName,
			HomeOrganization: author.Organization,
			CreatedByAvatar: '',
			Text: message.Text,
			AttachmentUrl: message.Attachment
				? `${this.baseUrl}${FILE_DOWNLOAD_PATH}/${message.Attachment.FileId}`
				: null,
			AttachmentName: message.Attachment?.FileName ?? null,
			Link: null,
			LinkTitle: null,
			LinkTarget: null,
			IsSystemMessage: false,
			IsDeleted: message.IsDeleted,
			DeletedBy: message.DeletedBy,
			CanDelete: message.CreatedBy === viewer || moderator,
			IsEdited: message.IsEdited,
			CanEdit: message.CreatedBy === viewer && !message.IsDeleted,
			IsStarred: message.StarredBy.has(viewer),
			IsSilent: false,
			IsAbuse: message.AbuseReportedBy.has(viewer),
			HasShared: type === 'Shared',
			HasRepliedTo: type === 'Replied',
			HasAbuseReported: type === 'AbuseReported',
			HasAbuseThreadReported: type === 'AbuseReportedThread',
			OriginInstantMessage: null,
			OriginInstantMessageThreadId: message.ReferencedThreadId,
			OriginInstantMessageThreadDeletedBy: null,
			OriginInstantMessageThreadName: originThread ? this.threadName(originThread, viewer) : null,
			ChildMessage: child ? this.messageView(child, viewer, false) : null,
			AdditionalHeading: child
				? `${type === 'Replied' ? 'Reply to' : 'Shared from'} ${this.personInfo(child.CreatedBy).FullName}`
				: null,
			IsBroadcastMassMessage: false,
			IsChildMessageDeletedPermanently: false,
			CreatedLocal: message.Created,
			CreatedLocalTimeStamp: timeStamp(created),
			CreatedLocalDateStamp: dateStamp(created),
			CreatedByShortName: author.FirstName,
			CreatedLocalShortNumericDate: dateStamp(created).slice(0, 5),
		};
	}

	threadView(thread: EmulatedThread, viewer: number, options: ThreadViewOptions = {}): Json {
		const participants = [...thread.Participants.values()];
		const others = participants
			.filter((p) => p.PersonId !== viewer)
			.map((p) => this.personInfo(p.PersonId));
		const inactive = others.filter((p) => p.MessagingDisabled);
		const lastId = thread.MessageIds[thread.MessageIds.length - 1];
		const last = lastId === undefined ? undefined : this.messages.get(lastId);
		const moderator = this.isModerator(thread, viewer);
		const location = thread.Locations[0];
		return {
			InstantMessageThreadId: thread.InstantMessageThreadId,
			Name: this.threadName(thread, viewer),
			Created: thread.Created,
			CreatedByTeacher: this.personInfo(thread.CreatedBy).Role === 'Teacher',
			CreatedBy: thread.CreatedBy,
			Type: thread.Type,
			ColorSchema:
				location?.Type === LocationType.Course
					? (this.courses.get(location.Id)?.ColorSchema ?? null)
					: null,
			Messages: options.messages ?? null,
			LastMessage: last ? this.messageView(last, viewer) : null,
			MatchingMessageIds: options.matching ?? [],
			Participants: participants.map((p) => this.participantView(p)),
			ParticipantsCount: participants.length,
			HasActiveParticipants: others.some((p) => !p.MessagingDisabled),
			HasInactiveParticipants: inactive.length > 0,
			NumberOfInactiveParticipants: inactive.length,
			InactiveParticipantFullName: inactive.length === 1 ? inactive[0].FullName : null,
			HasCreatorInThread: thread.Participants.has(thread.CreatedBy),
			IsCurrentUserARecipientWithSourceLocation:
				thread.Participants.get(viewer)?.SourceLocationType != null,
			LocationRecipients: thread.Locations.map((l) => this.locationRecipientRef(l.Type, l.Id)),
			CanShowParticipantsPage: thread.Type === 'Course',
			LastReadInstantMessageId: thread.LastRead.get(viewer) ?? 0,
			SortIndex: thread.SortIndex,
			OnlyThreadAdminCanSendToThread: !thread.RepliesAreEnabled,
			RepliesAreEnabled: thread.RepliesAreEnabled,
			IsThreadAdministrator: thread.Type === 'Course' && moderator,
			IsThreadModerator: moderator,
			InstantMessageLocationId: location?.Id ?? 0,
			IsBlocked:
				thread.Type === 'OneToOne' && others.some((p) => this.isBlocked(viewer, p.PersonId)),
			UserAllowToBlockThread: thread.Type === 'OneToOne',
			IsAbuse: thread.AbuseReportedBy.has(viewer),
			IsAbuseReportedByCurrentUser: thread.AbuseReportedBy.has(viewer),
			MassMessageType: 1,
			Tooltip: participants.map((p) => this.personInfo(p.PersonId).FullName).join(', '),
			CanDelete: moderator,
		};
	}

	participantView(participant: EmulatedParticipant): Json {
		const person = this.personInfo(participant.PersonId);
		return {
			SourceLocationId: participant.SourceLocationId,
			SourceLocationType: participant.SourceLocationType,
			IsDeleted: false,
			CanReceive: !person.MessagingDisabled,
			RoleInHierarchyTitle: person.Role,
			RoleInHierarchy: HIERARCHY_ROLE[person.Role],
			ExtraUserInformation: person.ExtraUserInformation,
			PersonId: person.PersonId,
			FirstName: person.FirstName,
			LastName: person.LastName,
			FullName: person.FullName,
			ProfileUrl: `${this.baseUrl}/Person/show.aspx?PersonId=${person.PersonId}`,
			AdditionalInfo: person.Organization,
			ProfileImageUrl: '',
			ProfileImageUrlSmall: '',
		};
	}

	disabledParticipants(thread: EmulatedThread): Json {
		const disabled = [...thread.Participants.values()].filter(
			(p) => this.personInfo(p.PersonId).MessagingDisabled,
		);
		return {
			Count: disabled.length,
			ThreadParticipants: disabled.length ? disabled.map((p) => this.participantView(p)) : null,
		};
	}

	private locationRecipientRef(type: LocationTypeValue, id: number): Json {
		const location =
			type === LocationType.Course
				? this.courses.get(id)
				: type === LocationType.Project
					? this.projects.get(id)
					: undefined;
		return {
			LocationRecipientId: id,
			Type: type,
			Title: location?.Title ?? `Collaboration ${id}`,
			ColorSchema: location?.ColorSchema ?? null,
		};
	}

	personRecipient(person: EmulatedPerson): Json {
		return {
			TypeName: 'Person',
			Id: person.PersonId,
			TypeNameId: `Person-${person.PersonId}`,
			UserName: person.UserName,
			ExtraUserInformation: person.ExtraUserInformation,
			Label: person.FullName,
			EncodedLabel: JSON.stringify(person.FullName).slice(1, -1).replace(/'/g, "\\'"),
			Organization: person.Organization,
			ShortLabel: `${person.FirstName[0] ?? ''}${person.LastName[0] ?? ''}`,
			SearchLabel: `${person.FirstName} ${person.LastName}`,
			SortField: 0,
			ParticipantsCount: 0,
			ProfileImageUrl: '',
			ColorSchema: null,
			Code: null,
			CanReceive: !person.MessagingDisabled,
			RoleInHierarchyTitle: person.Role,
		};
	}

	locationRecipient(location: EmulatedLocation): Json {
		return {
			TypeName: location.Type,
			Id: location.Id,
			TypeNameId: `${location.Type}-${location.Id}`,
			UserName: null,
			ExtraUserInformation: null,
			Label: location.Title,
			EncodedLabel: JSON.stringify(location.Title).slice(1, -1).replace(/'/g, "\\'"),
			Organization: '',
			ShortLabel: location.Code ?? location.Title,
			SearchLabel: location.Title,
			SortField: 1,
			ParticipantsCount: location.PersonIds.length,
			ProfileImageUrl: '',
			ColorSchema: location.ColorSchema,
			Code: location.Code,
			CanReceive: true,
			RoleInHierarchyTitle: null,
		};
	}
}

// ---------------------------------------------------------------------------------------------
// Seed data

function seed(world: World): void {
	const people: Array<[number, string, string, RoleName, boolean]> = [
		[1, 'Ada', 'Lovelace', 'Teacher', false],
		[2, 'Alan', 'Turing', 'Student', false],
		[3, 'Grace', 'Hopper', 'Student', false],
		[4, 'Edsger', 'Dijkstra', 'Student', false],
		[5, 'Barbara', 'Liskov', 'Student', true],
		[6, 'Margaret', 'Hamilton', 'Guest', false],
	];
	for (const [id, first, last, role, disabled] of people) {
		world.persons.set(id, {
			PersonId: id,
			FirstName: first,
			LastName: last,
			FullName: `${first} ${last}`,
			UserName: `${first[0]}${last}`.toLowerCase(),
			Role: role,
			Organization: 'Emulator High School',
			ExtraUserInformation: `SIS-${id}`,
			MessagingDisabled: disabled,
		});
	}
	world.courses.set(100, {
		Id: 100,
		Type: 'Course',
		Title: 'Mathematics 101',
		Code: 'MATH101',
		ColorSchema: 'blue',
		PersonIds: [1, 2, 3, 4],
	});
	world.projects.set(200, {
		Id: 200,
		Type: 'Project',
		Title: 'Science Fair',
		Code: null,
		ColorSchema: null,
		PersonIds: [1, 2, 5],
	});
}

// ---------------------------------------------------------------------------------------------
// OAuth2

interface Grant {
	personId: number;
	scopes: string[];
}

const splitScopes = (scope: string | null | undefined) =>
	(scope ?? '').split(/\s+/).filter(Boolean);
const hasRequiredScope = (scopes: string[]) =>
	scopes.some((s) => s === REQUIRED_SCOPE || ALL_ACCESS_SCOPES.has(s));
const secret = (bytes: number) => randomBytes(bytes).toString('hex');

class TokenStore {
	private readonly access = new Map<string, Grant & { expiresAt: number }>();
	private readonly refresh = new Map<string, Grant & { rotated: boolean }>();
	private readonly codes = new Map<string, Grant & { redirectUri: string; expiresAt: number }>();
	refreshTokensIssued = 0;
	readonly tokensRefreshed: Array<{ old: string; new: string; accessToken: string }> = [];

	constructor(private lifetimeSeconds: number) {}

	setLifetime(seconds: number): void {
		this.lifetimeSeconds = seconds;
		const expiresAt = Date.now() + seconds * 1000;
		for (const entry of this.access.values()) entry.expiresAt = expiresAt;
	}

	issue(grant: Grant, lifetimeSeconds = this.lifetimeSeconds): IssuedToken {
		const token: IssuedToken = {
			access_token: secret(64),
			token_type: 'Bearer',
			expires_in: lifetimeSeconds,
			refresh_token: `1-${secret(32)}`,
		};
		this.access.set(token.access_token, {
			...grant,
			expiresAt: Date.now() + lifetimeSeconds * 1000,
		});
		this.refresh.set(token.refresh_token, { ...grant, rotated: false });
		this.refreshTokensIssued++;
		return token;
	}

	createCode(grant: Grant, redirectUri: string): string {
		const code = secret(20);
		this.codes.set(code, { ...grant, redirectUri, expiresAt: Date.now() + CODE_LIFETIME_MS });
		return code;
	}

	/** A token pair, or the error_description of an invalid_grant. */
	redeemCode(code: string | null, redirectUri: string | null): IssuedToken | string {
		const entry = code ? this.codes.get(code) : undefined;
		if (!code || !entry) return 'The authorization code is invalid or was already used.';
		this.codes.delete(code);
		if (entry.expiresAt <= Date.now()) return 'The authorization code has expired.';
		if (redirectUri !== null && redirectUri !== entry.redirectUri)
			return 'redirect_uri does not match the one of the authorization request.';
		return this.issue({ personId: entry.personId, scopes: entry.scopes });
	}

	/** Rotation: the old refresh token is spent, a new pair comes back. */
	rotate(refreshToken: string | null): IssuedToken | string {
		const entry = refreshToken ? this.refresh.get(refreshToken) : undefined;
		if (!refreshToken || !entry) return 'The refresh token is invalid.';
		if (entry.rotated)
			return 'The refresh token was already used; refresh tokens rotate, use the newest one.';
		entry.rotated = true;
		const token = this.issue({ personId: entry.personId, scopes: entry.scopes });
		this.tokensRefreshed.push({
			old: refreshToken,
			new: token.refresh_token,
			accessToken: token.access_token,
		});
		return token;
	}

	/** The grant of a live access token. */
	grantOf(accessToken: string): Grant | undefined {
		const entry = this.access.get(accessToken);
		return entry && entry.expiresAt > Date.now() ? entry : undefined;
	}
}

/** The bearer header value, else the `access_token` query parameter. */
function tokenOf(req: FastifyRequest): string | undefined {
	const header = req.headers.authorization;
	const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
	if (bearer) return bearer[1];
	const url = req.raw.url ?? '';
	const q = url.indexOf('?');
	return q === -1
		? undefined
		: (new URLSearchParams(url.slice(q + 1)).get('access_token') ?? undefined);
}

function basicCredentials(
	header: string | undefined,
): { clientId: string; clientSecret: string } | undefined {
	const m = header ? /^Basic\s+(\S+)$/i.exec(header) : null;
	if (!m) return undefined;
	const decoded = Buffer.from(m[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	const part = (text: string) => {
		try {
			return decodeURIComponent(text.replace(/\+/g, ' '));
		} catch {
			return text;
		}
	};
	return colon === -1
		? { clientId: part(decoded), clientSecret: '' }
		: { clientId: part(decoded.slice(0, colon)), clientSecret: part(decoded.slice(colon + 1)) };
}

/** Token request fields: form-urlencoded (documented) or, leniently, a JSON object. */
function formFields(body: unknown): URLSearchParams {
	if (typeof body === 'string') return new URLSearchParams(body);
	const form = new URLSearchParams();
	if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
		for (const [key, value] of Object.entries(body))
			if (value !== undefined && value !== null) form.set(key, String(value));
	}
	return form;
}

function sendJson(reply: FastifyReply, status: number, value: unknown): FastifyReply {
	return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(value));
}

function registerOAuthRoutes(
	app: FastifyInstance,
	tokens: TokenStore,
	settings: { clientId: string; authorizePersonId: number },
): void {
	app.get(AUTHORIZE_PATH, async (req, reply) => {
		const query = new URLSearchParams(recordOf(req).rawQuery);
		const clientId = query.get('client_id');
		if (clientId !== settings.clientId)
			return sendJson(reply, 400, { Message: `Unknown client_id '${clientId ?? ''}'.` });
		if (query.get('response_type') !== 'code')
			return sendJson(reply, 400, { Message: "response_type must be 'code'." });
		const redirectUri = query.get('redirect_uri') ?? '';
		let target: URL;
		try {
			target = new URL(redirectUri);
		} catch {
			return sendJson(reply, 400, { Message: 'redirect_uri is missing or not an absolute URL.' });
		}
		// Auto-approve: the signed-in browser user consents at once.
		target.searchParams.set(
			'code',
			tokens.createCode(
				{ personId: settings.authorizePersonId, scopes: splitScopes(query.get('scope')) },
				redirectUri,
			),
		);
		const state = query.get('state');
		if (state !== null) target.searchParams.set('state', state);
		return reply.redirect(target.toString(), 302);
	});

	app.post(TOKEN_PATH, async (req, reply) => {
		const form = formFields(recordOf(req).body);
		const basic = basicCredentials(req.headers.authorization);
		const fail = (error: string, description: string) =>
			sendJson(reply.header('Cache-Control', 'no-store'), 400, {
				error,
				error_description: description,
			});
		const clientId = form.get('client_id') ?? basic?.clientId;
		if (!clientId)
			return fail(
				'invalid_client',
				'client_id is required (form field or HTTP Basic authentication).',
			);
		if (clientId !== settings.clientId)
			return fail('invalid_client', `Unknown client_id '${clientId}'.`);
		const grantType = form.get('grant_type');
		let result: IssuedToken | string;
		if (grantType === 'authorization_code')
			result = tokens.redeemCode(form.get('code'), form.get('redirect_uri'));
		else if (grantType === 'refresh_token') result = tokens.rotate(form.get('refresh_token'));
		else return fail('unsupported_grant_type', `grant_type '${grantType ?? ''}' is not supported.`);
		if (typeof result === 'string') return fail('invalid_grant', result);
		return sendJson(reply.header('Cache-Control', 'no-store'), 200, result);
	});
}

// ---------------------------------------------------------------------------------------------
// API routes

interface Ctx {
	/** Person id of the access token. */
	me: number;
	args: Args;
}

/** Returns the JSON answer; `undefined` = empty 200, RawBody = file content. */
type Handler = (ctx: Ctx) => unknown;

interface RouteDef extends RouteInfo {
	handler: Handler;
}

const route = (
	sdkMethod: string,
	method: HTTPMethods,
	path: string,
	handler: Handler,
): RouteDef => ({ sdkMethod, method, path: `${API}${path}`, handler });

function sendInstantMessageV2Request(f: JsonFields): SendRequest {
	const share = f.int('InstantMessageIdToShare', 'int64');
	const replyTo = f.int('InstantMessageIdToReplyTo', 'int64');
	const type = parseReferenceType(f.value('ReferencedInstantMessageType'));
	// The SDK's types make every field mandatory, so clients send 0 / 'None' for "not set".
	const reference = share
		? { type: 'Shared' as const, messageId: share }
		: replyTo
			? { type: 'Replied' as const, messageId: replyTo }
			: type && type !== 'None'
				? {
						type,
						messageId: f.int('OriginInstantMessageId', 'int64'),
						threadId: f.int('OriginMessageThreadId'),
					}
				: undefined;
	return {
		threadId: f.int('InstantMessageThreadId') || undefined,
		toPersonIds: f.intList('ToPersonIds') ?? [],
		courseIds: f.intList('CourseIds') ?? [],
		projectIds: f.intList('ProjectIds') ?? [],
		fileIds: f.stringList('FileIds') ?? [],
		text: f.string('Text') ?? '',
		individually: f.bool('SendAsIndividualMessages') ?? false,
		reference,
	};
}

function sendInstantMessageV1Request(f: JsonFields): SendRequest {
	const one = (id: number | undefined) => (id ? [id] : []);
	return {
		threadId: f.int('InstantMessageThreadId') || undefined,
		toPersonIds: f.intList('ToPersonIds') ?? [],
		courseIds: one(f.int('CourseId')),
		projectIds: one(f.int('ProjectId')),
		fileIds: f.stringList('FileId') ?? [],
		text: f.string('Text') ?? '',
		individually: f.bool('SendAsIndividualMessages') ?? false,
	};
}

function apiRoutes(world: World): RouteDef[] {
	const thread = (c: Ctx) => world.thread(c.me, c.args.pathInt('threadId'));
	const message = (c: Ctx) => world.message(c.me, c.args.pathInt('instantMessageId', 'int64'));
	const person = (c: Ctx) => world.person(c.args.pathInt('personId'));
	const threadJson = (c: Ctx, t: EmulatedThread, options?: ThreadViewOptions) =>
		world.threadView(t, c.me, options);
	const searchText = (c: Ctx) => {
		const text = c.args.query('searchText')?.trim();
		if (!text) throw badRequest('The searchText parameter is required.');
		return text;
	};
	const personIds = (f: JsonFields) => {
		const ids = f.intList('PersonIds');
		if (!ids?.length) throw badRequest('PersonIds must list at least one person.');
		return ids;
	};
	/** Routes taking InstantMessageThreadUpdateV1: change the thread, answer with it. */
	const editThread = (c: Ctx, edit: (t: EmulatedThread, f: JsonFields) => void) => {
		const t = thread(c);
		const fields = c.args.fields(true);
		const bodyId = fields.int('InstantMessageThreadId');
		if (bodyId && bodyId !== t.InstantMessageThreadId)
			throw badRequest('InstantMessageThreadId in the body does not match the thread in the path.');
		edit(t, fields);
		return threadJson(c, t);
	};
	/** Routes acting on one message: change it, answer with it. */
	const editMessage = (c: Ctx, edit: (m: EmulatedMessage) => void) => {
		const m = message(c);
		edit(m);
		return world.messageView(m, c.me);
	};
	/** thread v1/v2 and messages v2: maxMessages (default 100, ≤ 500) and one optional id bound. */
	const boundedMessages = (c: Ctx, t: EmulatedThread) => {
		const max = c.args.queryInt('maxMessages', { min: 0, max: MAX_BOUNDED_MESSAGES }) ?? 100;
		const upper = c.args.queryInt('upperBoundInstantMessageId', { kind: 'int64' });
		const lower = c.args.queryInt('lowerBoundInstantMessageId', { kind: 'int64' });
		if (upper !== undefined && lower !== undefined)
			throw badRequest(
				'Use either upperBoundInstantMessageId or lowerBoundInstantMessageId, not both.',
			);
		return world.messageList(t, c.me, world.messageWindow(t, max, upper, lower), max);
	};
	/** threads v1/v2: threadPage (0-based), maxThreadCount (default 15), maxMessages per thread. */
	const threadPage = (c: Ctx) => {
		const size = c.args.queryInt('maxThreadCount', { min: 1 }) ?? 15;
		const page = c.args.queryInt('threadPage', { min: 0 }) ?? 0;
		const maxMessages = c.args.queryInt('maxMessages', { min: 0, max: MAX_BOUNDED_MESSAGES }) ?? 15;
		const all = world.visibleThreads(c.me);
		const items = all
			.slice(page * size, (page + 1) * size)
			.map((t) => threadJson(c, t, { messages: world.recentMessages(t, c.me, maxMessages) }));
		return entityList(items, all.length, page, size);
	};
	const toggle = (set: Set<number>, id: number) => (set.has(id) ? set.delete(id) : set.add(id));

	return [
		route('addModeratorToThread', 'PUT', '/messagethreads/{threadId}/moderators/v1', (c) =>
			editThread(c, (t, f) => world.addModerators(t, c.me, personIds(f))),
		),
		route('addParticipantsToThread', 'PUT', '/messagethreads/{threadId}/participants/v1', (c) =>
			editThread(c, (t, f) => world.addParticipants(t, personIds(f))),
		),
		route('cancelAbuseReport', 'DELETE', '/{instantMessageId}/abusereport/v1', (c) =>
			editMessage(c, (m) => m.AbuseReportedBy.delete(c.me)),
		),
		route('cancelAbuseThreadReport', 'PUT', '/cancelabusethreadreport/{threadId}/v1', (c) => {
			thread(c).AbuseReportedBy.delete(c.me);
		}),
		route('checkPrivacyRules', 'GET', '/privacy/{personId}/v1', (c) =>
			world.canMessage(c.me, person(c)),
		),
		route('deleteAttachment', 'DELETE', '/attachment/v1', (c) => {
			const fileId = c.args.query('fileId');
			if (!fileId) throw badRequest('The fileId parameter is required.');
			world.deleteUpload(c.me, fileId);
			return httpResponseMessage();
		}),
		route('deleteInstantMessage', 'DELETE', '/{instantMessageId}/v1', (c) =>
			editMessage(c, (m) => world.setDeleted(m, c.me, true)),
		),
		route('deleteThread', 'DELETE', '/messagethreads/{threadId}/v1', (c) => {
			thread(c).DeletedFor.add(c.me);
		}),
		route(
			'getCollaborationThreadId',
			'GET',
			'/messagethreads/collaborations/{collaborationId}/v1',
			(c) => threadJson(c, world.collaborationThread(c.me, c.args.pathInt('collaborationId'))),
		),
		route('getInstantMessagePermissions', 'GET', '/permissions/v1', (c) => world.permissions(c.me)),
		route('getMessageThreadsV1', 'GET', '/messagethreads/v1', threadPage),
		route('getMessageThreadsV2', 'GET', '/messagethreads/v2', threadPage),
		route('getMessageThreadsV3', 'GET', '/messagethreads/v3', (c) => {
			const size = c.args.queryInt('pageSize', { min: 1 }) ?? 100;
			const from = c.args.queryInt('fromSortIndex', { kind: 'int64' });
			const all = world.visibleThreads(c.me);
			const older = from === undefined ? all : all.filter((t) => t.SortIndex < from);
			return {
				Threads: entityList(
					older.slice(0, size).map((t) => threadJson(c, t)),
					all.length,
					0,
					size,
				),
				HasMore: older.length > size,
			};
		}),
		route(
			'getOneToOneThreadId',
			'GET',
			'/messagethreads/onetoone/{personId}/v1',
			(c) => world.oneToOne(c.me, person(c).PersonId)?.InstantMessageThreadId ?? 0,
		),
		route(
			'getParticipantsWithDisabledMessages',
			'GET',
			'/messagethreads/{threadId}/participants/messages-disabled/v1',
			(c) => world.disabledParticipants(thread(c)),
		),
		route('getRecipientPersons', 'POST', '/recipients/persons/v1', (c) => {
			const body = c.args.json();
			if (!Array.isArray(body))
				throw badRequest('The body must be a JSON array of person ids, e.g. [1,2].');
			const ids = body.map((id) => parseInteger(String(id), 'int32', 'personIds'));
			return world.recipientList(c.me, { personIds: ids, courseIds: [], projectIds: [] });
		}),
		route('getRecipientsV1', 'GET', '/recipients/v1', (c) => {
			const one = (id: number | undefined) => (id ? [id] : []);
			return world.recipientList(c.me, {
				personIds: c.args.queryIntList('personIds'),
				courseIds: one(c.args.queryInt('courseId')),
				projectIds: one(c.args.queryInt('projectId')),
			});
		}),
		route('getRecipientsV2', 'GET', '/recipients/v2', (c) =>
			world.recipientList(c.me, {
				personIds: c.args.queryIntList('personIds'),
				courseIds: c.args.queryIntList('courseIds'),
				projectIds: c.args.queryIntList('projectIds'),
			}),
		),
		route('getSettingsV1', 'GET', '/settings/v1', () => world.settings()),
		route('getSettingsV2', 'GET', '/settings/v2', () => ({
			...world.settings(),
			SignalRServiceVersion: 1,
		})),
		route('getStarredMessagesCount', 'GET', '/starred/count/v1', (c) => world.starredCount(c.me)),
		route('getSuggestions', 'GET', '/suggestions/v1', (c) =>
			world.suggestions(c.me, searchText(c), c.args.queryInt('maxSuggestions', { min: 0 }) ?? 10),
		),
		route('getThreadAndMessagesV2', 'GET', '/messagethreads/{threadId}/v2', (c) => {
			const t = thread(c);
			return threadJson(c, t, { messages: boundedMessages(c, t) });
		}),
		route('getThreadMessagesV1', 'GET', '/messagethreads/{threadId}/v1', (c) =>
			boundedMessages(c, thread(c)),
		),
		route('getThreadMessagesV2', 'GET', '/messagethreads/{threadId}/messages/v2', (c) =>
			boundedMessages(c, thread(c)),
		),
		route('getThreadMessagesV3', 'GET', '/messagethreads/{threadId}/messages/v3', (c) => {
			const t = thread(c);
			const size = c.args.queryInt('pageSize', { min: 1 }) ?? 20;
			const page = world.messagesBefore(t, c.args.queryInt('fromId', { kind: 'int64' }), size);
			return { Messages: world.messageList(t, c.me, page.items, size), HasMore: page.hasMore };
		}),
		route('getThreadSuggestions', 'GET', '/messagethreads/suggestions/v1', (c) =>
			world.threadSuggestions(c.me, searchText(c)).map((t) => threadJson(c, t)),
		),
		route('getThreadUnreadCount', 'GET', '/messagethreads/{threadId}/unread/count/v1', (c) =>
			world.unreadCount(c.me, thread(c)),
		),
		route('getUnreadThreadsCount', 'GET', '/messagethreads/unread/count/v1', (c) =>
			world.unreadThreadsCount(c.me),
		),
		route('registerCommunicationChannel', 'POST', '/communicationchannel/{channelId}/v1', (c) => {
			world.registerChannel(c.me, c.args.path('channelId'), c.args.query('unregister'));
		}),
		route(
			'removeParticipantsFromThread',
			'DELETE',
			'/messagethreads/{threadId}/participants/v1',
			(c) => editThread(c, (t, f) => world.removeParticipants(t, c.me, personIds(f))),
		),
		route('restoreInstantMessage', 'PATCH', '/{instantMessageId}/restore/v1', (c) =>
			editMessage(c, (m) => world.setDeleted(m, c.me, false)),
		),
		route('restoreThread', 'PATCH', '/messagethreads/{threadId}/restore/v1', (c) => {
			const t = thread(c);
			t.DeletedFor.delete(c.me);
			return threadJson(c, t);
		}),
		route('searchMessagesInThread', 'GET', '/messagethreads/{threadId}/messages/search/v1', (c) =>
			world.searchInThread(thread(c), searchText(c)),
		),
		route('searchMessageThreads', 'POST', '/messagethreads/search/v1', (c) => {
			const f = c.args.fields(false);
			return world.searchThreads(c.me, {
				page: inRange(f.int('ThreadPage') ?? 0, 'ThreadPage', 0),
				size: inRange(f.int('MaxThreadCount') ?? 0, 'MaxThreadCount', 0) || 15,
				maxMessages: inRange(f.int('MaxMessages') ?? 15, 'MaxMessages', 0, MAX_BOUNDED_MESSAGES),
				text: f.string('SearchText')?.trim() || undefined,
				personId: f.int('PersonIdFilter') || undefined,
				threadId: f.int('ThreadIdFilter') || undefined,
				attachment: f.bool('AttachmentFilter') ?? false,
				sent: f.bool('SentFilter') ?? false,
				unread: f.bool('UnreadFilter') ?? false,
				starred: f.bool('StarredFilter') ?? false,
			});
		}),
		route('searchRecipients', 'GET', '/recipients/search/v1', (c) => {
			const threadId = c.args.queryInt('instantMessageThreadId');
			const exclude = new Set(threadId ? world.thread(c.me, threadId).Participants.keys() : []);
			return world.searchRecipients(
				c.me,
				searchText(c),
				exclude,
				c.args.queryList('recipientRoles').map(parseRole),
			);
		}),
		route('sendInstantMessageV1', 'POST', '/v1', (c) =>
			threadJson(c, world.send(c.me, sendInstantMessageV1Request(c.args.fields(true)))),
		),
		route('sendInstantMessageV2', 'POST', '/v2', (c) =>
			threadJson(c, world.send(c.me, sendInstantMessageV2Request(c.args.fields(true)))),
		),
		route('toggleMessageStar', 'PUT', '/togglemessagestar/{instantMessageId}/v1', (c) =>
			editMessage(c, (m) => toggle(m.StarredBy, c.me)),
		),
		route('togglePersonBlock', 'PUT', '/togglepersonblock/{personId}/v1', (c) =>
			world.toggleBlock(c.me, person(c)),
		),
		route(
			'toggleThreadReplies',
			'PUT',
			'/messagethreads/{threadId}/toggleEnableDisableReplies/v1',
			(c) => {
				const t = thread(c);
				world.requireModerator(t, c.me);
				t.RepliesAreEnabled = !t.RepliesAreEnabled;
				return threadJson(c, t);
			},
		),
		route('updateInstantMessageText', 'PATCH', '/v1', (c) => {
			const f = c.args.fields(true);
			const id = f.int('InstantMessageId', 'int64');
			if (!id) throw badRequest('InstantMessageId is required.');
			const m = world.message(c.me, id);
			world.editText(m, c.me, f.string('Text'));
			return world.messageView(m, c.me);
		}),
		route(
			'updateLastRead',
			'PUT',
			'/messagethreads/{threadId}/updatelastread/{lastReadInstantMessageId}/v1',
			(c) => {
				const t = thread(c);
				const lastRead = inRange(
					c.args.pathInt('lastReadInstantMessageId', 'int64'),
					'lastReadInstantMessageId',
					0,
				);
				c.args.queryInt('sortIndex', { kind: 'int64' }); // validated, otherwise unused
				t.LastRead.set(c.me, lastRead);
			},
		),
		route('updateThread', 'PUT', '/messagethreads/{threadId}/v1', (c) =>
			editThread(c, (t, f) => world.updateThread(t, c.me, f)),
		),
		route('uploadAttachment', 'POST', '/attachment/v1', (c) =>
			world.upload(c.me, c.args.multipart()).map((f) => ({ Item1: f.FileId, Item2: f.FileName })),
		),
	];
}

function registerApiRoutes(
	app: FastifyInstance,
	world: World,
	tokens: TokenStore,
	routes: RouteDef[],
): void {
	/** 401 for a missing/unknown/expired token, 403 without the InstantMessage scope. */
	const authenticate = (req: FastifyRequest): Grant => {
		const token = tokenOf(req);
		const grant = token ? tokens.grantOf(token) : undefined;
		if (!token || !grant) throw new ApiError(401, DENIED);
		recordOf(req).token = token;
		if (!hasRequiredScope(grant.scopes))
			throw forbidden(`The access token does not have the required scope '${REQUIRED_SCOPE}'.`);
		return grant;
	};

	const respond = (req: FastifyRequest, reply: FastifyReply, handler: Handler): FastifyReply => {
		try {
			const grant = authenticate(req);
			const result = handler({ me: grant.personId, args: new Args(req, recordOf(req)) });
			if (result === undefined) return reply.code(200).send();
			if (result instanceof RawBody) {
				return reply
					.code(200)
					.type(result.mimeType)
					.header(
						'Content-Disposition',
						`attachment; filename="${encodeURIComponent(result.fileName)}"`,
					)
					.send(result.content);
			}
			return sendJson(reply, 200, result);
		} catch (error) {
			if (error instanceof ApiError) {
				if (error.status === 401) void reply.header('WWW-Authenticate', 'Bearer');
				return sendJson(reply, error.status, { Message: error.message });
			}
			return sendJson(reply, 500, {
				Message: 'An error has occurred.',
				ExceptionMessage: String(error),
			});
		}
	};

	for (const r of routes) {
		app.route({
			method: r.method,
			url: r.path.replace(/\{(\w+)\}/g, ':$1'),
			handler: async (req, reply) => respond(req, reply, r.handler),
		});
	}
	app.get(`${FILE_DOWNLOAD_PATH}/:fileId`, async (req, reply) =>
		respond(req, reply, (c) => world.download(c.me, c.args.path('fileId'))),
	);

	app.setNotFoundHandler(async (req, reply) =>
		sendJson(reply, 404, {
			Message: `No HTTP resource was found that matches the request URI '${world.baseUrl}${req.raw.url ?? ''}'.`,
		}),
	);
	app.setErrorHandler(async (error: FastifyError, _req, reply) =>
		sendJson(reply, error.statusCode ?? 500, { Message: error.message }),
	);
}

// ---------------------------------------------------------------------------------------------
// Entry point

export async function startItslearningEmulator(
	options: ItslearningEmulatorOptions = {},
): Promise<ItslearningEmulator> {
	const settings = { clientId: options.clientId ?? 'n8n-test-client', authorizePersonId: 1 };
	const world = new World();
	seed(world);
	const tokens = new TokenStore(options.tokenLifetimeSeconds ?? 3600);
	const core = await createEmulatorCore({
		isTokenPath: (rawPath) => rawPath === TOKEN_PATH || rawPath === AUTHORIZE_PATH,
		errorBody: (_status, message) => ({ Message: message }),
		tokenOf,
	});
	const chaos = installChaos(
		core.app,
		(rawPath) => rawPath === TOKEN_PATH || rawPath === AUTHORIZE_PATH,
		(_status, message) => ({ Message: message }),
	);
	const routes = apiRoutes(world);
	registerOAuthRoutes(core.app, tokens, settings);
	registerApiRoutes(core.app, world, tokens, routes);
	const started = await core.listen();
	world.baseUrl = started.url;

	const threadOrThrow = (id: number) => {
		const thread = world.threads.get(id);
		if (!thread) throw new Error(`No thread ${id}`);
		return thread;
	};
	const personOrThrow = (id: number) => {
		if (!world.persons.has(id)) throw new Error(`No person ${id}`);
		return id;
	};

	return {
		...started,
		...chaos,
		persons: world.persons,
		courses: world.courses,
		projects: world.projects,
		uploads: world.uploads,
		communicationChannels: world.channels,
		routes: routes.map(({ sdkMethod, method, path }) => ({ sdkMethod, method, path })),
		get authorizePersonId() {
			return settings.authorizePersonId;
		},
		set authorizePersonId(personId: number) {
			settings.authorizePersonId = personOrThrow(personId);
		},
		get refreshTokensIssued() {
			return tokens.refreshTokensIssued;
		},
		tokensRefreshed: tokens.tokensRefreshed,
		setTokenLifetime: (seconds) => tokens.setLifetime(seconds),
		issueToken: ({ personId, scopes = [REQUIRED_SCOPE], lifetimeSeconds }) =>
			tokens.issue({ personId: personOrThrow(personId), scopes }, lifetimeSeconds),
		createThread: (creatorId, participantIds, name) => {
			const creator = personOrThrow(creatorId);
			const others = unique(participantIds.map(personOrThrow)).filter((id) => id !== creator);
			const members = others.map((PersonId) => ({
				PersonId,
				SourceLocationId: null,
				SourceLocationType: null,
			}));
			return world.createThread(creator, members, {
				type: others.length === 1 && !name ? 'OneToOne' : 'Group',
				name,
			});
		},
		addMessages: (threadId, fromPersonId, count, textPrefix = 'Message') => {
			const thread = threadOrThrow(threadId);
			if (!thread.Participants.has(fromPersonId))
				throw new Error(`Person ${fromPersonId} is not in thread ${threadId}`);
			return Array.from({ length: count }, (_, i) =>
				world.post(thread, fromPersonId, `${textPrefix} ${i + 1}`),
			);
		},
		getThread: (id) => world.threads.get(id),
		getMessage: (id) => world.messages.get(id),
		unreadCount: (personId, threadId) => world.unreadCount(personId, threadOrThrow(threadId)),
		unreadThreadsCount: (personId) => world.unreadThreadsCount(personId),
	};
}
