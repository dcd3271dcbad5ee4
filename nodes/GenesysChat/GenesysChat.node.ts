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
import { genesysService } from './GenesysChat.service';
import { genesysListSearch, genesysSupportRows } from './GenesysChat.table';

const executor = new TableExecutor(genesysService);

export class GenesysChat implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Genesys Chat',
		name: 'genesysChat',
		icon: { light: 'file:genesys.svg', dark: 'file:genesys.dark.svg' },
		group: ['transform'],
		// 1.1 (the default for new nodes, the highest version): Simplify is on by default; nodes saved as 1 keep the raw answer.
		version: [1, 1.1],
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Send and manage Genesys Cloud chat rooms, 1:1 messages, threads, pins, reactions and chat settings',
		defaults: { name: 'Genesys Chat' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'genesysCloudOAuth2Api', required: true }],
		// The table's operations, plus Send and Wait for Response (its links are answered by `webhook` below).
		webhooks: sendAndWaitWebhooks,
		properties: withSendAndWait(
			[...buildProperties(genesysService.resources, genesysService.table), requestOptionsProperty],
			genesysService,
			genesysService.sendAndWait!,
		),
	};

	methods = {
		listSearch: listSearchMethods(genesysService, genesysListSearch, genesysSupportRows),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executor.execute(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await sendAndWaitWebhook(this);
	}
}
