/**
 * Genesys Cloud Chat: one row per operation of the Platform API SDK's `ChatApi` (32), with the
 * HTTP method, path, parameters and permissions of `test/spec/genesys-chat.json`. Path values are
 * encoded like the SDK (encodeURIComponent: a JID's `@` becomes `%40`, a comma list `%2C`);
 * optional query parameters are sent only when set.
 */
import type { IDataObject, INodeListSearchItems } from 'n8n-workflow';

import { nextUriParam } from '../shared/table/json';
import {
	genesysMessageShape,
	genesysOneOnOneShape,
	genesysPersonShape,
	genesysRoomShape,
} from '../shared/table/message';
import type {
	EndpointRow,
	ListSearchDef,
	LocatorDef,
	ParamDef,
	Paging,
	ResourceDef,
	Simplifier,
} from '../shared/table/types';

import {
	chatMessageEntity,
	chatSettingsEntity,
	createdRoomEntity,
	oneOnOneEntity,
	roomEntity,
	roomMemberEntity,
	roomParticipantEntity,
	sentMessageEntity,
	userChatSettingsEntity,
} from './GenesysChat.entities';

const CHATS = '/api/v2/chats';

// ── Pick from a list (resource locators) ────────────────────────────────────────────────────────
const GUID_PATTERN =
	'^\\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\s*$';
export const roomLocator: LocatorDef = {
	search: 'searchRooms',
	item: 'a room',
	idPlaceholder: 'e.g. adhoc-1234@conference.example.orgspan.com',
	idPattern: '^\\s*[^\\s@]+@[^\\s@]+\\s*$',
	idHint: 'The room JID (as returned by Room → Create), not a GUID',
};
export const userLocator: LocatorDef = {
	search: 'searchChatPartners',
	item: 'a user',
	listHint:
		'From List shows your recent 1:1 chat partners first; type a name to search everyone in your organization',
	idPlaceholder: 'e.g. 3f2504e0-4f89-11d3-9a0c-0305e82c3301',
	idPattern: GUID_PATTERN,
	url: {
		regex: '/person/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})',
		placeholder:
			'https://apps.mypurecloud.com/directory/#/person/3f2504e0-4f89-11d3-9a0c-0305e82c3301',
		hint: "The address of the person's profile in the Genesys Cloud directory",
	},
};

// ── Parameters used by several rows ─────────────────────────────────────────────────────────────
export const roomJid: ParamDef = {
	name: 'roomJid',
	location: 'path',
	type: 'string',
	label: 'Room',
	required: true,
	description: 'The chat room',
	locator: roomLocator,
};
export const userId: ParamDef = {
	name: 'userId',
	location: 'path',
	type: 'string',
	label: 'User',
	required: true,
	description: 'The other person in the 1:1 chat',
	locator: userLocator,
};
const messageId: ParamDef = {
	name: 'messageId',
	location: 'path',
	type: 'string',
	label: 'Message ID',
	required: true,
	description: 'ID of the message (id in the output of Send or Get History)',
};
const messageIds: ParamDef = {
	name: 'messageIds',
	location: 'path',
	type: 'stringList',
	label: 'Message IDs',
	required: true,
	description: 'The messages to fetch',
};
const pinnedMessageId: ParamDef = {
	name: 'pinnedMessageId',
	location: 'path',
	type: 'string',
	label: 'Pinned Message ID',
	required: true,
	description: 'ID of the pinned message to unpin',
};
const pinnedMessageIds: ParamDef = {
	name: 'pinnedMessageIds',
	location: 'body',
	type: 'stringList',
	label: 'Message IDs to Pin',
	required: true,
	maxItems: 5,
	description: 'A room or 1:1 chat holds at most 5 pinned messages',
};
const settingsUserId: ParamDef = { ...userId, description: 'The user whose chat settings to use' };

/** SendMessageBody, shared by send and edit in rooms and 1:1 chats. */
const messageBody: ParamDef[] = [
	{
		name: 'message',
		location: 'body',
		type: 'string',
		label: 'Message',
		required: true,
		description: 'The message text',
	},
	{
		name: 'threadId',
		location: 'body',
		type: 'string',
		label: 'Thread ID',
		description:
			'Reply in this thread (thread.id of a message); leave empty for a top-level message',
	},
	{
		name: 'mentions',
		location: 'body',
		type: 'stringList',
		label: 'Mentions',
		description: 'User IDs (GUIDs) of the people to mention',
	},
];

/** limit / before / after history window, walked backwards by date for Return All. */
const historyParams: ParamDef[] = [
	{
		name: 'limit',
		location: 'query',
		type: 'integer',
		label: 'Page Size',
		min: 1,
		description: 'How many messages one request returns (at most 100)',
	},
	{
		name: 'before',
		location: 'query',
		type: 'dateTime',
		label: 'Before',
		description: 'Only messages older than this date',
	},
	{
		name: 'after',
		location: 'query',
		type: 'dateTime',
		label: 'After',
		description: 'Only messages newer than this date',
	},
	{
		name: 'excludeMetadata',
		location: 'query',
		type: 'boolean',
		label: 'Exclude Metadata',
		description:
			'Whether to leave out message metadata (reactions, mentions and similar details), for smaller answers',
	},
];
const historyPaging: Paging = {
	style: 'dateWindow',
	beforeParam: 'before',
	afterParam: 'after',
	sizeParam: 'limit',
	itemsPath: 'entities',
	dateField: 'dateCreated',
	idField: 'id',
	pageSize: 100,
};

const chatSettingsBody: ParamDef[] = [
	{
		name: 'messageRetentionPeriodDays',
		location: 'body',
		type: 'integer',
		label: 'Message Retention Period (Days)',
		min: 10,
		max: 3650,
		description: 'How many days messages are kept (10–3650)',
	},
	{
		name: 'reactionsEnabled',
		location: 'body',
		type: 'boolean',
		label: 'Reactions Enabled',
		description: 'Whether emoji reactions are switched on for the organization',
	},
];

const mobileWhen: ParamDef = {
	name: 'mobileNotificationsWhen',
	wireName: 'mobile.notifications.when',
	location: 'body',
	type: 'options',
	label: 'Mobile Notifications',
	required: true,
	default: 'Always',
	options: [
		{ name: 'Always', value: 'Always' },
		{ name: 'Only When Inactive', value: 'OnlyWhenInactive' },
	],
	description: 'When the user gets mobile push notifications',
};
const userSettingsExtras: ParamDef[] = [
	{
		name: 'muted',
		location: 'body',
		type: 'boolean',
		label: 'Muted',
		description: 'Whether all chat notifications are muted',
	},
	{
		name: 'mentionsOnly',
		location: 'body',
		type: 'boolean',
		label: 'Mentions Only',
		description: 'Whether to notify only on mentions',
	},
	{
		name: 'notifyOnReactions',
		location: 'body',
		type: 'boolean',
		label: 'Notify on Reactions',
		description: "Whether to notify when someone reacts to the user's messages",
	},
];

// ── Simplify: the one shape of messages, chats and people (shared/table/message.ts) ───────────────────
const simpleMessage: Simplifier = genesysMessageShape;
const simpleRoom: Simplifier = genesysRoomShape;
const simpleParticipant: Simplifier = genesysPersonShape;
const simpleOneToOne: Simplifier = genesysOneOnOneShape;

const fullMessage = {
	option: 'returnFullMessage',
	label: 'Return Full Message',
	description:
		'Whether to fetch the whole message after the call (otherwise only its ID is returned)',
	sdkMethod: 'getChatsMessage',
	params: { messageId: '$response.id' },
};

export const genesysResources: ResourceDef[] = [
	{ value: 'room', name: 'Room', description: 'Ad-hoc chat rooms' },
	{ value: 'roomMessage', name: 'Room Message', description: 'Messages in a room' },
	{ value: 'roomParticipant', name: 'Room Participant', description: 'Members of a room' },
	{ value: 'roomPin', name: 'Room Pin', description: 'Pinned messages of a room' },
	{ value: 'userChat', name: '1:1 Chat', description: 'A one-to-one chat with a user' },
	{ value: 'userMessage', name: '1:1 Message', description: 'Messages of a 1:1 chat' },
	{ value: 'userPin', name: '1:1 Pin', description: 'Pinned messages of a 1:1 chat' },
	{ value: 'thread', name: 'Thread', description: 'Message threads' },
	{ value: 'message', name: 'Message', description: 'Any message by ID' },
	{ value: 'reaction', name: 'Reaction', description: 'Emoji reactions' },
	{ value: 'settings', name: 'Settings', description: 'Organization chat settings' },
	{ value: 'userSettings', name: 'User Settings', description: 'Chat settings of a user' },
];

export const genesysChatTable: EndpointRow[] = [
	// ── Room ────────────────────────────────────────────────────────────────────────────────────
	{
		resource: 'room',
		operation: 'create',
		sdkMethod: 'postChatsRooms',
		name: 'Create',
		action: 'Create a room',
		description: 'Create an ad-hoc room; returns its JID',
		method: 'POST',
		path: `${CHATS}/rooms`,
		answer: createdRoomEntity,
		permissions: ['chat:chat:access', 'chat:room:add'],
		userContext: true,
		params: [
			{
				name: 'subject',
				location: 'body',
				type: 'string',
				label: 'Subject',
				required: true,
				description: "The room's name as people see it",
			},
			{
				name: 'description',
				location: 'body',
				type: 'string',
				label: 'Description',
				description: 'What the room is about',
			},
			{
				name: 'userIds',
				location: 'body',
				type: 'stringList',
				label: 'User IDs',
				maxItems: 25,
				description: 'User IDs (GUIDs) of the people to add to the room',
			},
		],
		simplify: simpleRoom,
	},
	{
		resource: 'room',
		operation: 'get',
		sdkMethod: 'getChatsRoom',
		name: 'Get',
		action: 'Get a room',
		description: "Get a room's details, including its pinned messages",
		method: 'GET',
		path: `${CHATS}/rooms/{roomJid}`,
		answer: roomEntity,
		permissions: ['chat:chat:access', 'chat:room:view'],
		userContext: true,
		params: [roomJid],
		simplify: simpleRoom,
	},
	{
		resource: 'room',
		operation: 'update',
		sdkMethod: 'patchChatsRoom',
		name: 'Update',
		action: 'Update a room',
		description: "Change a room's subject, description, owners or pinned messages",
		method: 'PATCH',
		path: `${CHATS}/rooms/{roomJid}`,
		permissions: ['chat:chat:access', 'chat:room:edit'],
		userContext: true,
		output: { kind: 'void' },
		params: [
			roomJid,
			{
				name: 'subject',
				location: 'body',
				type: 'string',
				label: 'Subject',
				description: 'New name of the room',
			},
			{
				name: 'description',
				location: 'body',
				type: 'string',
				label: 'Description',
				description: 'New description of the room',
			},
			{
				name: 'pinnedMessageIds',
				location: 'body',
				type: 'stringList',
				label: 'Pinned Message IDs',
				maxItems: 5,
				description: 'The messages the room should have pinned',
			},
			{
				name: 'ownerIds',
				location: 'body',
				type: 'stringList',
				label: 'Owner IDs',
				description: 'User IDs (GUIDs) of the people to make room owners',
			},
		],
	},

	// ── Room message ────────────────────────────────────────────────────────────────────────────
	{
		resource: 'roomMessage',
		operation: 'send',
		sdkMethod: 'postChatsRoomMessages',
		name: 'Send',
		action: 'Send a message to a room',
		description: 'Send a message to a room; returns its ID',
		method: 'POST',
		path: `${CHATS}/rooms/{roomJid}/messages`,
		answer: sentMessageEntity,
		permissions: ['chat:chat:access', 'chat:roomMessage:add'],
		userContext: true,
		params: [roomJid, ...messageBody],
		followUp: fullMessage,
		simplify: simpleMessage,
	},
	{
		resource: 'roomMessage',
		operation: 'edit',
		sdkMethod: 'patchChatsRoomMessage',
		name: 'Edit',
		action: 'Edit a room message',
		description: 'Edit the text of a message in a room',
		method: 'PATCH',
		path: `${CHATS}/rooms/{roomJid}/messages/{messageId}`,
		answer: sentMessageEntity,
		permissions: ['chat:chat:access', 'chat:roomMessage:edit'],
		userContext: true,
		params: [roomJid, messageId, ...messageBody],
		followUp: fullMessage,
		simplify: simpleMessage,
	},
	{
		resource: 'roomMessage',
		operation: 'delete',
		sdkMethod: 'deleteChatsRoomMessage',
		name: 'Delete',
		action: 'Delete a room message',
		description: 'Delete one message in a room',
		method: 'DELETE',
		path: `${CHATS}/rooms/{roomJid}/messages/{messageId}`,
		permissions: ['chat:chat:access', 'chat:roomMessage:delete'],
		userContext: true,
		params: [roomJid, messageId],
		output: { kind: 'void' },
	},
	{
		resource: 'roomMessage',
		operation: 'getByIds',
		sdkMethod: 'getChatsRoomMessage',
		name: 'Get by IDs',
		action: 'Get room messages by ID',
		description: 'Get one or more messages of a room by their IDs',
		method: 'GET',
		path: `${CHATS}/rooms/{roomJid}/messages/{messageIds}`,
		answer: chatMessageEntity,
		permissions: ['chat:chat:access', 'chat:room:view'],
		userContext: true,
		params: [roomJid, messageIds],
		output: { kind: 'itemsAt', path: 'entities' },
		simplify: simpleMessage,
	},
	{
		resource: 'roomMessage',
		operation: 'getHistory',
		sdkMethod: 'getChatsRoomMessages',
		name: 'Get History',
		action: 'Get the message history of a room',
		description: "Get a room's messages, oldest first",
		method: 'GET',
		path: `${CHATS}/rooms/{roomJid}/messages`,
		answer: chatMessageEntity,
		permissions: ['chat:chat:access', 'chat:room:view'],
		userContext: true,
		params: [roomJid, ...historyParams],
		paging: historyPaging,
		simplify: simpleMessage,
	},

	// ── Room participant ────────────────────────────────────────────────────────────────────────
	{
		resource: 'roomParticipant',
		operation: 'add',
		sdkMethod: 'postChatsRoomParticipant',
		name: 'Add',
		action: 'Add a user to a room',
		description: 'Add a user to (join) a room',
		method: 'POST',
		path: `${CHATS}/rooms/{roomJid}/participants/{userId}`,
		permissions: ['chat:chat:access', 'chat:participant:add'],
		userContext: true,
		params: [roomJid, { ...userId, description: 'User ID (GUID) who joins' }],
		output: { kind: 'void' },
	},
	{
		resource: 'roomParticipant',
		operation: 'remove',
		sdkMethod: 'deleteChatsRoomParticipant',
		name: 'Remove',
		action: 'Remove a user from a room',
		description: 'Remove a user from a room',
		method: 'DELETE',
		path: `${CHATS}/rooms/{roomJid}/participants/{userId}`,
		permissions: ['chat:chat:access', 'chat:participant:delete'],
		userContext: true,
		params: [roomJid, { ...userId, description: 'User ID (GUID) to remove' }],
		output: { kind: 'void' },
	},
	{
		resource: 'roomParticipant',
		operation: 'get',
		sdkMethod: 'getChatsRoomParticipant',
		name: 'Get',
		action: 'Get a room participant',
		description: 'Get one participant of a room by JID',
		method: 'GET',
		path: `${CHATS}/rooms/{roomJid}/participants/{participantJid}`,
		answer: roomParticipantEntity,
		permissions: [],
		userContext: true,
		params: [
			roomJid,
			{
				name: 'participantJid',
				location: 'path',
				type: 'string',
				label: 'Participant JID',
				required: true,
				description:
					'Chat JID of the participant (jid in the output of Get Many), not the user GUID',
			},
		],
		simplify: simpleParticipant,
	},
	{
		resource: 'roomParticipant',
		operation: 'getMany',
		sdkMethod: 'getChatsRoomParticipants',
		name: 'Get Many',
		action: 'Get the participants of a room',
		description: 'List the participants of a room',
		method: 'GET',
		path: `${CHATS}/rooms/{roomJid}/participants`,
		answer: roomMemberEntity,
		permissions: ['chat:chat:access', 'chat:room:view'],
		userContext: true,
		params: [
			roomJid,
			{
				name: 'notify',
				location: 'query',
				type: 'boolean',
				label: 'Notify',
				description:
					'Whether to return only the participants who should be notified of new messages',
			},
		],
		output: { kind: 'itemsAt', path: 'participants' },
		simplify: simpleParticipant,
	},

	// ── Room pin ────────────────────────────────────────────────────────────────────────────────
	{
		resource: 'roomPin',
		operation: 'pin',
		sdkMethod: 'postChatsRoomMessagesPins',
		name: 'Pin',
		action: 'Pin messages in a room',
		description: 'Pin messages in a room (at most 5 pinned messages)',
		method: 'POST',
		path: `${CHATS}/rooms/{roomJid}/messages/pins`,
		permissions: ['chat:chat:access', 'chat:room:edit'],
		userContext: true,
		params: [roomJid, pinnedMessageIds],
		output: { kind: 'void' },
	},
	{
		resource: 'roomPin',
		operation: 'unpin',
		sdkMethod: 'deleteChatsRoomMessagesPin',
		name: 'Unpin',
		action: 'Unpin a message in a room',
		description: 'Unpin one pinned message in a room',
		method: 'DELETE',
		path: `${CHATS}/rooms/{roomJid}/messages/pins/{pinnedMessageId}`,
		permissions: ['chat:chat:access', 'chat:room:edit'],
		userContext: true,
		params: [roomJid, pinnedMessageId],
		output: { kind: 'void' },
	},

	// ── 1:1 chat ────────────────────────────────────────────────────────────────────────────────
	{
		resource: 'userChat',
		operation: 'get',
		sdkMethod: 'getChatsUser',
		name: 'Get',
		action: 'Get a 1:1 chat',
		description: 'Get information about the 1:1 chat with a user (its pinned messages)',
		preview: true,
		method: 'GET',
		path: `${CHATS}/users/{userId}`,
		answer: oneOnOneEntity,
		permissions: ['chat:chat:access', 'chat:1on1:view'],
		userContext: true,
		params: [userId],
		simplify: simpleOneToOne,
	},

	// ── User (1:1) message ──────────────────────────────────────────────────────────────────────
	{
		resource: 'userMessage',
		operation: 'send',
		sdkMethod: 'postChatsUserMessages',
		name: 'Send',
		action: 'Send a 1:1 message',
		description: 'Send a 1:1 message to a user; returns its ID',
		method: 'POST',
		path: `${CHATS}/users/{userId}/messages`,
		answer: sentMessageEntity,
		permissions: ['chat:chat:access', 'chat:1on1Message:add'],
		userContext: true,
		params: [userId, ...messageBody],
		followUp: fullMessage,
		simplify: simpleMessage,
	},
	{
		resource: 'userMessage',
		operation: 'edit',
		sdkMethod: 'patchChatsUserMessage',
		name: 'Edit',
		action: 'Edit a 1:1 message',
		description: 'Edit the text of a message in the 1:1 chat with a user',
		method: 'PATCH',
		path: `${CHATS}/users/{userId}/messages/{messageId}`,
		answer: sentMessageEntity,
		permissions: ['chat:chat:access', 'chat:1on1Message:view'],
		userContext: true,
		params: [userId, messageId, ...messageBody],
		followUp: fullMessage,
		simplify: simpleMessage,
	},
	{
		resource: 'userMessage',
		operation: 'delete',
		sdkMethod: 'deleteChatsUserMessage',
		name: 'Delete',
		action: 'Delete a 1:1 message',
		description: 'Delete one message in the 1:1 chat with a user',
		method: 'DELETE',
		path: `${CHATS}/users/{userId}/messages/{messageId}`,
		permissions: ['chat:chat:access', 'chat:1on1Message:delete'],
		userContext: true,
		params: [userId, messageId],
		output: { kind: 'void' },
	},
	{
		resource: 'userMessage',
		operation: 'getByIds',
		sdkMethod: 'getChatsUserMessage',
		name: 'Get by IDs',
		action: 'Get 1:1 messages by ID',
		description: 'Get one or more messages of the 1:1 chat with a user by their IDs',
		method: 'GET',
		path: `${CHATS}/users/{userId}/messages/{messageIds}`,
		answer: chatMessageEntity,
		permissions: ['chat:chat:access', 'chat:1on1Message:view'],
		userContext: true,
		params: [userId, messageIds],
		output: { kind: 'itemsAt', path: 'entities' },
		simplify: simpleMessage,
	},
	{
		resource: 'userMessage',
		operation: 'getHistory',
		sdkMethod: 'getChatsUserMessages',
		name: 'Get History',
		action: 'Get the message history of a 1:1 chat',
		description: 'Get the messages of the 1:1 chat with a user, oldest first',
		method: 'GET',
		path: `${CHATS}/users/{userId}/messages`,
		answer: chatMessageEntity,
		permissions: ['chat:chat:access', 'chat:1on1Message:view'],
		userContext: true,
		params: [userId, ...historyParams],
		paging: historyPaging,
		simplify: simpleMessage,
	},

	// ── User (1:1) pin ──────────────────────────────────────────────────────────────────────────
	{
		resource: 'userPin',
		operation: 'pin',
		sdkMethod: 'postChatsUserMessagesPins',
		name: 'Pin',
		action: 'Pin messages in a 1:1 chat',
		description: 'Pin messages in the 1:1 chat with a user (at most 5 pinned messages)',
		preview: true,
		method: 'POST',
		path: `${CHATS}/users/{userId}/messages/pins`,
		permissions: ['chat:chat:access', 'chat:1on1:edit'],
		userContext: true,
		params: [userId, pinnedMessageIds],
		output: { kind: 'void' },
	},
	{
		resource: 'userPin',
		operation: 'unpin',
		sdkMethod: 'deleteChatsUserMessagesPin',
		name: 'Unpin',
		action: 'Unpin a message in a 1:1 chat',
		description: 'Unpin one pinned message in the 1:1 chat with a user',
		preview: true,
		method: 'DELETE',
		path: `${CHATS}/users/{userId}/messages/pins/{pinnedMessageId}`,
		permissions: ['chat:chat:access', 'chat:1on1:edit'],
		userContext: true,
		params: [userId, pinnedMessageId],
		output: { kind: 'void' },
	},

	// ── Thread, message, reaction ───────────────────────────────────────────────────────────────
	{
		resource: 'thread',
		operation: 'getMessages',
		sdkMethod: 'getChatsThreadMessages',
		name: 'Get Messages',
		action: 'Get the messages of a thread',
		description: 'Get the messages of one thread, oldest first',
		method: 'GET',
		path: `${CHATS}/threads/{threadId}/messages`,
		answer: chatMessageEntity,
		permissions: ['chat:chat:access', 'chat:room:view'],
		userContext: true,
		params: [
			{
				name: 'threadId',
				location: 'path',
				type: 'string',
				label: 'Thread ID',
				required: true,
				description: "The thread, as in a message's thread.id",
			},
			...historyParams,
		],
		paging: historyPaging,
		simplify: simpleMessage,
	},
	{
		resource: 'message',
		operation: 'get',
		sdkMethod: 'getChatsMessage',
		name: 'Get',
		action: 'Get a message',
		description: 'Get one message by ID, whether it lives in a room or a 1:1 chat',
		method: 'GET',
		path: `${CHATS}/messages/{messageId}`,
		answer: chatMessageEntity,
		permissions: ['chat:chat:access', 'chat:1on1Message:view', 'chat:room:view'],
		userContext: true,
		params: [messageId],
		simplify: simpleMessage,
	},
	{
		resource: 'reaction',
		operation: 'set',
		sdkMethod: 'putChatsMessageReactions',
		name: 'Set',
		action: 'Set reactions on a message',
		description:
			"Set the caller's emoji reactions on a message (replaces them; an empty list clears them)",
		method: 'PUT',
		path: `${CHATS}/messages/{messageId}/reactions`,
		permissions: ['chat:chat:access', 'chat:reactions:edit'],
		userContext: true,
		params: [
			messageId,
			{
				name: 'reactions',
				location: 'body',
				type: 'stringList',
				label: 'Reactions',
				required: true,
				description: 'Emoji characters, e.g. 👍, 🎉',
			},
		],
		output: { kind: 'void' },
	},

	// ── Settings ────────────────────────────────────────────────────────────────────────────────
	{
		resource: 'settings',
		operation: 'get',
		sdkMethod: 'getChatsSettings',
		name: 'Get',
		action: 'Get the organization chat settings',
		description: "Get the organization's chat settings",
		method: 'GET',
		path: `${CHATS}/settings`,
		answer: chatSettingsEntity,
		permissions: ['chat:setting:view', 'chat:setting:edit'],
		params: [],
	},
	{
		resource: 'settings',
		operation: 'update',
		sdkMethod: 'patchChatsSettings',
		name: 'Update',
		action: 'Update the organization chat settings',
		description: "Change some of the organization's chat settings",
		method: 'PATCH',
		path: `${CHATS}/settings`,
		answer: chatSettingsEntity,
		permissions: ['chat:setting:edit'],
		params: chatSettingsBody,
	},
	{
		resource: 'settings',
		operation: 'replace',
		sdkMethod: 'putChatsSettings',
		name: 'Replace',
		action: 'Replace the organization chat settings',
		description: "Replace the organization's chat settings (omitted fields may be reset)",
		method: 'PUT',
		path: `${CHATS}/settings`,
		answer: chatSettingsEntity,
		permissions: ['chat:setting:edit'],
		params: chatSettingsBody,
	},

	// ── User settings ───────────────────────────────────────────────────────────────────────────
	{
		resource: 'userSettings',
		operation: 'get',
		sdkMethod: 'getChatsUserSettings',
		name: 'Get',
		action: "Get a user's chat settings",
		description: "Get a user's chat settings (admin view)",
		preview: true,
		method: 'GET',
		path: `${CHATS}/users/{userId}/settings`,
		answer: userChatSettingsEntity,
		permissions: ['chat:usersettings:view', 'chat:setting:view'],
		params: [settingsUserId],
	},
	{
		resource: 'userSettings',
		operation: 'update',
		sdkMethod: 'patchChatsUserSettings',
		name: 'Update',
		action: "Update a user's chat settings",
		description: "Update a user's chat settings (admin)",
		preview: true,
		method: 'PATCH',
		path: `${CHATS}/users/{userId}/settings`,
		answer: userChatSettingsEntity,
		permissions: ['chat:usersettings:edit', 'chat:setting:edit'],
		params: [settingsUserId, mobileWhen],
	},
	{
		resource: 'userSettings',
		operation: 'getMine',
		sdkMethod: 'getChatsUsersMeSettings',
		name: 'Get Mine',
		action: 'Get my chat settings',
		description: "Get the calling user's own chat settings",
		preview: true,
		method: 'GET',
		path: `${CHATS}/users/me/settings`,
		answer: userChatSettingsEntity,
		permissions: [],
		userContext: true,
		params: [],
	},
	{
		resource: 'userSettings',
		operation: 'updateMine',
		sdkMethod: 'patchChatsUsersMeSettings',
		name: 'Update Mine',
		action: 'Update my chat settings',
		description: "Update the calling user's own chat settings",
		preview: true,
		method: 'PATCH',
		path: `${CHATS}/users/me/settings`,
		answer: userChatSettingsEntity,
		permissions: [],
		userContext: true,
		params: [mobileWhen, ...userSettingsExtras],
	},
];

/**
 * Calls outside the 32 ChatApi operations that the trigger (and list searches) use. Kept apart
 * from `genesysChatTable` so the action node's operations stay exactly the SDK's ChatApi.
 */
export const genesysSupportRows: EndpointRow[] = [
	{
		resource: 'support',
		operation: 'listMyChats',
		sdkMethod: 'getUsersChatsMe',
		name: 'List My Chats',
		action: 'List the chats of the calling user',
		description:
			'Every room and 1:1 chat of the calling user with the time of its last message (UsersApi, SDK 207+)',
		method: 'GET',
		path: '/api/v2/users/chats/me',
		permissions: ['chat:chat:access', 'user:chats:view'],
		userContext: true,
		// ChatItemCursorListing: `entities`, and `nextUri` (`…?after=<key>`) until the last page.
		paging: {
			style: 'nextUri',
			cursorParam: 'after',
			itemsPath: 'entities',
			nextUriPath: 'nextUri',
		},
		params: [
			{
				name: 'after',
				location: 'query',
				type: 'string',
				label: 'After',
				description: 'Cursor: the key to start after (from nextUri)',
			},
			{
				name: 'excludeClosed',
				location: 'query',
				type: 'boolean',
				label: 'Exclude Closed',
				description: 'Whether to leave closed chats out',
			},
		],
	},
	{
		resource: 'support',
		operation: 'getMe',
		sdkMethod: 'getUsersMe',
		name: 'Get Me',
		action: 'Get the calling user',
		description: 'The user the token acts for (UsersApi)',
		method: 'GET',
		path: '/api/v2/users/me',
		permissions: [],
		userContext: true,
		params: [],
	},
	{
		resource: 'support',
		operation: 'searchUsers',
		sdkMethod: 'postUsersSearch',
		name: 'Search Users',
		action: "Search the organization's users",
		description: 'Users of the organization whose name matches the search criteria (UsersApi)',
		method: 'POST',
		path: '/api/v2/users/search',
		permissions: ['directory:user:view'],
		params: [
			{
				name: 'query',
				location: 'body',
				type: 'json',
				label: 'Query',
				description: 'Search criteria, e.g. [{"type":"CONTAINS","fields":["name"],"value":"ada"}]',
			},
			{ name: 'pageSize', location: 'body', type: 'integer', label: 'Page Size', min: 1, max: 100 },
			{ name: 'pageNumber', location: 'body', type: 'integer', label: 'Page Number', min: 1 },
		],
	},
	{
		resource: 'support',
		operation: 'getUsers',
		sdkMethod: 'getUsers',
		name: 'Get Users',
		action: 'Get users by ID',
		description: 'Directory profiles of up to 100 users by ID (UsersApi)',
		method: 'GET',
		path: '/api/v2/users',
		permissions: [],
		params: [
			{
				name: 'id',
				location: 'query',
				type: 'guidList',
				listStyle: 'repeat',
				label: 'User IDs',
				maxItems: 100,
			},
			{
				name: 'pageSize',
				location: 'query',
				type: 'integer',
				label: 'Page Size',
				min: 1,
				max: 100,
			},
		],
	},
];

// ── Pick from a list: the node's methods.listSearch ─────────────────────────────────────────────
/** The `after` cursor of a listing's nextUri (undefined on the last page): the engine's one nextUri parser. */
const afterCursor = (answer: unknown): string | undefined => nextUriParam(answer, 'after');

/** The calling user's chats (GET /api/v2/users/chats/me), one kind of chat at a time; names filtered here (the API has no search). */
function myChats(kind: 'room' | 'oneOnOne'): ListSearchDef {
	return {
		sdkMethod: 'getUsersChatsMe',
		values: ({ token }) => ({ after: token }),
		items: 'entities',
		filterByName: true,
		toItem: (chat) => {
			const isRoom = chat.chatType !== 'oneOnOne' && !chat.user;
			if ((kind === 'room') !== isRoom) return undefined;
			const user = (chat.user ?? {}) as IDataObject;
			const id =
				kind === 'room'
					? ((chat.room as IDataObject | undefined)?.jid ?? chat.id)
					: (user.id ?? chat.id);
			if (typeof id !== 'string' || !id) return undefined;
			const name =
				typeof chat.name === 'string' && chat.name
					? chat.name
					: typeof user.name === 'string' && user.name
						? user.name
						: id;
			return { name, value: id };
		},
		next: (answer) => afterCursor(answer),
	};
}

/**
 * A user of the directory as a list item: title, department and email tell namesakes apart (as
 * itslearning's role and school do).
 */
function directoryItem(entry: IDataObject): INodeListSearchItems | undefined {
	if (typeof entry.id !== 'string' || !entry.id) return undefined;
	const details = [entry.title, entry.department, entry.email].filter(
		(text): text is string => typeof text === 'string' && text.trim() !== '',
	);
	const name = typeof entry.name === 'string' && entry.name ? entry.name : entry.id;
	return { name: details.length ? `${name} (${details.join(', ')})` : name, value: entry.id };
}

/** Users per page of a directory search. */
const USER_SEARCH_PAGE = 25;

/**
 * People to chat with: without search text the user's 1:1 partners (most recent first); with search
 * text the organization's users whose name contains it (POST /api/v2/users/search, by page number),
 * so anyone can be picked by name, not only people already chatted with.
 */
function chatPartners(): ListSearchDef {
	const partners = myChats('oneOnOne');
	return {
		sdkMethod: (page) => (page.filter ? 'postUsersSearch' : (partners.sdkMethod as string)),
		values: (page) =>
			page.filter
				? {
						query: [{ type: 'CONTAINS', fields: ['name'], value: page.filter }],
						pageSize: USER_SEARCH_PAGE,
						pageNumber: Number(page.token ?? 1),
					}
				: partners.values(page),
		items: (page) => (page.filter ? 'results' : 'entities'),
		toItem: (entry, page) => (page.filter ? directoryItem(entry) : partners.toItem(entry, page)),
		next: (answer, entries, page) => {
			if (!page.filter) return partners.next?.(answer, entries, page);
			const { pageNumber, pageCount } = (answer ?? {}) as IDataObject;
			return typeof pageNumber === 'number' &&
				typeof pageCount === 'number' &&
				pageNumber < pageCount
				? String(pageNumber + 1)
				: undefined;
		},
		// The chat listing names a partner only: their directory profiles, one request per page.
		details: {
			sdkMethod: 'getUsers',
			when: (page) => !page.filter,
			values: (ids) => ({ id: ids.slice(0, 100), pageSize: Math.min(ids.length, 100) }),
			items: 'entities',
			// an entry without a name would show the ID instead of the name the listing gave
			toItem: (entry) =>
				typeof entry.name === 'string' && entry.name ? directoryItem(entry) : undefined,
		},
	};
}

export const genesysListSearch: Record<string, ListSearchDef> = {
	/** Rooms the user is in, most recent activity first. */
	searchRooms: myChats('room'),
	/** People to chat with: 1:1 partners, or the organization's users by name when searching. */
	searchChatPartners: chatPartners(),
};
