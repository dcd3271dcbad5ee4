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
