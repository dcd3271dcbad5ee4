/**
 * One simplified shape for messages, chats (itslearning threads, Genesys rooms and 1:1 chats) and
 * people, the same whichever node or trigger an item comes from. Each service maps its own answer
 * onto it here, field by field, with the field's JSON type: Simplify in the action nodes, the
 * triggers' items and the output schemas n8n shows in the editor (see `../editor/schema`) all read these
 * definitions, so they cannot drift apart.
 *
 * Common core of a message (both services):
 * `messageId`, `chatId`, `chatType`, `text`, `senderId`, `senderName`, `createdAt`, `editedAt`,
 * `isEdited`. Fields the answer does not have (or has as null) are left out.
 */
import type { IDataObject } from 'n8n-workflow';

import { at } from './json';

/** JSON types of simplified fields (as in JSON Schema). */
export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';

/**
 * What the caller knows besides the answer: the request's parameters (`threadId`, `roomJid`,
 * `userId`, …) in the action nodes, the watched chat in the triggers.
 */
export type ShapeContext = Record<string, unknown>;

/** One field of a simplified item: where it comes from and its JSON type. */
export interface ShapeField {
	/** Dotted path in the raw item, or a function of the raw item and the context. */
	from: string | ((item: IDataObject, context: ShapeContext) => unknown);
	type: FieldType;
	/** Arrays: the type of the entries, or the shape of object entries. */
	items?: FieldType | Shape;
	/** Objects: the shape of the object. */
	properties?: Shape;
	description: string;
	/** Always present in the simplified item. */
	required?: boolean;
}

/** A simplified shape: camelCase output name → field. */
export type Shape = Record<string, ShapeField>;

type Value = IDataObject[keyof IDataObject];

/** One item in a shape; fields whose value is undefined or null are left out. */
export function toShape(item: IDataObject, shape: Shape, context: ShapeContext = {}): IDataObject {
	const out: IDataObject = {};
	for (const [key, field] of Object.entries(shape)) {
		const value =
			typeof field.from === 'function' ? field.from(item, context) : at(item, field.from);
		if (value !== undefined && value !== null) out[key] = value as Value;
	}
	return out;
}

/** A list inside an item, each object entry in a shape (e.g. the messages of a thread). */
export function toShapeList(
	list: unknown,
	shape: Shape,
	context: ShapeContext = {},
): IDataObject[] | undefined {
	return Array.isArray(list)
		? list
				.filter((entry) => entry && typeof entry === 'object')
				.map((entry) => toShape(entry as IDataObject, shape, context))
		: undefined;
}

const given = (value: unknown) =>
	value === undefined || value === null || value === '' ? undefined : value;
const asObject = (value: unknown) =>
	value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : undefined;
const refIds = (list: unknown) =>
	Array.isArray(list)
		? list.map((ref) => asObject(ref)?.id).filter((id) => id !== undefined && id !== null)
		: undefined;

// ── itslearning ─────────────────────────────────────────────────────────────────────────────────

/** An itslearning instant message (InstantMessageV2/V3). */
export const itslearningMessageShape: Shape = {
	messageId: {
		from: 'MessageId',
		type: 'integer',
		required: true,
		description: 'ID of the message',
	},
	chatId: {
		from: (m, c) => given(c.threadId) ?? m.InstantMessageThreadId,
		type: 'integer',
		description: 'The thread the message is in',
	},
	chatType: {
		from: () => 'thread',
		type: 'string',
		required: true,
		description: 'Always "thread" for itslearning',
	},
	text: { from: 'Text', type: 'string', description: 'The message text' },
	senderId: { from: 'CreatedBy', type: 'integer', description: 'Person ID of the sender' },
	senderName: { from: 'CreatedByName', type: 'string', description: 'Full name of the sender' },
	createdAt: {
		from: 'Created',
		type: 'string',
		description: 'When the message was sent (ISO 8601)',
	},
	editedAt: {
		from: 'Edited',
		type: 'string',
		description: 'When the text was last edited (ISO 8601)',
	},
	isEdited: { from: 'IsEdited', type: 'boolean', description: 'Whether the text was edited' },
	isDeleted: { from: 'IsDeleted', type: 'boolean', description: 'Whether the message is deleted' },
	isStarred: {
		from: 'IsStarred',
		type: 'boolean',
		description: 'Whether the user starred the message',
	},
	attachmentName: {
		from: 'AttachmentName',
		type: 'string',
		description: 'File name of the attachment',
	},
	attachmentUrl: {
		from: 'AttachmentUrl',
		type: 'string',
		description: 'Address of the attachment',
	},
};

const participantNames = (thread: IDataObject) =>
	Array.isArray(thread.Participants)
		? (thread.Participants as IDataObject[])
				.map((p) => asObject(p)?.FullName)
				.filter((name) => typeof name === 'string')
		: undefined;

/** An itslearning thread (InstantMessageThreadV2/V3). */
export const itslearningThreadShape: Shape = {
	chatId: {
		from: 'InstantMessageThreadId',
		type: 'integer',
		required: true,
		description: 'ID of the thread',
	},
	chatType: {
		from: () => 'thread',
		type: 'string',
		required: true,
		description: 'Always "thread" for itslearning',
	},
	name: { from: 'Name', type: 'string', description: 'Name of the thread' },
	threadType: {
		from: 'Type',
		type: 'string',
		description: 'Kind of thread (Group, Course, Project, OneToOne, …)',
	},
	participants: {
		from: participantNames,
		type: 'array',
		items: 'string',
		description: 'Full names of the participants',
	},
	participantCount: {
		from: 'ParticipantsCount',
		type: 'integer',
		description: 'How many people are in the thread',
	},
	lastMessageId: {
		from: 'LastMessage.MessageId',
		type: 'integer',
		description: 'ID of the newest message',
	},
	lastMessageText: {
		from: 'LastMessage.Text',
		type: 'string',
		description: 'Text of the newest message',
	},
	lastMessageSenderName: {
		from: 'LastMessage.CreatedByName',
		type: 'string',
		description: 'Sender of the newest message',
	},
	lastMessageAt: {
		from: 'LastMessage.Created',
		type: 'string',
		description: 'When the newest message was sent (ISO 8601)',
	},
	lastReadMessageId: {
		from: 'LastReadInstantMessageId',
		type: 'integer',
		description: 'Newest message the user has read',
	},
	repliesAreEnabled: {
		from: 'RepliesAreEnabled',
		type: 'boolean',
		description: 'Whether students may reply',
	},
	createdAt: {
		from: 'Created',
		type: 'string',
		description: 'When the thread was created (ISO 8601)',
	},
};

/** A thread with the messages it came with (Thread → Get), messages in the message shape. */
export const itslearningThreadWithMessagesShape: Shape = {
	...itslearningThreadShape,
	messages: {
		from: (thread) => {
			const messages = thread.Messages as IDataObject | IDataObject[] | null | undefined;
			return toShapeList(
				Array.isArray(messages) ? messages : messages?.EntityArray,
				itslearningMessageShape,
				{ threadId: thread.InstantMessageThreadId },
			);
		},
		type: 'array',
		items: itslearningMessageShape,
		description: 'The messages returned with the thread',
	},
};

/** A person, course or project that can be messaged (recipient records). */
export const itslearningPersonShape: Shape = {
	id: {
		from: 'Id',
		type: 'integer',
		description: 'Person ID (or course/project ID for those types)',
	},
	name: { from: 'Label', type: 'string', description: 'Full name (or course/project title)' },
	type: { from: 'TypeName', type: 'string', description: 'Person, Course or Project' },
	role: { from: 'RoleInHierarchyTitle', type: 'string', description: 'Role of the person' },
	organization: {
		from: 'Organization',
		type: 'string',
		description: 'School or organization of the person',
	},
	canReceive: {
		from: 'CanReceive',
		type: 'boolean',
		description: 'Whether messages can be sent to it',
	},
	participantCount: {
		from: 'ParticipantsCount',
		type: 'integer',
		description: 'Members of a course or project',
	},
};

// ── Genesys Cloud ───────────────────────────────────────────────────────────────────────────────

/** Whether a Genesys message belongs to a 1:1 chat (the request names a user, or the message has a receiver). */
const isOneOnOne = (m: IDataObject, c: ShapeContext) =>
	given(c.roomJid) ? false : given(c.userId) !== undefined || asObject(m.toUser) !== undefined;

/** A Genesys chat message (ChatMessageResponse / ChatMessage; after Send only its ID). */
export const genesysMessageShape: Shape = {
	messageId: { from: 'id', type: 'string', required: true, description: 'ID of the message' },
	chatId: {
		from: (m, c) =>
			isOneOnOne(m, c)
				? (given(c.userId) ?? asObject(m.toUser)?.id)
				: (given(c.roomJid) ?? given(m.toJid)),
		type: 'string',
		description: "The chat: the room JID, or for a 1:1 chat the other person's user ID",
	},
	chatType: {
		from: (m, c) => (isOneOnOne(m, c) ? 'oneOnOne' : 'room'),
		type: 'string',
		required: true,
		description: '"room" or "oneOnOne"',
	},
	text: { from: 'body', type: 'string', description: 'The message text' },
	senderId: { from: 'user.id', type: 'string', description: 'User ID of the sender' },
	senderName: {
		from: 'user.name',
		type: 'string',
		description: 'Name of the sender, when the service includes it',
	},
	createdAt: {
		from: 'dateCreated',
		type: 'string',
		description: 'When the message was sent (ISO 8601)',
	},
	editedAt: {
		from: 'dateModified',
		type: 'string',
		description: 'When the text was last edited (ISO 8601)',
	},
	isEdited: { from: 'edited', type: 'boolean', description: 'Whether the text was edited' },
	senderJid: { from: 'jid', type: 'string', description: 'Chat JID of the sender' },
	replyThreadId: {
		from: 'thread.id',
		type: 'string',
		description: 'The reply thread the message starts or belongs to (thread.id)',
	},
	parentReplyThreadId: {
		from: 'parentThread.id',
		type: 'string',
		description: 'The thread this message replies in (parentThread.id)',
	},
	mentionedUserIds: {
		from: (m) =>
			asObject(m.mentions)
				? Object.keys(m.mentions as IDataObject)
				: Array.isArray(m.mentions)
					? m.mentions
					: undefined,
		type: 'array',
		items: 'string',
		description: 'Users mentioned in the message',
	},
	reactions: {
		from: (m) =>
			Array.isArray(m.reactions)
				? m.reactions
						.map((r) => asObject(r))
						.filter(Boolean)
						.map((r) => ({ emoji: r!.emoji, count: Array.isArray(r!.users) ? r!.users.length : 0 }))
				: undefined,
		type: 'array',
		items: {
			emoji: { from: 'emoji', type: 'string', description: 'The emoji' },
			count: { from: 'count', type: 'integer', description: 'How many people reacted with it' },
		},
		description: 'Emoji reactions and how many people gave each',
	},
};

/** A Genesys room (Room). */
export const genesysRoomShape: Shape = {
	chatId: {
		from: (r) => given(r.jid) ?? r.id,
		type: 'string',
		required: true,
		description: 'JID of the room',
	},
	chatType: { from: () => 'room', type: 'string', required: true, description: 'Always "room"' },
	name: { from: 'subject', type: 'string', description: 'Subject of the room' },
	description: { from: 'description', type: 'string', description: 'Description of the room' },
	createdAt: {
		from: 'dateCreated',
		type: 'string',
		description: 'When the room was created (ISO 8601)',
	},
	ownerIds: {
		from: (room) => refIds(room.owners),
		type: 'array',
		items: 'string',
		description: 'User IDs of the owners',
	},
	pinnedMessageIds: {
		from: (room) => refIds(room.pinnedMessages),
		type: 'array',
		items: 'string',
		description: 'IDs of the pinned messages',
	},
	participantLimit: {
		from: 'participantLimit',
		type: 'integer',
		description: 'How many people the room may hold',
	},
};

/** A Genesys 1:1 chat (OneOnOne). */
export const genesysOneOnOneShape: Shape = {
	chatId: {
		from: (chat, c) => given(c.userId) ?? asObject(chat.user)?.id,
		type: 'string',
		description: 'User ID of the other person',
	},
	chatType: {
		from: () => 'oneOnOne',
		type: 'string',
		required: true,
		description: 'Always "oneOnOne"',
	},
	pinnedMessageIds: {
		from: (chat) => refIds(chat.pinnedMessages),
		type: 'array',
		items: 'string',
		description: 'IDs of the pinned messages',
	},
};

/** A Genesys room participant (a user). */
export const genesysPersonShape: Shape = {
	id: { from: 'user.id', type: 'string', description: 'User ID' },
	name: {
		from: 'user.name',
		type: 'string',
		description: 'Name of the user, when the service includes it',
	},
	jid: { from: 'jid', type: 'string', description: 'Chat JID of the user' },
};

// ── Trigger items: the message shape plus what the trigger knows ────────────────────────────────

/** The itslearning trigger's New Message item. */
export const itslearningTriggerMessageShape: Shape = {
	...itslearningMessageShape,
	chatId: { ...itslearningMessageShape.chatId, required: true },
	chatName: { from: (_m, c) => c.chatName, type: 'string', description: 'Name of the thread' },
	threadUnreadCount: {
		from: (_m, c) => c.threadUnreadCount,
		type: 'integer',
		description: 'Unread messages in the thread when it was read',
	},
	isOwnMessage: {
		from: (_m, c) => c.isOwnMessage,
		type: 'boolean',
		description: 'Whether the user sent it (with Include Own Messages)',
	},
	markedAsRead: {
		from: (_m, c) => c.markedAsRead,
		type: 'boolean',
		description: 'Whether the trigger marked the thread as read (with Mark as Read)',
	},
};

/** The Genesys trigger's message items. */
export const genesysTriggerMessageShape: Shape = {
	...genesysMessageShape,
	chatId: { ...genesysMessageShape.chatId, required: true },
	chatName: {
		from: (_m, c) => c.chatName,
		type: 'string',
		description: 'Name of the room or of the other person',
	},
	newMessagesInChat: {
		from: (_m, c) => c.newMessagesInChat,
		type: 'integer',
		description: 'How many new messages the chat had in this poll (1 in a test event)',
	},
};

/** The itslearning trigger's count events. */
export const itslearningCountShape: Shape = {
	previous: {
		from: 'previous',
		type: 'integer',
		required: true,
		description: 'The count at the previous poll',
	},
	current: { from: 'current', type: 'integer', required: true, description: 'The count now' },
	change: { from: 'change', type: 'integer', required: true, description: 'current − previous' },
};
export const itslearningThreadCountShape: Shape = {
	threadId: { from: 'threadId', type: 'integer', required: true, description: 'The thread' },
	...itslearningCountShape,
};

/** Each itslearning trigger event's item (event value → shape), the default event first. */
export const itslearningTriggerEventShapes: Record<string, Shape> = {
	newMessage: itslearningTriggerMessageShape,
	starredCountChanged: itslearningCountShape,
	threadUnreadCountChanged: itslearningThreadCountShape,
	unreadCountChanged: itslearningCountShape,
};

/** Each Genesys trigger event's item (event value → shape). */
export const genesysTriggerEventShapes: Record<string, Shape> = {
	newOneOnOneMessage: genesysTriggerMessageShape,
	newMessageAnyChat: genesysTriggerMessageShape,
	newRoomMessage: genesysTriggerMessageShape,
};

/** Item of the itslearning trigger's New Message event. */
export function itslearningTriggerMessage(
	message: IDataObject,
	context: ShapeContext,
): IDataObject {
	return toShape(message, itslearningTriggerMessageShape, context);
}

/** Item of the itslearning trigger's count events (`threadId` for Thread Unread Count Changed). */
export function itslearningTriggerCount(count: IDataObject): IDataObject {
	return toShape(
		count,
		count.threadId === undefined ? itslearningCountShape : itslearningThreadCountShape,
	);
}

/** Item of the Genesys trigger's message events. */
export function genesysTriggerMessage(message: IDataObject, context: ShapeContext): IDataObject {
	return toShape(message, genesysTriggerMessageShape, context);
}
