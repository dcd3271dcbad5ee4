import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { itslearningService } from '../ItslearningInstantMessage/ItslearningInstantMessage.service';
import {
	itslearningListSearch,
	threadId,
	threadLocator,
} from '../ItslearningInstantMessage/ItslearningInstantMessage.table';
import { locatorListProperty } from '../shared/editor/properties';
import { listSearchMethods } from '../shared/run/listSearch';
import { exclusivePoll } from '../shared/run/poll';
import { pollItslearning } from './ItslearningInstantMessageTrigger.poll';

export class ItslearningInstantMessageTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'itslearning Instant Message Trigger',
		name: 'itslearningInstantMessageTrigger',
		icon: { light: 'file:itslearning.svg', dark: 'file:itslearning.dark.svg' },
		group: ['trigger'],
		// Version 2: threads are picked from a list or entered by ID; version 1 keeps the comma-separated text field.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["event"] }}',
		description:
			'Starts the workflow when itslearning instant messages arrive or unread counts change',
		defaults: { name: 'itslearning Instant Message Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'itslearningOAuth2Api', required: true }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				default: 'newMessage',
				options: [
					{
						name: 'New Message',
						value: 'newMessage',
						description:
							'Every message that arrived since the last poll, in any thread or in the chosen threads',
					},
					{
						name: 'Starred Count Changed',
						value: 'starredCountChanged',
						description: 'The number of messages the user has starred went up or down',
					},
					{
						name: 'Thread Unread Count Changed',
						value: 'threadUnreadCountChanged',
						description:
							'The number of unread messages in one of the chosen threads went up or down',
					},
					{
						name: 'Unread Count Changed',
						value: 'unreadCountChanged',
						description: 'The number of threads with unread messages went up or down',
					},
				],
			},
			{
				displayName: 'Thread IDs',
				name: 'threadIds',
				type: 'string',
				default: '',
				placeholder: '12345, 67890',
				description:
					'Comma-separated IDs of the threads to watch. Leave empty to watch all threads.',
				displayOptions: { show: { event: ['newMessage'], '@version': [1] } },
			},
			{
				displayName: 'Thread IDs',
				name: 'threadIds',
				type: 'string',
				required: true,
				default: '',
				placeholder: '12345, 67890',
				description: 'Comma-separated IDs of the threads to watch',
				displayOptions: { show: { event: ['threadUnreadCountChanged'], '@version': [1] } },
			},
			{
				...locatorListProperty(threadId, threadLocator, {
					name: 'threads',
					displayName: 'Threads',
					placeholder: 'Add Thread',
					description: 'The threads to watch. Leave empty to watch all threads.',
				}),
				displayOptions: { show: { event: ['newMessage'], '@version': [{ _cnd: { gte: 2 } }] } },
			},
			{
				...locatorListProperty(threadId, threadLocator, {
					name: 'threads',
					displayName: 'Threads',
					placeholder: 'Add Thread',
					description: 'The threads to watch (at least one)',
				}),
				displayOptions: {
					show: { event: ['threadUnreadCountChanged'], '@version': [{ _cnd: { gte: 2 } }] },
				},
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				displayOptions: { show: { event: ['newMessage'] } },
				options: [
					{
						displayName: 'Include My Own Messages',
						name: 'includeOwnMessages',
						type: 'boolean',
						default: false,
						description: 'Whether to emit the messages the connected user sent as well',
					},
					{
						displayName: 'Mark as Read',
						name: 'markAsRead',
						type: 'boolean',
						default: false,
						description:
							'Whether to mark each thread as read up to its newest emitted message (Unread → Mark as Read)',
					},
				],
			},
		],
	};

	methods = {
		listSearch: listSearchMethods(itslearningService, itslearningListSearch),
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await exclusivePoll(this, async () => await pollItslearning(this));
	}
}
