/**
 * Genesys Cloud entities the node returns unchanged (no Simplify), field by field as the API
 * contract describes them (`genesys-models.md` of the spec). The table's rows name them as their
 * `answer`; the output schemas n8n shows in the editor are generated from them (`../shared/editor/schema`).
 */
import type { Entity } from '../shared/table/types';

/** ChatSettings: the organization's chat settings (Settings → Get / Update / Replace). */
export const chatSettingsEntity: Entity = {
	messageRetentionPeriodDays: {
		type: 'integer',
		description: 'Days messages are kept (10–3650)',
	},
	reactionsEnabled: {
		type: 'boolean',
		description: 'Whether reactions are allowed in the organization',
	},
};

/** MobileSettings inside a user's chat settings. */
const mobileSettingsEntity: Entity = {
	notifications: {
		type: 'object',
		required: true,
		description: 'Push notification settings',
		properties: {
			when: {
				type: 'string',
				required: true,
				description: 'When mobile push notifications are sent: Always or OnlyWhenInactive',
			},
		},
	},
};

/**
 * A user's chat settings (User Settings operations): ChatUserSettings (`mobile`) or, from SDK
 * 220.0.0, its superset UserSettingsForChat (`muted`, `mentionsOnly`, `notifyOnReactions`).
 */
export const userChatSettingsEntity: Entity = {
	mobile: {
		type: 'object',
		required: true,
		properties: mobileSettingsEntity,
		description: 'Mobile-device settings',
	},
	muted: { type: 'boolean', description: 'Mute all chat notifications' },
	mentionsOnly: { type: 'boolean', description: 'Notify only on mentions' },
	notifyOnReactions: {
		type: 'boolean',
		description: "Notify when someone reacts to the user's own messages",
	},
};

// ── The raw answers of the operations with Simplify (version 1's default: Simplify off) ─────────

/** AddressableEntityRef: a user or a pinned message. */
const entityRef: Entity = {
	id: { type: 'string', description: 'ID' },
	selfUri: { type: 'string', description: 'API address' },
};

/** ChatMessageResponse: one chat message as read back. */
export const chatMessageEntity: Entity = {
	id: { type: 'string', required: true, description: 'Message ID' },
	dateCreated: { type: 'string', required: true, description: 'When it was sent (ISO 8601)' },
	dateModified: { type: 'string', description: 'When it was last edited (ISO 8601)' },
	toJid: {
		type: 'string',
		required: true,
		description: 'Recipient JID: the room, or the user of a 1:1 chat',
	},
	jid: { type: 'string', required: true, description: "Sender's JID" },
	body: { type: 'string', required: true, description: 'Message text' },
	mentions: { type: 'object', description: 'Mentioned users (user ID → JID)' },
	edited: { type: 'boolean', description: 'Whether the text was edited' },
	attachmentDeleted: { type: 'boolean', description: 'Whether its attachment was removed' },
	fileUri: { type: 'string', description: 'Address of an attached file' },
	thread: {
		type: 'object',
		required: true,
		properties: { id: { type: 'string', description: 'Thread ID' } },
		description: 'The reply thread of the message (thread.id)',
	},
	parentThread: {
		type: 'object',
		properties: { id: { type: 'string', description: 'Thread ID' } },
		description: 'For a thread reply, the thread it replies in',
	},
	user: { type: 'object', properties: entityRef, description: 'The sender' },
	toUser: { type: 'object', properties: entityRef, description: 'The receiver of a 1:1 message' },
	reactions: {
		type: 'array',
		items: {
			emoji: { type: 'string', required: true, description: 'The emoji' },
			users: {
				type: 'array',
				required: true,
				items: entityRef,
				description: 'Users who reacted with it',
			},
		},
		description: 'Emoji reactions',
	},
};

/**
 * ChatSendMessageResponse (`{ id }`) of Send / Edit, or with Return Full Message the whole
 * message: the message's fields, only `id` always present.
 */
export const sentMessageEntity: Entity = Object.fromEntries(
	Object.entries(chatMessageEntity).map(([name, field]) => [
		name,
		{ ...field, required: name === 'id' },
	]),
);

/** CreateRoomResponse (Room → Create). */
export const createdRoomEntity: Entity = {
	jid: { type: 'string', required: true, description: 'JID of the new room' },
};

/** Room (Room → Get). */
export const roomEntity: Entity = {
	id: { type: 'string', description: 'The room JID (ad-hoc rooms) or the group ID' },
	name: { type: 'string', description: 'Room name' },
	dateCreated: { type: 'string', description: 'When it was created (ISO 8601)' },
	roomType: {
		type: 'string',
		description: 'adhoc, acd, group, oneOnOne or supervisorAssistance',
	},
	description: { type: 'string', description: 'Description' },
	subject: { type: 'string', description: 'Subject' },
	participantLimit: { type: 'integer', description: 'Maximum room size' },
	owners: { type: 'array', items: entityRef, description: 'Room owners' },
	pinnedMessages: { type: 'array', items: entityRef, description: 'Pinned messages (at most 5)' },
	jid: { type: 'string', description: 'Room JID' },
	selfUri: { type: 'string', description: 'API address of the room' },
};

/** RoomParticipant (Room Participant → Get). */
export const roomParticipantEntity: Entity = {
	participantJid: { type: 'string', required: true, description: 'JID of the participant' },
};

/** RoomParticipantResponse (Room Participant → Get Many, one item per member). */
export const roomMemberEntity: Entity = {
	jid: { type: 'string', description: 'JID of the member' },
	user: { type: 'object', properties: entityRef, description: 'The member' },
};

/** OneOnOne (1:1 Chat → Get). */
export const oneOnOneEntity: Entity = {
	pinnedMessages: { type: 'array', items: entityRef, description: 'Pinned messages (at most 5)' },
};
