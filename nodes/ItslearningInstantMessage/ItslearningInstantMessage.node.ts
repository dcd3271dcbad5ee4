import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { TableExecutor } from '../shared/run/router';
import { listSearchMethods } from '../shared/run/listSearch';
import { requestOptionsProperty } from '../shared/editor/requestOptions';
import { buildProperties } from '../shared/editor/properties';
import { sendAndWaitWebhooks, withSendAndWait } from '../shared/editor/sendAndWait';
import { sendAndWaitWebhook } from '../shared/run/sendAndWait';
import { itslearningService } from './ItslearningInstantMessage.service';
import { itslearningListSearch } from './ItslearningInstantMessage.table';

const executor = new TableExecutor(itslearningService);

export class ItslearningInstantMessage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'itslearning Instant Message',
		name: 'itslearningInstantMessage',
		icon: { light: 'file:itslearning.svg', dark: 'file:itslearning.dark.svg' },
		group: ['transform'],
		// 1.1: Simplify is on by default; nodes saved as 1 keep the raw answer. 1.2 (the default for new
		// nodes, the highest version): People, Courses and Projects are lists of pickers ("Add Person");
		// nodes saved as 1 or 1.1 keep one picker with comma-separated IDs.
		version: [1, 1.1, 1.2],
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Send, read and manage itslearning instant messages, threads and participants',
		defaults: { name: 'itslearning Instant Message' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'itslearningOAuth2Api', required: true }],
		// The table's operations, plus Send and Wait for Response (its links are answered by `webhook` below).
		webhooks: sendAndWaitWebhooks,
		properties: withSendAndWait(
			[
				...buildProperties(itslearningService.resources, itslearningService.table),
				requestOptionsProperty,
			],
			itslearningService,
			itslearningService.sendAndWait!,
		),
	};

	methods = {
		listSearch: listSearchMethods(itslearningService, itslearningListSearch),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executor.execute(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await sendAndWaitWebhook(this);
	}
}
