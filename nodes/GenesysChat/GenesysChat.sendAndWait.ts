/**
 * Send and Wait for Response on Genesys Cloud chat: the message goes to a room or to a user (1:1)
 * through the table's Room Message → Send / User Message → Send rows; Genesys chat renders
 * markdown, so the links are markdown links labelled with the buttons' labels.
 */
import type { SendAndWaitSpec } from '../shared/table/sendAndWait';

export const genesysSendAndWait: SendAndWaitSpec = {
	resource: 'message',
	sendToDescription: 'Where the question goes: a chat room, or a 1:1 chat with a user',
	targets: [
		{
			value: 'user',
			name: 'User (1:1)',
			description: 'Ask one person in the 1:1 chat with them',
			sdkMethod: 'postChatsUserMessages',
			param: 'userId',
		},
		{
			value: 'room',
			name: 'Room',
			description: 'Ask in a chat room',
			sdkMethod: 'postChatsRoomMessages',
			param: 'roomJid',
		},
	],
	textParam: 'message',
	links: 'markdown',
};
