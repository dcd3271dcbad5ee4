/**
 * What a service declares for Send and Wait for Response (next to its table), and what the
 * operation's fields (editor/sendAndWait.ts) and its run (run/sendAndWait.ts) share: the custom
 * form's field types and the table row parameter a "Send To" choice names.
 */
import type { INodePropertyOptions } from 'n8n-workflow';

import type { EndpointRow, ParamDef } from './types';

/** One "Send To" choice: where the message goes, through which row of the table. */
export interface SendAndWaitTarget {
	value: string;
	name: string;
	description: string;
	/** sdkMethod of the table row that sends the message. */
	sdkMethod: string;
	/** The row parameter that names the recipient (shown as a required field). */
	param: string;
}

/** What a service adds to the engine for Send and Wait. */
export interface SendAndWaitSpec {
	/** The resource whose operation list offers Send and Wait. */
	resource: string;
	/** The Send To choices (the first is the default). */
	targets: SendAndWaitTarget[];
	/** The row parameter that carries the message text (same name in every target's row). */
	textParam: string;
	/** How links look in the chat: plain URLs on their own lines, or markdown links. */
	links: 'plain' | 'markdown';
	/** What the chat calls the place the message goes to, for the Send To description. */
	sendToDescription: string;
}

export const FIELD_TYPES: INodePropertyOptions[] = [
	{ name: 'Checkboxes', value: 'checkbox' },
	{ name: 'Date', value: 'date' },
	{ name: 'Dropdown List', value: 'dropdown' },
	{ name: 'Email', value: 'email' },
	{ name: 'Number', value: 'number' },
	{ name: 'Password', value: 'password' },
	{ name: 'Radio Buttons', value: 'radio' },
	{ name: 'Text', value: 'text' },
	{ name: 'Textarea', value: 'textarea' },
];
export const CHOICE_TYPES = ['checkbox', 'dropdown', 'radio'];

/** The table row parameter a Send To choice names (a clear error when the table lacks it). */
export function targetParam(table: EndpointRow[], target: SendAndWaitTarget): ParamDef {
	const row = table.find((r) => r.sdkMethod === target.sdkMethod);
	const param = row?.params.find((p) => p.name === target.param);
	if (!row || !param)
		throw new Error(
			`Send and Wait target ${target.value}: ${target.sdkMethod}.${target.param} is not in the table`,
		);
	return param;
}
