/**
 * Genesys Cloud Chat emulator: the 32 ChatApi operations of `test/spec/genesys-chat.json`, the
 * OAuth2 login host (`/oauth/token`, `/oauth/authorize`), `GET /api/v2/tokens/me` and, for the
 * trigger, `GET /api/v2/users/chats/me` and `GET /api/v2/users/me` (UsersApi), on one
 * Fastify server (region-independent: it is both the "login" and the "api" host).
 *
 * Built on `core.ts` (request log, faults, rate limit). Everything under `/api/v2/` goes through one
 * catch-all Fastify route and a small router of our own that matches on the RAW path, so that a JID
 * arriving as `room%40conference.x` and a message id list arriving as `a%2Cb` are decoded exactly once,
 * after the route is chosen, and literal segments (`pins`, `me`) always win over parameters.
 *
 * Choices where Genesys documents nothing (see also the comments at the helpers):
 * - Void operations: DELETE message / unpin / pin / participants / reactions answer 204 with no body;
 *   PATCH room answers 200 with an empty body. Create room and send/edit answer 200 with JSON.
 * - History paging: see `pageOfHistory`. Room history holds every message of the room, thread replies
 *   included; thread history holds the thread's root message plus its replies.
 * - Messages created through the API get strictly increasing timestamps (1 ms apart at least);
 *   seeded messages get exactly the timestamps asked for, ties included.
 * - Editing and deleting a message is for its author only (403 `not.authorized` otherwise). Sending,
 *   reading messages and pins, and editing the room need room membership (403 `not.authorized`).
 *   Room metadata and the participant list are readable by every user token.
 * - Joining: a member may add anyone, a non-member may add only themselves. Removing: a member may
 *   remove anyone, anybody may remove themselves.
 * - `PATCH /rooms/{jid}` replaces `pinnedMessageIds` and `ownerIds` (owners become participants).
 * - `GET .../messages/{messageIds}` returns the listed messages of that room/1on1 in request order,
 *   skips unknown ids, and answers 404 when none of them exists.
 * - Refresh tokens do not rotate: the refresh grant hands back the same refresh token.
 * - Scopes: user tokens need `chat` (or `chat:readonly` for reads) → else 403 `missing.permissions`.
 *   Client-credentials tokens are limited by "roles" in Genesys; the emulator grants them everything
 *   that does not need a user.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { installChaos, type ChaosControl } from './chaos';
import { createEmulatorCore, type EmulatorCore, type RecordedRequest } from './core';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export interface GenesysEmulatorOptions {
	/** Lifetime of issued access tokens (default 86400 s, the Genesys default). */
	tokenLifetimeSeconds?: number;
	clientId?: string;
	clientSecret?: string;
}

export interface EmulatorUser {
	id: string;
	name: string;
	jid: string;
	/** Directory profile (UsersApi User: title, department, email), shown by the node's user picker. */
	title?: string;
	department?: string;
	email?: string;
}

export interface IssuedToken {
	access_token: string;
	token_type: 'bearer';
	expires_in: number;
	refresh_token?: string;
}

export interface ChatSettings {
	messageRetentionPeriodDays: number;
	reactionsEnabled: boolean;
}

export type NotificationWhen = 'Always' | 'OnlyWhenInactive';

/** ChatUserSettings / UserSettingsForChat (the superset is stored and returned). */
export interface UserChatSettings {
	mobile: { notifications: { when: NotificationWhen } };
	muted: boolean;
	mentionsOnly: boolean;
	notifyOnReactions: boolean;
}

export interface StoredMessage {
	id: string;
	/** Room JID, or the 1on1 key (`1on1:<userId>|<userId>`, ids sorted). */
	conversationKey: string;
	fromUserId: string;
	/** Receiving user of a 1on1 message. */
	toUserId?: string;
	body: string;
	/** Mentioned user ids (the API shows them as a map userId → jid). */
	mentions: string[];
	dateCreated: Date;
	dateModified?: Date;
	edited: boolean;
	threadId: string;
	/** Set on thread replies (equal to `threadId`). */
	parentThreadId?: string;
	reactions: Array<{ emoji: string; userIds: string[] }>;
	/** Creation order, the tie-breaker between equal timestamps. */
	seq: number;
}

interface ConversationBase {
	key: string;
	/** Sorted oldest first by (dateCreated, seq). */
	messages: StoredMessage[];
	pinnedMessageIds: string[];
}

export interface StoredRoom extends ConversationBase {
	kind: 'room';
	jid: string;
	subject: string;
	description?: string;
	dateCreated: Date;
	ownerIds: string[];
	participantIds: string[];
}

export interface StoredOneOnOne extends ConversationBase {
	kind: 'oneOnOne';
	userIds: [string, string];
}

export type Conversation = StoredRoom | StoredOneOnOne;

export interface SeedMessagesOptions {
	/** Timestamp of the first message (default: `count + 1` steps before now). */
	start?: Date;
	/** Milliseconds between consecutive messages (default 1000; 0 gives equal timestamps). */
	stepMs?: number;
	/** Message text by index (default `Message <n>`, n from 1). */
	body?: (index: number) => string;
	/** Post the messages as replies into this thread. */
	threadId?: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteInfo {
	method: HttpMethod;
	/** Path template in the spec's syntax, e.g. `/api/v2/chats/rooms/{roomJid}`. */
	path: string;
	/** SDK method name (`getChatsRoom`), or our own name for the non-chat extras. */
	operation: string;
}

export interface EntityRef {
	id: string;
	selfUri: string;
}

/** The JSON the API answers for one message. */
export interface ChatMessageResponse {
	id: string;
	dateCreated: string;
	dateModified?: string;
	toJid: string;
	jid: string;
	body: string;
	mentions?: Record<string, string>;
	edited: boolean;
	thread: { id: string };
	parentThread?: { id: string };
	user: EntityRef;
	toUser?: EntityRef;
	reactions: Array<{ emoji: string; users: EntityRef[] }>;
}

export interface GenesysErrorBody {
	message: string;
	code: string;
	status: number;
	contextId: string;
	entityId?: string;
	messageWithParams?: string;
	messageParams?: Record<string, string>;
	details: unknown[];
	errors: unknown[];
}

export interface GenesysEmulator extends EmulatorCore, ChaosControl {
	clientId: string;
	clientSecret: string;
	organization: { id: string; name: string };
	/** Seeded users; `users[0]` is the usual "me" (and who `/oauth/authorize` logs in by default). */
	users: EmulatorUser[];
	userIds: string[];
	/** Every served route (the 32 chat operations plus the token/introspection extras). */
	routes: readonly RouteInfo[];
	/** Org chat settings (live object, mutated in place by PUT/PATCH). */
	settings: ChatSettings;
	/** Per-user chat settings by user id (live objects). */
	userSettings: Map<string, UserChatSettings>;
	issueUserToken(
		userId: string,
		options?: { scopes?: string[]; lifetimeSeconds?: number },
	): IssuedToken;
	issueClientToken(options?: { lifetimeSeconds?: number }): IssuedToken;
	/** Makes an access token expired (its next use answers 401 `bad.credentials`). */
	expireToken(accessToken: string): void;
	/** Which user `/oauth/authorize` auto-approves as (default `users[0]`). */
	setAuthorizeUser(userId: string): void;
	/** Chats per page of `GET /api/v2/users/chats/me` (the service's choice; default CHATS_PAGE, undefined resets). */
	setChatsPageSize(size: number | undefined): void;
	/** Adds a user to the organization (directory search, rooms, 1:1 chats). */
	addUser(name: string): EmulatorUser;
	createRoom(ownerUserId: string, subject: string, memberUserIds?: string[]): string;
	addRoomMessages(
		roomJid: string,
		fromUserId: string,
		count: number,
		options?: SeedMessagesOptions,
	): StoredMessage[];
	addUserMessages(
		fromUserId: string,
		toUserId: string,
		count: number,
		options?: SeedMessagesOptions,
	): StoredMessage[];
	getMessage(id: string): StoredMessage | undefined;
	/** The message as `GET /api/v2/chats/messages/{id}` would answer it. */
	messageJson(id: string): ChatMessageResponse | undefined;
	getRoom(jid: string): StoredRoom | undefined;
	getOneOnOne(userIdA: string, userIdB: string): StoredOneOnOne | undefined;
}

// ---------------------------------------------------------------------------------------------
// Constants and seed data
// ---------------------------------------------------------------------------------------------

const ORGANIZATION = { id: '7d3c5a1e-2f4b-4c6d-8e9f-0a1b2c3d4e5f', name: 'Example Org' };
const USER_JID_DOMAIN = 'example.orgspan.com';
const ROOM_JID_DOMAIN = `conference.${USER_JID_DOMAIN}`;
const MAX_PINS = 5;
const MAX_CREATE_USER_IDS = 25;
const PARTICIPANT_LIMIT = 1000;
const DEFAULT_HISTORY_LIMIT = 25;
/** Chats per page of `GET /api/v2/users/chats/me`. */
const CHATS_PAGE = 100;
const MAX_HISTORY_LIMIT = 100;
const AUTH_CODE_LIFETIME_MS = 5 * 60 * 1000;
const USER_CONTEXT_MESSAGE =
	'This request requires a user context. Client credentials cannot be used for requests to this resource.';
/** Error bodies built without the request carry this; the onSend hook swaps in the correlation id. */
const CONTEXT_ID_MARK = '@@inin-correlation-id@@';

/** id, name, and the directory profile: title, department (email: first.last@example.org). */
const SEED_USERS: Array<[string, string, string, string]> = [
	['3f6e1c2a-8b4d-4a7e-9c1f-2d5b6a7c8e90', 'Ada Lovelace', 'Analyst', 'Research'],
	['5a2d9e71-0c3b-4f86-a4d2-7e1f9b3c6d58', 'Grace Hopper', 'Team Lead', 'Engineering'],
	['8c4b2f13-6e9a-4d21-b7c5-1a3e5f7d9b02', 'Alan Turing', 'Agent', 'Support'],
	['b1e7d4a9-2c5f-4e38-8d6a-9f0b3c1e7a46', 'Edsger Dijkstra', 'Agent', 'Support'],
	['d9a3c6e2-4f1b-4b79-9e5d-6c8a2b4f0e13', 'Barbara Liskov', 'Supervisor', 'Support'],
	['e6f0b8d5-7a2c-4c14-a3b9-5d7e1f9c2a68', 'Ken Thompson', 'Engineer', 'Engineering'],
];

const DEFAULT_CHAT_SETTINGS: ChatSettings = {
	messageRetentionPeriodDays: 365,
	reactionsEnabled: true,
};

const defaultUserSettings = (): UserChatSettings => ({
	mobile: { notifications: { when: 'Always' } },
	muted: false,
	mentionsOnly: false,
	notifyOnReactions: true,
});

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

const CODE_BY_STATUS: Record<number, string> = {
	400: 'bad.request',
	401: 'authentication.required',
	403: 'missing.permissions',
	404: 'not.found',
	409: 'conflict',
	415: 'unsupported.media.type',
	429: 'too.many.requests',
	500: 'internal.server.error',
	502: 'bad.gateway',
	503: 'service.unavailable',
	504: 'request.timeout',
};

type ErrorExtras = Pick<GenesysErrorBody, 'entityId' | 'messageWithParams' | 'messageParams'>;

/** Genesys ErrorBody; `contextId` is filled with the response's `inin-correlation-id` on the way out. */
function errorBody(
	status: number,
	message: string,
	code = CODE_BY_STATUS[status] ?? 'error',
	extras: ErrorExtras = {},
): GenesysErrorBody {
	return { message, code, status, contextId: CONTEXT_ID_MARK, ...extras, details: [], errors: [] };
}

/** An API error; thrown anywhere below the dispatcher and turned into an ErrorBody response. */
class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly extras: ErrorExtras = {},
	) {
		super(message);
	}
}

const badRequest = (message: string) => new ApiError(400, 'bad.request', message);
const forbidden = (message: string) => new ApiError(403, 'not.authorized', message);
const notFound = (what: string, id: string) =>
	new ApiError(404, 'not.found', `${what} ${id} was not found.`, {
		entityId: id,
		messageWithParams: `${what} {id} was not found.`,
		messageParams: { id },
	});
const invalidValue = (field: string, problem: string) =>
	new ApiError(400, 'invalid.value', `Invalid value for ${field}: ${problem}`, {
		messageWithParams: 'Invalid value for {field}: {problem}',
		messageParams: { field, problem },
	});

/** OAuth endpoint errors use the OAuth shape, not ErrorBody. */
class OAuthError extends Error {
	constructor(
		readonly status: number,
		readonly error: string,
		message: string,
	) {
		super(message);
	}
}

// ---------------------------------------------------------------------------------------------
// Small pure helpers
// ---------------------------------------------------------------------------------------------

const userSelfUri = (id: string) => `/api/v2/users/${id}`;
const messageSelfUri = (id: string) => `/api/v2/chats/messages/${id}`;
const userRef = (id: string): EntityRef => ({ id, selfUri: userSelfUri(id) });
const messageRef = (id: string): EntityRef => ({ id, selfUri: messageSelfUri(id) });

/** A user as the directory answers it (UsersApi User: search results and bulk get). */
const directoryEntry = (u: EmulatorUser) => ({
	id: u.id,
	name: u.name,
	...(u.title && { title: u.title }),
	...(u.department && { department: u.department }),
	...(u.email && { email: u.email }),
	chat: { jabberId: u.jid },
	selfUri: userSelfUri(u.id),
});
const threadIdOf = (messageId: string) => `thread-${messageId}`;
const oneOnOneKey = (a: string, b: string) => `1on1:${[a, b].sort().join('|')}`;
const byTime = (a: StoredMessage, b: StoredMessage) =>
	a.dateCreated.getTime() - b.dateCreated.getTime() || a.seq - b.seq;
const newSecret = () => randomBytes(24).toString('base64url');
const isRecord = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

const ISO_DATE_TIME =
	/^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Parses an ISO-8601 date-time (`yyyy-MM-ddTHH:mm[:ss[.fff]](Z|±hh:mm)`); anything else → 400 `invalid.date`. */
function parseIsoDate(name: string, value: string): number {
	const m = ISO_DATE_TIME.exec(value);
	const fail = () =>
		new ApiError(
			400,
			'invalid.date',
			`Invalid date for ${name}: '${value}'. Expected ISO-8601, e.g. 2026-03-07T16:36:58.123Z.`,
			{
				messageWithParams: 'Invalid date for {name}: {value}',
				messageParams: { name, value },
			},
		);
	if (!m) throw fail();
	const [, day, hh, mm, ss = '00', fraction = '', zone] = m;
	const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
	const time = Date.parse(`${day}T${hh}:${mm}:${ss}.${(fraction + '000').slice(0, 3)}${offset}`);
	if (Number.isNaN(time)) throw fail();
	return time;
}

/**
 * One page of message history (rooms, 1on1s and threads share this).
 *
 * Semantics chosen (Genesys documents none of it):
 * - `limit`: decimal text, default 25, values above 100 are capped at 100; not a positive integer → 400 `invalid.value`.
 * - `before` / `after`: ISO-8601 date-times, STRICTLY exclusive (older than `before`, newer than `after`);
 *   malformed → 400 `invalid.date`. `excludeMetadata` is accepted and has no effect.
 * - Without `after` the page is the newest `limit` messages of the window (a backward walk with
 *   `before=<oldest dateCreated seen>` works); with `after` and no `before` it is the OLDEST `limit`
 *   messages newer than `after`, so a forward walk with `after=<newest seen>` never skips any.
 * - Entities are always newest first; the listing has no paging fields (only `entities`).
 * - Equal timestamps are real (seed with stepMs 0). Because `before` is strictly exclusive, a page that
 *   ends inside a run of equal timestamps cannot be continued with `before=<oldest>` without losing the
 *   rest of the run; a client that must not lose any asks again with `before=<oldest + 1 ms>` and dedupes
 *   by id. The emulator deliberately does not paper over this.
 */
function pageOfHistory(messages: StoredMessage[], query: URLSearchParams): StoredMessage[] {
	const limitText = query.get('limit');
	if (limitText !== null && !/^\d+$/.test(limitText))
		throw invalidValue('limit', `'${limitText}' is not a number`);
	const limit =
		limitText === null ? DEFAULT_HISTORY_LIMIT : Math.min(Number(limitText), MAX_HISTORY_LIMIT);
	if (limit < 1) throw invalidValue('limit', 'must be at least 1');
	const beforeText = query.get('before');
	const afterText = query.get('after');
	const before = beforeText === null ? Infinity : parseIsoDate('before', beforeText);
	const after = afterText === null ? -Infinity : parseIsoDate('after', afterText);
	const excludeMetadata = query.get('excludeMetadata');
	if (excludeMetadata !== null && excludeMetadata !== 'true' && excludeMetadata !== 'false') {
		throw invalidValue('excludeMetadata', `'${excludeMetadata}' is not a boolean`);
	}
	const window = messages.filter(
		(m) => m.dateCreated.getTime() < before && m.dateCreated.getTime() > after,
	);
	const page =
		afterText !== null && beforeText === null ? window.slice(0, limit) : window.slice(-limit);
	return page.reverse();
}

/** Splits the `{messageIds}` segment (already percent-decoded, so `a%2Cb` → `a,b`) into distinct ids. */
const splitIds = (value: string) => [
	...new Set(
		value
			.split(',')
			.map((id) => id.trim())
			.filter(Boolean),
	),
];

// --- request body readers (all throw 400s) ---

type Body = Record<string, unknown>;

function readString(body: Body, field: string, required: true): string;
function readString(body: Body, field: string, required?: false): string | undefined;
function readString(body: Body, field: string, required = false): string | undefined {
	const value = body[field];
	if (value === undefined || value === null) {
		if (required) throw invalidValue(field, 'is required');
		return undefined;
	}
	if (typeof value !== 'string') throw invalidValue(field, 'must be a string');
	if (required && !value.trim()) throw invalidValue(field, 'must not be empty');
	return value;
}

function readStringArray(body: Body, field: string, required = false): string[] | undefined {
	const value = body[field];
	if (value === undefined || value === null) {
		if (required) throw invalidValue(field, 'is required');
		return undefined;
	}
	if (
		!Array.isArray(value) ||
		!value.every((v): v is string => typeof v === 'string' && v !== '')
	) {
		throw invalidValue(field, 'must be an array of non-empty strings');
	}
	return value;
}

function readBoolean(body: Body, field: string): boolean | undefined {
	const value = body[field];
	if (value === undefined) return undefined;
	if (typeof value !== 'boolean') throw invalidValue(field, 'must be a boolean');
	return value;
}

// ---------------------------------------------------------------------------------------------
// Router (raw-path matching; literal segments beat parameters)
// ---------------------------------------------------------------------------------------------

interface TokenRecord {
	accessToken: string;
	kind: 'user' | 'client';
	userId?: string;
	scopes: string[];
	expiresAt: number;
}

interface Ctx {
	req: FastifyRequest;
	/** Path parameters, percent-decoded once. */
	params: Record<string, string>;
	query: URLSearchParams;
	token: TokenRecord;
}

interface UserCtx extends Ctx {
	me: EmulatorUser;
}

interface Result {
	status: number;
	body?: unknown;
}

const ok = (body: unknown): Result => ({ status: 200, body });
const NO_CONTENT: Result = { status: 204 };
const EMPTY_OK: Result = { status: 200 };

/** `read`/`write` decide the scope a user token needs; `none` needs no scope. */
type Access = 'read' | 'write' | 'none';

type Route = RouteInfo & { access: Access } & (
		| { actor: 'user'; handler: (ctx: UserCtx) => Result }
		| { actor: 'any'; handler: (ctx: Ctx) => Result }
	);

/** A route that acts as the token's user (client-credentials tokens get the user-context error). */
const asUser = (
	method: HttpMethod,
	path: string,
	operation: string,
	access: Access,
	handler: (ctx: UserCtx) => Result,
): Route => ({
	method,
	path,
	operation,
	access,
	actor: 'user',
	handler,
});

/** A route any valid token may call. */
const asAny = (
	method: HttpMethod,
	path: string,
	operation: string,
	access: Access,
	handler: (ctx: Ctx) => Result,
): Route => ({
	method,
	path,
	operation,
	access,
	actor: 'any',
	handler,
});

function createRouter(routes: Route[]) {
	const compiled = routes.map((route) => ({
		route,
		segments: route.path
			.split('/')
			.map((s) => (s.startsWith('{') ? { param: s.slice(1, -1) } : { literal: s })),
	}));
	return (
		method: string,
		rawPath: string,
	): { route: Route; rawParams: Record<string, string> } | undefined => {
		const raw = rawPath.split('/');
		let best: { route: Route; rawParams: Record<string, string>; score: string } | undefined;
		for (const { route, segments } of compiled) {
			if (route.method !== method || segments.length !== raw.length) continue;
			const rawParams: Record<string, string> = {};
			let score = '';
			const matches = segments.every((segment, i) => {
				if ('literal' in segment) {
					score += '1';
					return raw[i] === segment.literal;
				}
				score += '0';
				rawParams[segment.param] = raw[i];
				return raw[i] !== '';
			});
			// Literal segments earlier in the path win: '1' > '0' position by position.
			if (matches && (!best || score > best.score)) best = { route, rawParams, score };
		}
		return best && { route: best.route, rawParams: best.rawParams };
	};
}

function decodeParams(rawParams: Record<string, string>): Record<string, string> {
	const params: Record<string, string> = {};
	for (const [name, value] of Object.entries(rawParams)) {
		try {
			params[name] = decodeURIComponent(value);
		} catch {
			throw badRequest(`Malformed percent-encoding in path parameter ${name}: '${value}'`);
		}
	}
	return params;
}

// ---------------------------------------------------------------------------------------------
// The emulator
// ---------------------------------------------------------------------------------------------

type RequestWithExtras = FastifyRequest & {
	record?: RecordedRequest;
	parsedBody?: unknown;
	correlationId?: string;
};

export async function startGenesysEmulator(
	options: GenesysEmulatorOptions = {},
): Promise<GenesysEmulator> {
	const clientId = options.clientId ?? 'genesys-test-client';
	const clientSecret = options.clientSecret ?? 'genesys-test-secret';
	const defaultLifetime = options.tokenLifetimeSeconds ?? 86400;

	// ----- state -----
	const users: EmulatorUser[] = SEED_USERS.map(([id, name, title, department]) => ({
		id,
		name,
		jid: `${id.replace(/-/g, '').slice(0, 24)}@${USER_JID_DOMAIN}`,
		title,
		department,
		email: `${name.toLowerCase().replace(/ /g, '.')}@example.org`,
	}));
	const usersById = new Map(users.map((u) => [u.id, u]));
	const settings: ChatSettings = { ...DEFAULT_CHAT_SETTINGS };
	const userSettings = new Map(users.map((u) => [u.id, defaultUserSettings()]));
	const conversations = new Map<string, Conversation>();
	const messages = new Map<string, StoredMessage>();
	const threads = new Map<string, { conversationKey: string; rootMessageId: string }>();
	const tokens = new Map<string, TokenRecord>();
	const refreshTokens = new Map<string, { userId: string; scopes: string[] }>();
	const authCodes = new Map<
		string,
		{
			userId: string;
			redirectUri: string;
			scopes: string[];
			challenge?: { value: string; method: 'S256' | 'plain' };
			expiresAt: number;
		}
	>();
	let authorizeUserId = users[0].id;
	let chatsPage = CHATS_PAGE;
	let roomCounter = 0;
	let messageSeq = 0;
	let lastApiTime = 0;

	/** Strictly increasing "now" for messages created through the API. */
	const apiNow = () => {
		lastApiTime = Math.max(Date.now(), lastApiTime + 1);
		return new Date(lastApiTime);
	};

	// ----- tokens -----
	/** Issues an access token; user tokens also get a refresh token (`refreshToken` is reused when given). */
	function mintToken(
		kind: 'user' | 'client',
		userId: string | undefined,
		scopes: string[],
		lifetimeSeconds = defaultLifetime,
		refreshToken?: string,
	): IssuedToken {
		const accessToken = newSecret();
		tokens.set(accessToken, {
			accessToken,
			kind,
			userId,
			scopes,
			expiresAt: Date.now() + lifetimeSeconds * 1000,
		});
		const issued: IssuedToken = {
			access_token: accessToken,
			token_type: 'bearer',
			expires_in: lifetimeSeconds,
		};
		if (kind === 'user' && userId) {
			const refresh = refreshToken ?? newSecret();
			refreshTokens.set(refresh, { userId, scopes });
			issued.refresh_token = refresh;
		}
		return issued;
	}

	const bearerOf = (req: FastifyRequest) =>
		/^Bearer\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ''))?.[1];

	function authenticate(req: FastifyRequest): TokenRecord {
		const bearer = bearerOf(req);
		if (!bearer) {
			throw new ApiError(
				401,
				'authentication.required',
				'Authentication required: no bearer token was given in the Authorization header.',
			);
		}
		const token = tokens.get(bearer);
		if (!token || token.expiresAt <= Date.now())
			throw new ApiError(401, 'bad.credentials', 'Invalid login credentials.');
		return token;
	}

	function checkScope(token: TokenRecord, access: Access) {
		if (token.kind !== 'user' || access === 'none') return;
		const allowed =
			token.scopes.includes('chat') ||
			(access === 'read' && token.scopes.includes('chat:readonly'));
		if (!allowed) {
			const needed = access === 'read' ? 'chat or chat:readonly' : 'chat';
			throw new ApiError(
				403,
				'missing.permissions',
				`The token is missing the required OAuth scope (${needed}).`,
			);
		}
	}

	// ----- lookups -----
	function userById(id: string): EmulatorUser {
		const user = usersById.get(id);
		if (!user) throw notFound('User', id);
		return user;
	}

	function requireMember(conversation: Conversation, userId: string) {
		const member =
			conversation.kind === 'room'
				? conversation.participantIds.includes(userId)
				: conversation.userIds.includes(userId);
		if (!member) {
			const where =
				conversation.kind === 'room'
					? `a participant of room ${conversation.jid}`
					: 'part of this 1on1';
			throw forbidden(`User ${userId} is not ${where}.`);
		}
	}

	function roomByJid(jid: string): StoredRoom {
		const room = conversations.get(jid);
		if (!room || room.kind !== 'room') throw notFound('Room', jid);
		return room;
	}

	function oneOnOne(userIdA: string, userIdB: string): StoredOneOnOne {
		const key = oneOnOneKey(userIdA, userIdB);
		let conversation = conversations.get(key);
		if (!conversation) {
			conversation = {
				kind: 'oneOnOne',
				key,
				userIds: [userIdA, userIdB],
				messages: [],
				pinnedMessageIds: [],
			};
			conversations.set(key, conversation);
		}
		return conversation as StoredOneOnOne;
	}

	function messageIn(conversation: Conversation, id: string): StoredMessage {
		const message = messages.get(id);
		if (!message || message.conversationKey !== conversation.key) throw notFound('Message', id);
		return message;
	}

	function messageById(id: string): { message: StoredMessage; conversation: Conversation } {
		const message = messages.get(id);
		const conversation = message && conversations.get(message.conversationKey);
		if (!message || !conversation) throw notFound('Message', id);
		return { message, conversation };
	}

	// ----- state changes shared by the API and the test helpers -----
	function createRoomState(
		ownerId: string,
		subject: string,
		memberIds: string[],
		description?: string,
	): StoredRoom {
		for (const id of [ownerId, ...memberIds]) userById(id);
		const jid = `adhoc-${++roomCounter}@${ROOM_JID_DOMAIN}`;
		const room: StoredRoom = {
			kind: 'room',
			key: jid,
			jid,
			subject,
			description,
			dateCreated: apiNow(),
			ownerIds: [ownerId],
			participantIds: [...new Set([ownerId, ...memberIds])],
			messages: [],
			pinnedMessageIds: [],
		};
		conversations.set(jid, room);
		return room;
	}

	function validateMentions(mentions: string[]) {
		for (const id of mentions)
			if (!usersById.has(id)) throw invalidValue('mentions', `unknown user id ${id}`);
	}

	interface NewMessage {
		body: string;
		mentions?: string[];
		threadId?: string;
		date: Date;
	}

	/** Builds and stores one message; the caller inserts it into the conversation's sorted list. */
	function storeMessage(
		conversation: Conversation,
		fromUserId: string,
		input: NewMessage,
	): StoredMessage {
		const id = randomUUID();
		if (input.threadId !== undefined) {
			const thread = threads.get(input.threadId);
			if (!thread || thread.conversationKey !== conversation.key)
				throw invalidValue('threadId', `no thread ${input.threadId} in this conversation`);
		}
		const message: StoredMessage = {
			id,
			conversationKey: conversation.key,
			fromUserId,
			toUserId:
				conversation.kind === 'oneOnOne'
					? (conversation.userIds.find((u) => u !== fromUserId) ?? fromUserId)
					: undefined,
			body: input.body,
			mentions: input.mentions ?? [],
			dateCreated: input.date,
			edited: false,
			threadId: input.threadId ?? threadIdOf(id),
			parentThreadId: input.threadId,
			reactions: [],
			seq: ++messageSeq,
		};
		messages.set(id, message);
		if (input.threadId === undefined)
			threads.set(message.threadId, { conversationKey: conversation.key, rootMessageId: id });
		return message;
	}

	function insertMessage(conversation: Conversation, message: StoredMessage) {
		const last = conversation.messages[conversation.messages.length - 1];
		conversation.messages.push(message);
		if (last && byTime(last, message) > 0) conversation.messages.sort(byTime);
	}

	function seedMessages(
		conversation: Conversation,
		fromUserId: string,
		count: number,
		options: SeedMessagesOptions,
	): StoredMessage[] {
		requireMember(conversation, fromUserId);
		const step = options.stepMs ?? 1000;
		const start = options.start?.getTime() ?? Date.now() - (count + 1) * step;
		const created: StoredMessage[] = [];
		for (let i = 0; i < count; i++) {
			const body = options.body?.(i) ?? `Message ${i + 1}`;
			created.push(
				storeMessage(conversation, fromUserId, {
					body,
					threadId: options.threadId,
					date: new Date(start + i * step),
				}),
			);
		}
		conversation.messages.push(...created);
		conversation.messages.sort(byTime);
		return created;
	}

	function removeMessage(conversation: Conversation, message: StoredMessage) {
		messages.delete(message.id);
		conversation.messages = conversation.messages.filter((m) => m !== message);
		conversation.pinnedMessageIds = conversation.pinnedMessageIds.filter((id) => id !== message.id);
	}

	/** Checks that every id is a message of the conversation and that at most 5 end up pinned. */
	function checkPins(conversation: Conversation, pinned: string[]) {
		for (const id of pinned) messageIn(conversation, id);
		if (pinned.length > MAX_PINS) {
			const where = conversation.kind === 'room' ? 'A room' : 'A 1on1';
			throw invalidValue(
				'pinnedMessageIds',
				`${where} can have at most ${MAX_PINS} pinned messages; this request would make ${pinned.length}.`,
			);
		}
	}

	// ----- JSON views -----
	function messageView(message: StoredMessage): ChatMessageResponse {
		const conversation = conversations.get(message.conversationKey);
		const sender = usersById.get(message.fromUserId);
		const receiver = message.toUserId ? usersById.get(message.toUserId) : undefined;
		const view: ChatMessageResponse = {
			id: message.id,
			dateCreated: message.dateCreated.toISOString(),
			toJid: conversation?.kind === 'room' ? conversation.jid : (receiver?.jid ?? ''),
			jid: sender?.jid ?? '',
			body: message.body,
			edited: message.edited,
			thread: { id: message.threadId },
			user: userRef(message.fromUserId),
			reactions: message.reactions.map((r) => ({ emoji: r.emoji, users: r.userIds.map(userRef) })),
		};
		if (message.dateModified) view.dateModified = message.dateModified.toISOString();
		if (message.mentions.length)
			view.mentions = Object.fromEntries(
				message.mentions.map((id) => [id, usersById.get(id)?.jid ?? '']),
			);
		if (message.parentThreadId) view.parentThread = { id: message.parentThreadId };
		if (message.toUserId) view.toUser = userRef(message.toUserId);
		return view;
	}

	const roomView = (room: StoredRoom) => ({
		id: room.jid,
		jid: room.jid,
		name: room.subject,
		subject: room.subject,
		description: room.description,
		dateCreated: room.dateCreated.toISOString(),
		roomType: 'adhoc',
		participantLimit: PARTICIPANT_LIMIT,
		owners: room.ownerIds.map(userRef),
		pinnedMessages: room.pinnedMessageIds.map(messageRef),
		selfUri: `/api/v2/chats/rooms/${room.jid}`,
	});

	const listing = (list: StoredMessage[]) => ok({ entities: list.map(messageView) });

	// ----- handlers shared by rooms and 1on1s (membership is checked by `conversationRoutes`) -----
	const conversationHandlers = {
		send(conversation: Conversation, ctx: UserCtx, body: Body): Result {
			const text = readString(body, 'message', true);
			const mentions = readStringArray(body, 'mentions');
			validateMentions(mentions ?? []);
			const threadId = readString(body, 'threadId');
			const message = storeMessage(conversation, ctx.me.id, {
				body: text,
				mentions,
				threadId,
				date: apiNow(),
			});
			insertMessage(conversation, message);
			return ok({ id: message.id });
		},
		edit(conversation: Conversation, ctx: UserCtx, body: Body): Result {
			const message = messageIn(conversation, ctx.params.messageId);
			if (message.fromUserId !== ctx.me.id) throw forbidden('Only the author can edit a message.');
			message.body = readString(body, 'message', true);
			const mentions = readStringArray(body, 'mentions');
			if (mentions) {
				validateMentions(mentions);
				message.mentions = mentions;
			}
			message.edited = true;
			message.dateModified = apiNow();
			return ok({ id: message.id });
		},
		remove(conversation: Conversation, ctx: UserCtx): Result {
			const message = messageIn(conversation, ctx.params.messageId);
			if (message.fromUserId !== ctx.me.id)
				throw forbidden('Only the author can delete a message.');
			removeMessage(conversation, message);
			return NO_CONTENT;
		},
		byIds(conversation: Conversation, ctx: UserCtx): Result {
			const ids = splitIds(ctx.params.messageIds);
			const found = ids
				.map((id) => messages.get(id))
				.filter((m): m is StoredMessage => m?.conversationKey === conversation.key);
			if (!found.length) throw notFound('Message', ids.join(','));
			return listing(found);
		},
		history(conversation: Conversation, ctx: UserCtx): Result {
			return listing(pageOfHistory(conversation.messages, ctx.query));
		},
		pin(conversation: Conversation, ctx: UserCtx, body: Body): Result {
			const ids = readStringArray(body, 'pinnedMessageIds', true) ?? [];
			const pinned = [...new Set([...conversation.pinnedMessageIds, ...ids])];
			checkPins(conversation, pinned);
			conversation.pinnedMessageIds = pinned;
			return NO_CONTENT;
		},
		unpin(conversation: Conversation, ctx: UserCtx): Result {
			const id = ctx.params.pinnedMessageId;
			if (!conversation.pinnedMessageIds.includes(id)) throw notFound('Pinned message', id);
			conversation.pinnedMessageIds = conversation.pinnedMessageIds.filter((p) => p !== id);
			return NO_CONTENT;
		},
	};

	/**
	 * The seven message/pin routes that rooms and 1on1s share, under `base` (`/rooms/{roomJid}` or
	 * `/users/{userId}`); `resolve` finds the conversation (404 when unknown).
	 */
	function conversationRoutes(
		base: string,
		noun: 'Room' | 'User',
		resolve: (ctx: UserCtx) => Conversation,
	): Route[] {
		const h = conversationHandlers;
		const memberOf = (ctx: UserCtx) => {
			const conversation = resolve(ctx);
			requireMember(conversation, ctx.me.id);
			return conversation;
		};
		const withBody =
			(handle: (c: Conversation, ctx: UserCtx, body: Body) => Result) => (ctx: UserCtx) => {
				const conversation = memberOf(ctx);
				return handle(conversation, ctx, jsonBody(ctx.req));
			};
		const without = (handle: (c: Conversation, ctx: UserCtx) => Result) => (ctx: UserCtx) =>
			handle(memberOf(ctx), ctx);
		const path = `/api/v2/chats/${base}/messages`;
		return [
			asUser('POST', path, `postChats${noun}Messages`, 'write', withBody(h.send)),
			asUser('GET', path, `getChats${noun}Messages`, 'read', without(h.history)),
			asUser('GET', `${path}/{messageIds}`, `getChats${noun}Message`, 'read', without(h.byIds)),
			asUser('PATCH', `${path}/{messageId}`, `patchChats${noun}Message`, 'write', withBody(h.edit)),
			asUser(
				'DELETE',
				`${path}/{messageId}`,
				`deleteChats${noun}Message`,
				'write',
				without(h.remove),
			),
			asUser('POST', `${path}/pins`, `postChats${noun}MessagesPins`, 'write', withBody(h.pin)),
			asUser(
				'DELETE',
				`${path}/pins/{pinnedMessageId}`,
				`deleteChats${noun}MessagesPin`,
				'write',
				without(h.unpin),
			),
		];
	}

	// ----- room-only handlers -----
	const roomHandlers = {
		create(ctx: UserCtx): Result {
			const body = jsonBody(ctx.req);
			const subject = readString(body, 'subject', true);
			const description = readString(body, 'description');
			const userIds = readStringArray(body, 'userIds') ?? [];
			if (userIds.length > MAX_CREATE_USER_IDS) {
				throw invalidValue(
					'userIds',
					`at most ${MAX_CREATE_USER_IDS} users can be added when creating a room (got ${userIds.length})`,
				);
			}
			for (const id of userIds)
				if (!usersById.has(id)) throw invalidValue('userIds', `unknown user id ${id}`);
			return ok({ jid: createRoomState(ctx.me.id, subject, userIds, description).jid });
		},
		get: (ctx: UserCtx): Result => ok(roomView(roomByJid(ctx.params.roomJid))),
		update(ctx: UserCtx): Result {
			const room = roomByJid(ctx.params.roomJid);
			requireMember(room, ctx.me.id);
			const body = jsonBody(ctx.req);
			const subject = readString(body, 'subject');
			const description = readString(body, 'description');
			const pinned = readStringArray(body, 'pinnedMessageIds');
			const ownerIds = readStringArray(body, 'ownerIds');
			if (pinned) checkPins(room, [...new Set(pinned)]);
			if (ownerIds) {
				if (!ownerIds.length) throw invalidValue('ownerIds', 'a room needs at least one owner');
				for (const id of ownerIds)
					if (!usersById.has(id)) throw invalidValue('ownerIds', `unknown user id ${id}`);
			}
			if (subject !== undefined) room.subject = subject;
			if (description !== undefined) room.description = description;
			if (pinned) room.pinnedMessageIds = [...new Set(pinned)];
			if (ownerIds) {
				room.ownerIds = [...new Set(ownerIds)];
				room.participantIds = [...new Set([...room.participantIds, ...ownerIds])];
			}
			return EMPTY_OK;
		},
		join(ctx: UserCtx): Result {
			const room = roomByJid(ctx.params.roomJid);
			const user = userById(ctx.params.userId);
			if (user.id !== ctx.me.id) requireMember(room, ctx.me.id);
			if (!room.participantIds.includes(user.id)) {
				if (room.participantIds.length >= PARTICIPANT_LIMIT)
					throw badRequest(`Room ${room.jid} is full (${PARTICIPANT_LIMIT} participants).`);
				room.participantIds.push(user.id);
			}
			return NO_CONTENT;
		},
		leave(ctx: UserCtx): Result {
			const room = roomByJid(ctx.params.roomJid);
			const user = userById(ctx.params.userId);
			if (user.id !== ctx.me.id) requireMember(room, ctx.me.id);
			if (!room.participantIds.includes(user.id)) throw notFound('Participant', user.id);
			room.participantIds = room.participantIds.filter((id) => id !== user.id);
			room.ownerIds = room.ownerIds.filter((id) => id !== user.id);
			return NO_CONTENT;
		},
		participants(ctx: UserCtx): Result {
			// `notify=true` ("users who should be notified") gives the same list: every participant.
			const room = roomByJid(ctx.params.roomJid);
			const participants = room.participantIds.map((id) => ({
				jid: usersById.get(id)?.jid,
				user: userRef(id),
			}));
			return ok({ participants });
		},
		participant(ctx: UserCtx): Result {
			const room = roomByJid(ctx.params.roomJid);
			const jid = ctx.params.participantJid;
			const member = room.participantIds.some((id) => usersById.get(id)?.jid === jid);
			if (!member) throw notFound('Participant', jid);
			return ok({ participantJid: jid });
		},
	};

	// ----- message, thread, reaction handlers -----
	const messageHandlers = {
		get(ctx: UserCtx): Result {
			const { message, conversation } = messageById(ctx.params.messageId);
			requireMember(conversation, ctx.me.id);
			return ok(messageView(message));
		},
		react(ctx: UserCtx): Result {
			const { message, conversation } = messageById(ctx.params.messageId);
			requireMember(conversation, ctx.me.id);
			if (!settings.reactionsEnabled)
				throw badRequest(
					'Reactions are disabled for this organization (ChatSettings.reactionsEnabled is false).',
				);
			const emojis = readStringArray(jsonBody(ctx.req), 'reactions', true) ?? [];
			// PUT replaces the caller's reactions; an empty array clears them.
			for (const reaction of message.reactions)
				reaction.userIds = reaction.userIds.filter((id) => id !== ctx.me.id);
			for (const emoji of new Set(emojis)) {
				let reaction = message.reactions.find((r) => r.emoji === emoji);
				if (!reaction) message.reactions.push((reaction = { emoji, userIds: [] }));
				reaction.userIds.push(ctx.me.id);
			}
			message.reactions = message.reactions.filter((r) => r.userIds.length > 0);
			return NO_CONTENT;
		},
		thread(ctx: UserCtx): Result {
			const id = ctx.params.threadId;
			const thread = threads.get(id);
			const conversation = thread && conversations.get(thread.conversationKey);
			if (!conversation) throw notFound('Thread', id);
			requireMember(conversation, ctx.me.id);
			// The thread's root message (while it exists) plus its replies.
			const inThread = conversation.messages.filter((m) => m.threadId === id);
			return listing(pageOfHistory(inThread, ctx.query));
		},
	};

	// ----- settings -----
	function readChatSettings(body: Body): Partial<ChatSettings> {
		const days = body.messageRetentionPeriodDays;
		if (
			days !== undefined &&
			(typeof days !== 'number' || !Number.isInteger(days) || days < 10 || days > 3650)
		) {
			throw invalidValue(
				'messageRetentionPeriodDays',
				'must be a whole number of days between 10 and 3650',
			);
		}
		const reactionsEnabled = readBoolean(body, 'reactionsEnabled');
		const parsed: Partial<ChatSettings> = {};
		if (days !== undefined) parsed.messageRetentionPeriodDays = days;
		if (reactionsEnabled !== undefined) parsed.reactionsEnabled = reactionsEnabled;
		return parsed;
	}

	/** Merges a (partial) ChatUserSettings / UserSettingsForChat body into the user's settings. */
	function patchUserSettings(userId: string, body: Body): Result {
		const current = userSettings.get(userId) ?? defaultUserSettings();
		const { mobile } = body;
		let when: NotificationWhen | undefined;
		if (mobile !== undefined) {
			if (!isRecord(mobile)) throw invalidValue('mobile', 'must be an object');
			const { notifications } = mobile;
			if (notifications !== undefined && !isRecord(notifications))
				throw invalidValue('mobile.notifications', 'must be an object');
			const value = notifications?.when;
			if (value !== undefined && value !== 'Always' && value !== 'OnlyWhenInactive') {
				throw invalidValue(
					'mobile.notifications.when',
					`'${String(value)}' is not one of Always, OnlyWhenInactive`,
				);
			}
			when = value;
		}
		const flags = (['muted', 'mentionsOnly', 'notifyOnReactions'] as const).map(
			(f) => [f, readBoolean(body, f)] as const,
		);
		if (when) current.mobile.notifications.when = when;
		for (const [flag, value] of flags) if (value !== undefined) current[flag] = value;
		userSettings.set(userId, current);
		return ok(current);
	}

	const settingsHandlers = {
		get: (): Result => ok(settings),
		put(ctx: Ctx): Result {
			// Full replacement: omitted fields go back to their defaults.
			Object.assign(settings, DEFAULT_CHAT_SETTINGS, readChatSettings(jsonBody(ctx.req)));
			return ok(settings);
		},
		patch(ctx: Ctx): Result {
			Object.assign(settings, readChatSettings(jsonBody(ctx.req)));
			return ok(settings);
		},
		getUser: (ctx: Ctx): Result => ok(userSettings.get(userById(ctx.params.userId).id)),
		patchUser: (ctx: Ctx): Result =>
			patchUserSettings(userById(ctx.params.userId).id, jsonBody(ctx.req)),
		getMe: (ctx: UserCtx): Result => ok(userSettings.get(ctx.me.id)),
		patchMe: (ctx: UserCtx): Result => patchUserSettings(ctx.me.id, jsonBody(ctx.req)),
	};

	// ----- token introspection -----
	const tokenHandlers = {
		me: (ctx: Ctx): Result =>
			ok({
				organization: ORGANIZATION,
				homeOrganization: ORGANIZATION,
				authorizedScope: ctx.token.kind === 'user' ? ctx.token.scopes : [],
				OAuthClient: {
					id: clientId,
					name: 'Genesys emulator client',
					organization: { id: ORGANIZATION.id },
				},
			}),
		revoke(ctx: Ctx): Result {
			tokens.delete(ctx.token.accessToken);
			return NO_CONTENT;
		},
	};

	// ----- the user's chats (UsersApi, for the trigger) -----
	/**
	 * `GET /api/v2/users/chats/me`: every room the user is in and every 1on1 of the user that has
	 * messages, newest `dateLastMessage` first, in pages of CHATS_PAGE (setChatsPageSize) with an opaque `after` cursor
	 * in `nextUri`. `dateLastMessage` is the `dateCreated` of the chat's newest message (edits do
	 * not move it; deleting the newest message moves it back).
	 */
	const chatHandlers = {
		mine(ctx: UserCtx): Result {
			const meId = ctx.me.id;
			const items: Array<{ sortKey: number; item: Record<string, unknown> }> = [];
			for (const conversation of conversations.values()) {
				const newest = conversation.messages[conversation.messages.length - 1];
				const dateLastMessage = newest?.dateCreated.toISOString();
				if (conversation.kind === 'room') {
					if (!conversation.participantIds.includes(meId)) continue;
					items.push({
						sortKey: newest?.dateCreated.getTime() ?? conversation.dateCreated.getTime(),
						item: {
							id: conversation.jid,
							name: conversation.subject,
							open: true,
							chatType: 'adhoc',
							...(dateLastMessage ? { dateLastMessage } : {}),
							room: roomView(conversation),
							selfUri: `/api/v2/chats/rooms/${conversation.jid}`,
						},
					});
				} else {
					if (!conversation.userIds.includes(meId) || !newest) continue;
					const otherId = conversation.userIds.find((id) => id !== meId) ?? meId;
					const other = usersById.get(otherId);
					items.push({
						sortKey: newest.dateCreated.getTime(),
						item: {
							id: otherId,
							name: other?.name,
							open: true,
							chatType: 'oneOnOne',
							dateLastMessage,
							user: {
								id: otherId,
								name: other?.name,
								jid: other?.jid,
								selfUri: userSelfUri(otherId),
								inactive: false,
							},
							selfUri: `/api/v2/chats/users/${otherId}`,
						},
					});
				}
			}
			items.sort((a, b) => b.sortKey - a.sortKey);
			const afterText = ctx.query.get('after');
			const start =
				afterText === null ? 0 : Number(Buffer.from(afterText, 'base64url').toString('utf8'));
			if (!Number.isInteger(start) || start < 0)
				throw invalidValue('after', `'${afterText}' is not a cursor of this listing`);
			const page = items.slice(start, start + chatsPage).map((i) => i.item);
			const next =
				start + chatsPage < items.length
					? Buffer.from(String(start + chatsPage)).toString('base64url')
					: undefined;
			return ok({
				entities: page,
				selfUri: '/api/v2/users/chats/me',
				...(next ? { nextUri: `/api/v2/users/chats/me?after=${next}` } : {}),
			});
		},
		me: (ctx: UserCtx): Result =>
			ok({
				id: ctx.me.id,
				name: ctx.me.name,
				chat: { jabberId: ctx.me.jid },
				selfUri: userSelfUri(ctx.me.id),
			}),
		/**
		 * `POST /api/v2/users/search` (UsersApi): the organization's users whose fields contain the
		 * query value (criteria of type CONTAINS / TERM / STARTS_WITH on `name`), by page number.
		 */
		search(ctx: Ctx): Result {
			const body = jsonBody(ctx.req) as {
				query?: unknown;
				pageSize?: unknown;
				pageNumber?: unknown;
			};
			const pageSize = body.pageSize === undefined ? 25 : Number(body.pageSize);
			const pageNumber = body.pageNumber === undefined ? 1 : Number(body.pageNumber);
			if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
				throw invalidValue('pageSize', `${String(body.pageSize)} is not between 1 and 100`);
			if (!Number.isInteger(pageNumber) || pageNumber < 1)
				throw invalidValue('pageNumber', `${String(body.pageNumber)} is not a page number`);
			if (!Array.isArray(body.query) || body.query.length === 0)
				throw invalidValue('query', 'at least one search criterion is required');
			let found = users;
			for (const criterion of body.query as Array<{
				type?: string;
				fields?: string[];
				value?: string;
			}>) {
				const value = String(criterion.value ?? '').toLowerCase();
				const fields = criterion.fields ?? [];
				if (!fields.includes('name'))
					throw invalidValue('query.fields', 'the emulator searches the name field');
				found = found.filter((u) => {
					const name = u.name.toLowerCase();
					return criterion.type === 'STARTS_WITH'
						? name.startsWith(value)
						: criterion.type === 'EXACT'
							? name === value
							: name.includes(value);
				});
			}
			const results = found
				.slice((pageNumber - 1) * pageSize, pageNumber * pageSize)
				.map(directoryEntry);
			return ok({
				total: found.length,
				pageCount: Math.ceil(found.length / pageSize),
				pageSize,
				pageNumber,
				results,
			});
		},
		/**
		 * `GET /api/v2/users` (UsersApi `getUsers`): users by ID in bulk (`id` repeated, at most 100),
		 * or every user by page; IDs the directory does not know are left out.
		 */
		byIds(ctx: Ctx): Result {
			const ids = ctx.query.getAll('id');
			const sizeText = ctx.query.get('pageSize');
			const pageSize = sizeText === null ? 25 : Number(sizeText);
			if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500)
				throw invalidValue('pageSize', `${String(sizeText)} is not between 1 and 500`);
			if (ids.length > 100) throw invalidValue('id', `${ids.length} IDs, at most 100`);
			const found = ids.length
				? [...new Set(ids)].flatMap((id) => users.filter((u) => u.id === id))
				: users;
			return ok({
				entities: found.slice(0, pageSize).map(directoryEntry),
				pageSize,
				pageNumber: 1,
				total: found.length,
				pageCount: Math.ceil(found.length / pageSize),
			});
		},
	};

	// ----- the route table -----
	const room = (ctx: UserCtx) => roomByJid(ctx.params.roomJid);
	const oneOnOneWith = (ctx: UserCtx) => oneOnOne(ctx.me.id, userById(ctx.params.userId).id);
	const routes: Route[] = [
		asUser('POST', '/api/v2/chats/rooms', 'postChatsRooms', 'write', roomHandlers.create),
		asUser('GET', '/api/v2/chats/rooms/{roomJid}', 'getChatsRoom', 'read', roomHandlers.get),
		asUser(
			'PATCH',
			'/api/v2/chats/rooms/{roomJid}',
			'patchChatsRoom',
			'write',
			roomHandlers.update,
		),
		asUser(
			'GET',
			'/api/v2/chats/rooms/{roomJid}/participants',
			'getChatsRoomParticipants',
			'read',
			roomHandlers.participants,
		),
		asUser(
			'GET',
			'/api/v2/chats/rooms/{roomJid}/participants/{participantJid}',
			'getChatsRoomParticipant',
			'read',
			roomHandlers.participant,
		),
		asUser(
			'POST',
			'/api/v2/chats/rooms/{roomJid}/participants/{userId}',
			'postChatsRoomParticipant',
			'write',
			roomHandlers.join,
		),
		asUser(
			'DELETE',
			'/api/v2/chats/rooms/{roomJid}/participants/{userId}',
			'deleteChatsRoomParticipant',
			'write',
			roomHandlers.leave,
		),
		...conversationRoutes('rooms/{roomJid}', 'Room', room),
		asUser('GET', '/api/v2/chats/users/{userId}', 'getChatsUser', 'read', (ctx) =>
			ok({ pinnedMessages: oneOnOneWith(ctx).pinnedMessageIds.map(messageRef) }),
		),
		...conversationRoutes('users/{userId}', 'User', oneOnOneWith),
		asUser(
			'GET',
			'/api/v2/chats/threads/{threadId}/messages',
			'getChatsThreadMessages',
			'read',
			messageHandlers.thread,
		),
		asUser(
			'GET',
			'/api/v2/chats/messages/{messageId}',
			'getChatsMessage',
			'read',
			messageHandlers.get,
		),
		asUser(
			'PUT',
			'/api/v2/chats/messages/{messageId}/reactions',
			'putChatsMessageReactions',
			'write',
			messageHandlers.react,
		),
		asAny('GET', '/api/v2/chats/settings', 'getChatsSettings', 'read', settingsHandlers.get),
		asAny('PUT', '/api/v2/chats/settings', 'putChatsSettings', 'write', settingsHandlers.put),
		asAny('PATCH', '/api/v2/chats/settings', 'patchChatsSettings', 'write', settingsHandlers.patch),
		asAny(
			'GET',
			'/api/v2/chats/users/{userId}/settings',
			'getChatsUserSettings',
			'read',
			settingsHandlers.getUser,
		),
		asAny(
			'PATCH',
			'/api/v2/chats/users/{userId}/settings',
			'patchChatsUserSettings',
			'write',
			settingsHandlers.patchUser,
		),
		asUser(
			'GET',
			'/api/v2/chats/users/me/settings',
			'getChatsUsersMeSettings',
			'none',
			settingsHandlers.getMe,
		),
		asUser(
			'PATCH',
			'/api/v2/chats/users/me/settings',
			'patchChatsUsersMeSettings',
			'none',
			settingsHandlers.patchMe,
		),
		asAny('GET', '/api/v2/tokens/me', 'getTokensMe', 'none', tokenHandlers.me),
		asAny('DELETE', '/api/v2/tokens/me', 'deleteTokensMe', 'none', tokenHandlers.revoke),
		asUser('GET', '/api/v2/users/chats/me', 'getUsersChatsMe', 'read', chatHandlers.mine),
		asUser('GET', '/api/v2/users/me', 'getUsersMe', 'none', chatHandlers.me),
		asAny('POST', '/api/v2/users/search', 'postUsersSearch', 'none', chatHandlers.search),
		asAny('GET', '/api/v2/users', 'getUsers', 'none', chatHandlers.byIds),
	];
	const matchRoute = createRouter(routes);

	// ----- HTTP plumbing -----
	const core = await createEmulatorCore({
		isTokenPath: (rawPath) => rawPath.startsWith('/oauth/'),
		errorBody: (status, message) => errorBody(status, message),
		tokenOf: bearerOf,
	});
	const { app } = core;
	const chaos = installChaos(
		app,
		(rawPath) => rawPath.startsWith('/oauth/'),
		(status, message) => errorBody(status, message),
	);

	// Every response carries `inin-correlation-id`; error bodies get the same value as `contextId`.
	app.addHook('onRequest', async (req: RequestWithExtras, reply) => {
		req.correlationId = randomUUID();
		void reply.header('inin-correlation-id', req.correlationId);
	});
	app.addHook('onSend', async (req: RequestWithExtras, _reply, payload) =>
		typeof payload === 'string' && payload.includes(CONTEXT_ID_MARK)
			? payload.split(CONTEXT_ID_MARK).join(req.correlationId ?? '')
			: payload,
	);

	const sendJson = (reply: FastifyReply, status: number, body: unknown) =>
		reply.code(status).type('application/json').send(JSON.stringify(body));
	const sendResult = (reply: FastifyReply, result: Result) =>
		result.body === undefined
			? reply.code(result.status).send()
			: sendJson(reply, result.status, result.body);
	const sendApiError = (reply: FastifyReply, e: ApiError) =>
		sendJson(reply, e.status, errorBody(e.status, e.message, e.code, e.extras));

	app.setNotFoundHandler(async (req, reply) =>
		sendJson(reply, 404, errorBody(404, `No resource at ${req.method} ${req.url}.`)),
	);
	app.setErrorHandler(async (error: Error & { statusCode?: number }, _req, reply) => {
		if (error instanceof ApiError) return sendApiError(reply, error);
		const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
		return sendJson(reply, status, errorBody(status, error.message));
	});

	const rawPathOf = (req: RequestWithExtras) =>
		req.record?.rawPath ?? (req.raw.url ?? '/').split('?')[0];

	app.route({
		method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
		url: '/api/v2/*',
		handler: async (req: RequestWithExtras, reply) => {
			try {
				const matched = matchRoute(req.method === 'HEAD' ? 'GET' : req.method, rawPathOf(req));
				if (!matched)
					throw new ApiError(404, 'not.found', `No resource at ${req.method} ${rawPathOf(req)}.`);
				const { route, rawParams } = matched;
				const token = authenticate(req);
				if (req.record) req.record.token = token.accessToken;
				checkScope(token, route.access);
				const ctx: Ctx = {
					req,
					params: decodeParams(rawParams),
					query: new URLSearchParams(req.record?.rawQuery ?? ''),
					token,
				};
				if (route.actor === 'any') return sendResult(reply, route.handler(ctx));
				const me = token.kind === 'user' && token.userId ? usersById.get(token.userId) : undefined;
				if (!me) throw new ApiError(400, 'bad.request', USER_CONTEXT_MESSAGE);
				return sendResult(reply, route.handler({ ...ctx, me }));
			} catch (e) {
				if (e instanceof ApiError) return sendApiError(reply, e);
				throw e;
			}
		},
	});

	// ----- OAuth2 login host -----
	const sendOAuthError = (reply: FastifyReply, e: OAuthError) =>
		sendJson(reply, e.status, {
			error: e.error,
			description: e.message,
			error_description: e.message,
		});
	const invalidClient = (message = 'Client authentication failed.') =>
		new OAuthError(401, 'invalid_client', message);
	const invalidGrant = (message: string) => new OAuthError(400, 'invalid_grant', message);

	/** Form fields of a token request (form-urlencoded; a JSON object is tolerated). */
	function formOf(req: RequestWithExtras): URLSearchParams {
		const body = req.parsedBody;
		if (typeof body === 'string') return new URLSearchParams(body);
		if (isRecord(body))
			return new URLSearchParams(
				Object.entries(body).map(([k, v]): [string, string] => [k, String(v)]),
			);
		return new URLSearchParams();
	}

	/** Client credentials from HTTP Basic (form-encoded id/secret per RFC 6749 §2.3.1 accepted) or the form body. */
	function clientOf(req: FastifyRequest, form: URLSearchParams): { id?: string; secret?: string } {
		const basic = /^Basic\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
		if (basic) {
			const decoded = Buffer.from(basic, 'base64').toString('utf8');
			const colon = decoded.indexOf(':');
			const formDecode = (s: string) => {
				try {
					return decodeURIComponent(s.replace(/\+/g, ' '));
				} catch {
					return s;
				}
			};
			return colon === -1
				? { id: formDecode(decoded) }
				: { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
		}
		return {
			id: form.get('client_id') ?? undefined,
			secret: form.get('client_secret') ?? undefined,
		};
	}

	/** Checks the client id, and the secret when given (or when `secretRequired`). */
	function authenticateClient(client: { id?: string; secret?: string }, secretRequired: boolean) {
		if (client.id !== clientId)
			throw invalidClient(client.id ? `Unknown client ${client.id}.` : 'No client id was given.');
		if (client.secret === undefined ? secretRequired : client.secret !== clientSecret)
			throw invalidClient('Invalid client secret.');
	}

	const pkceMatches = (challenge: { value: string; method: 'S256' | 'plain' }, verifier: string) =>
		challenge.method === 'plain'
			? verifier === challenge.value
			: createHash('sha256').update(verifier).digest('base64url') === challenge.value;

	const grants: Record<
		string,
		(client: { id?: string; secret?: string }, form: URLSearchParams) => IssuedToken
	> = {
		client_credentials(client) {
			authenticateClient(client, true);
			return mintToken('client', undefined, []);
		},
		authorization_code(client, form) {
			authenticateClient(client, false);
			const code = form.get('code') ?? '';
			const grant = authCodes.get(code);
			if (!grant || grant.expiresAt <= Date.now())
				throw invalidGrant('The authorization code is invalid, expired or already used.');
			if (!grant.challenge && client.secret === undefined) {
				throw invalidClient(
					'A client secret is required when the authorization request had no code_challenge.',
				);
			}
			if (form.get('redirect_uri') !== grant.redirectUri)
				throw invalidGrant('redirect_uri does not match the authorization request.');
			if (grant.challenge) {
				const verifier = form.get('code_verifier');
				if (!verifier) throw invalidGrant('code_verifier is required (PKCE).');
				if (!pkceMatches(grant.challenge, verifier))
					throw invalidGrant('code_verifier does not match the code_challenge.');
			}
			authCodes.delete(code);
			return mintToken('user', grant.userId, grant.scopes);
		},
		refresh_token(client, form) {
			authenticateClient(client, false);
			const refreshToken = form.get('refresh_token') ?? '';
			const grant = refreshTokens.get(refreshToken);
			if (!grant) throw invalidGrant('The refresh token is invalid.');
			return mintToken('user', grant.userId, grant.scopes, defaultLifetime, refreshToken);
		},
	};

	app.post('/oauth/token', async (req: RequestWithExtras, reply) => {
		try {
			const form = formOf(req);
			const grantType = form.get('grant_type');
			if (!grantType) throw new OAuthError(400, 'invalid_request', 'grant_type is required.');
			const grant = grants[grantType];
			if (!grant)
				throw new OAuthError(400, 'unsupported_grant_type', `Unsupported grant_type ${grantType}.`);
			return sendJson(reply, 200, grant(clientOf(req, form), form));
		} catch (e) {
			if (e instanceof OAuthError) return sendOAuthError(reply, e);
			throw e;
		}
	});

	app.get('/oauth/authorize', async (req: RequestWithExtras, reply) => {
		try {
			const query = new URLSearchParams(req.record?.rawQuery ?? '');
			if (query.get('response_type') !== 'code')
				throw new OAuthError(
					400,
					'unsupported_response_type',
					'Only response_type=code is supported.',
				);
			if (query.get('client_id') !== clientId)
				throw new OAuthError(
					400,
					'invalid_client',
					`Unknown client ${query.get('client_id') ?? ''}.`,
				);
			const redirectUri = query.get('redirect_uri') ?? '';
			let location: URL;
			try {
				location = new URL(redirectUri);
			} catch {
				throw new OAuthError(400, 'invalid_request', 'redirect_uri must be an absolute URL.');
			}
			const challengeValue = query.get('code_challenge');
			const method = query.get('code_challenge_method') ?? 'plain';
			if (challengeValue && method !== 'S256' && method !== 'plain')
				throw new OAuthError(
					400,
					'invalid_request',
					`Unsupported code_challenge_method ${method}.`,
				);
			const code = newSecret();
			const scopes = (query.get('scope') ?? '').split(/[\s,]+/).filter(Boolean);
			authCodes.set(code, {
				userId: authorizeUserId,
				redirectUri,
				scopes: scopes.length ? scopes : ['chat'],
				challenge: challengeValue
					? { value: challengeValue, method: method as 'S256' | 'plain' }
					: undefined,
				expiresAt: Date.now() + AUTH_CODE_LIFETIME_MS,
			});
			location.searchParams.set('code', code);
			const state = query.get('state');
			if (state !== null) location.searchParams.set('state', state);
			return reply.code(302).header('location', location.toString()).send();
		} catch (e) {
			if (e instanceof OAuthError) return sendOAuthError(reply, e);
			throw e;
		}
	});

	/** Reads the JSON request body as an object (400 when missing or not JSON, 415 for other media types). */
	function jsonBody(req: FastifyRequest): Body {
		const body = (req as RequestWithExtras).parsedBody;
		if (body === undefined) throw badRequest('A request body is required.');
		if (typeof body === 'string') {
			const type = String(req.headers['content-type'] ?? '');
			if (!type.includes('json'))
				throw new ApiError(
					415,
					'unsupported.media.type',
					`Content-Type ${type || '(none)'} is not supported; use application/json.`,
				);
			throw badRequest('The request body is not valid JSON.');
		}
		if (!isRecord(body)) throw badRequest('The request body must be a JSON object.');
		return body;
	}

	const listening = await core.listen();

	// ----- test helpers -----
	const requireUser = (id: string) => {
		const user = usersById.get(id);
		if (!user) throw new Error(`Unknown emulator user ${id}`);
		return user;
	};

	return {
		...listening,
		...chaos,
		clientId,
		clientSecret,
		organization: ORGANIZATION,
		users,
		userIds: users.map((u) => u.id),
		routes: routes.map(({ method, path, operation }) => ({ method, path, operation })),
		settings,
		userSettings,
		issueUserToken: (userId, opts = {}) =>
			mintToken('user', requireUser(userId).id, opts.scopes ?? ['chat'], opts.lifetimeSeconds),
		issueClientToken: (opts = {}) => mintToken('client', undefined, [], opts.lifetimeSeconds),
		expireToken(accessToken) {
			const token = tokens.get(accessToken);
			if (token) token.expiresAt = 0;
		},
		setAuthorizeUser(userId) {
			authorizeUserId = requireUser(userId).id;
		},
		setChatsPageSize(size) {
			if (size !== undefined && !(Number.isInteger(size) && size > 0))
				throw new Error(`Chats per page must be a positive whole number, got ${size}`);
			chatsPage = size ?? CHATS_PAGE;
		},
		addUser(name) {
			const id = randomUUID();
			const user: EmulatorUser = {
				id,
				name,
				jid: `${id.replace(/-/g, '').slice(0, 24)}@${USER_JID_DOMAIN}`,
			};
			users.push(user);
			usersById.set(id, user);
			return user;
		},
		createRoom: (ownerUserId, subject, memberUserIds = []) =>
			createRoomState(requireUser(ownerUserId).id, subject, memberUserIds).jid,
		addRoomMessages: (roomJid, fromUserId, count, opts = {}) =>
			seedMessages(roomByJid(roomJid), requireUser(fromUserId).id, count, opts),
		addUserMessages: (fromUserId, toUserId, count, opts = {}) =>
			seedMessages(
				oneOnOne(requireUser(fromUserId).id, requireUser(toUserId).id),
				fromUserId,
				count,
				opts,
			),
		getMessage: (id) => messages.get(id),
		messageJson: (id) => {
			const message = messages.get(id);
			return message && messageView(message);
		},
		getRoom: (jid) => {
			const found = conversations.get(jid);
			return found?.kind === 'room' ? found : undefined;
		},
		getOneOnOne: (a, b) => conversations.get(oneOnOneKey(a, b)) as StoredOneOnOne | undefined,
	};
}
