import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { genesysService } from '../GenesysChat/GenesysChat.service';
import {
	genesysListSearch,
	genesysSupportRows,
	roomJid,
	roomLocator,
	userId,
	userLocator,
} from '../GenesysChat/GenesysChat.table';
import { locatorListProperty } from '../shared/editor/properties';
import { listSearchMethods } from '../shared/run/listSearch';
import { exclusivePoll } from '../shared/run/poll';
import { pollGenesys } from './GenesysChatTrigger.poll';

export class GenesysChatTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Genesys Chat Trigger',
		name: 'genesysChatTrigger',
		icon: { light: 'file:genesys.svg', dark: 'file:genesys.dark.svg' },
		group: ['trigger'],
		// Version 2: rooms and users are picked from a list or entered by ID; version 1 keeps the comma-separated text fields.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["event"] }}',
		description:
			'Starts the workflow when new Genesys Cloud chat messages arrive in rooms or 1:1 chats',
		defaults: { name: 'Genesys Chat Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'genesysCloudOAuth2Api', required: true }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				default: 'newMessageAnyChat',
				options: [
					{
						name: 'New 1:1 Message',
						value: 'newOneOnOneMessage',
						// n8n's node panel shows an event's action text, else "On " + the name with its punctuation dropped ("new 1 1 message")
						action: 'On new 1:1 message',
						description: 'New messages in the 1:1 chats with the chosen users',
					},
					{
						name: 'New Message in Any Chat',
						value: 'newMessageAnyChat',
						action: 'On new message in any chat',
						description: 'New messages in every room and 1:1 chat of the connected user',
					},
					{
						name: 'New Room Message',
						value: 'newRoomMessage',
						action: 'On new room message',
						description: 'New messages in the chosen rooms',
					},
				],
			},
			{
				displayName: 'Room JIDs',
				name: 'roomJids',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'adhoc-1234@conference.example.orgspan.com',
				description: 'Comma-separated JIDs of the rooms to watch',
				displayOptions: { show: { event: ['newRoomMessage'], '@version': [1] } },
			},
			{
				displayName: 'User IDs',
				name: 'userIds',
				type: 'string',
				required: true,
				default: '',
				placeholder: '3f6e1c2a-8b4d-4a7e-9c1f-2d5b6a7c8e90',
				description: 'Comma-separated user IDs (GUIDs) of the people whose 1:1 chats to watch',
				displayOptions: { show: { event: ['newOneOnOneMessage'], '@version': [1] } },
			},
			{
				...locatorListProperty(roomJid, roomLocator, {
					name: 'rooms',
					displayName: 'Rooms',
					placeholder: 'Add Room',
					description: 'The rooms to watch (at least one)',
				}),
				displayOptions: { show: { event: ['newRoomMessage'], '@version': [{ _cnd: { gte: 2 } }] } },
			},
			{
				...locatorListProperty(userId, userLocator, {
					name: 'users',
					displayName: 'Users',
					placeholder: 'Add User',
					description: 'The people whose 1:1 chats to watch (at least one)',
				}),
				displayOptions: {
					show: { event: ['newOneOnOneMessage'], '@version': [{ _cnd: { gte: 2 } }] },
				},
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Include My Own Messages',
						name: 'includeOwnMessages',
						type: 'boolean',
						default: false,
						description: 'Whether to emit the messages the connected user sent as well',
					},
				],
			},
		],
	};

	methods = {
		listSearch: listSearchMethods(genesysService, genesysListSearch, genesysSupportRows),
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await exclusivePoll(this, async () => await pollGenesys(this));
	}
}
