/**
 * The Send and Wait for Response operation in n8n's editor: its webhooks (the answer links), the
 * operation in the resource's list and its fields (Send To, Message, Response Type, approval and
 * form options, wait limit), all shown for the operation as n8n's Human Review tool needs.
 * run/sendAndWait.ts sends the message, waits and serves the answer pages.
 */
import {
	SEND_AND_WAIT_OPERATION,
	type IDisplayOptions,
	type INodeProperties,
	type INodePropertyOptions,
	type IWebhookDescription,
} from 'n8n-workflow';

import type { ServiceDefinition } from '../table/service';
import { CHOICE_TYPES, FIELD_TYPES, targetParam, type SendAndWaitSpec } from '../table/sendAndWait';
import { topProperties } from './properties';

export const sendAndWaitWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'GET',
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
];

const OPERATION_OPTION: INodePropertyOptions = {
	name: 'Send and Wait for Response',
	value: SEND_AND_WAIT_OPERATION,
	description:
		'Send a message with a link to answer and pause the workflow until someone answers (approve or decline, free text or a form)',
	action: 'Send a message and wait for response',
};

function formProperties(): INodeProperties[] {
	return [
		{
			displayName: 'Define Form',
			name: 'defineForm',
			type: 'options',
			noDataExpression: true,
			default: 'fields',
			description: 'How the form fields are given',
			options: [
				{ name: 'Using Fields Below', value: 'fields' },
				{ name: 'Using JSON', value: 'json' },
			],
			displayOptions: { show: { responseType: ['customForm'] } },
		},
		{
			displayName: 'Form Fields (JSON)',
			name: 'jsonOutput',
			type: 'json',
			typeOptions: { rows: 5 },
			default: '[\n  {\n    "fieldLabel": "Name",\n    "requiredField": true\n  }\n]',
			description:
				'A JSON array of fields, each with fieldLabel, fieldType (text, textarea, number, email, password, date, dropdown, radio, checkbox), requiredField, placeholder and, for choices, fieldOptions: {"values": [{"option": "A"}]}',
			displayOptions: { show: { responseType: ['customForm'], defineForm: ['json'] } },
		},
		{
			displayName: 'Form Fields',
			name: 'formFields',
			placeholder: 'Add Form Field',
			type: 'fixedCollection',
			default: {},
			typeOptions: { multipleValues: true, sortable: true },
			description:
				'The fields of the form the link opens; the answer holds one key per field label',
			displayOptions: { show: { responseType: ['customForm'], defineForm: ['fields'] } },
			options: [
				{
					displayName: 'Values',
					name: 'values',
					values: [
						{
							displayName: 'Field Label',
							name: 'fieldLabel',
							type: 'string',
							default: '',
							placeholder: 'e.g. What is your name?',
							description: 'Label of the field, also its key in the answer',
							required: true,
						},
						{
							displayName: 'Field Options',
							name: 'fieldOptions',
							placeholder: 'Add Field Option',
							type: 'fixedCollection',
							default: { values: [{ option: '' }] },
							typeOptions: { multipleValues: true, sortable: true },
							description: 'The choices of the field',
							displayOptions: { show: { fieldType: CHOICE_TYPES } },
							options: [
								{
									displayName: 'Values',
									name: 'values',
									values: [
										{
											displayName: 'Option',
											name: 'option',
											type: 'string',
											default: '',
											description: 'One choice',
										},
									],
								},
							],
						},
						{
							displayName: 'Field Type',
							name: 'fieldType',
							type: 'options',
							default: 'text',
							description: 'The type of field',
							options: FIELD_TYPES,
						},
						{
							displayName: 'Placeholder',
							name: 'placeholder',
							type: 'string',
							default: '',
							description: 'Sample text shown in the empty field',
							displayOptions: { hide: { fieldType: [...CHOICE_TYPES, 'date'] } },
						},
						{
							displayName: 'Required Field',
							name: 'requiredField',
							type: 'boolean',
							default: false,
							description: 'Whether the form can only be sent with this field filled in',
						},
					],
				},
			],
		},
	];
}

const limitWaitTime: INodeProperties = {
	displayName: 'Limit Wait Time',
	name: 'limitWaitTime',
	type: 'fixedCollection',
	description:
		'Whether to stop waiting after a while: the node then passes its input items on unchanged, without an answer',
	default: { values: { limitType: 'afterTimeInterval', resumeAmount: 45, resumeUnit: 'minutes' } },
	options: [
		{
			displayName: 'Values',
			name: 'values',
			values: [
				{
					displayName: 'Limit Type',
					name: 'limitType',
					type: 'options',
					default: 'afterTimeInterval',
					description: 'Stop waiting after a time interval or at a date and time',
					options: [
						{
							name: 'After Time Interval',
							value: 'afterTimeInterval',
							description: 'Waits for a certain amount of time',
						},
						{
							name: 'At Specified Time',
							value: 'atSpecifiedTime',
							description: 'Waits until a date and time',
						},
					],
				},
				{
					displayName: 'Amount',
					name: 'resumeAmount',
					type: 'number',
					typeOptions: { minValue: 0, numberPrecision: 2 },
					default: 1,
					description: 'How long to wait',
					displayOptions: { show: { limitType: ['afterTimeInterval'] } },
				},
				{
					displayName: 'Unit',
					name: 'resumeUnit',
					type: 'options',
					default: 'hours',
					description: 'Unit of the amount',
					options: [
						{ name: 'Minutes', value: 'minutes' },
						{ name: 'Hours', value: 'hours' },
						{ name: 'Days', value: 'days' },
					],
					displayOptions: { show: { limitType: ['afterTimeInterval'] } },
				},
				{
					displayName: 'Max Date and Time',
					name: 'maxDateAndTime',
					type: 'dateTime',
					default: '',
					description: 'When to stop waiting',
					displayOptions: { show: { limitType: ['atSpecifiedTime'] } },
				},
			],
		},
	],
};

/** The fields of the Send and Wait operation, all shown for it (as the Human Review tool needs). */
function sendAndWaitProperties(
	service: ServiceDefinition,
	spec: SendAndWaitSpec,
): INodeProperties[] {
	const show = { resource: [spec.resource], operation: [SEND_AND_WAIT_OPERATION] };
	const withShow = (extra: IDisplayOptions['show'] = {}) => ({
		displayOptions: { show: { ...show, ...extra } },
	});
	const properties: INodeProperties[] = [
		{
			displayName: 'Send To',
			name: 'sendTo',
			type: 'options',
			noDataExpression: true,
			default: '',
			required: true,
			description: spec.sendToDescription,
			options: spec.targets.map((t) => ({
				name: t.name,
				value: t.value,
				description: t.description,
			})),
			...withShow(),
		},
	];
	// A new operation: no saved workflow to keep working, so Send To has a real default.
	properties[0].default = spec.targets[0].value;
	for (const target of spec.targets) {
		const param = targetParam(service.table, target);
		properties.push(
			...topProperties(
				{ ...param, required: true },
				{ ...show, sendTo: [target.value] },
				{ required: true },
			),
		);
	}
	properties.push(
		{
			displayName: 'Message',
			name: 'message',
			type: 'string',
			default: '',
			required: true,
			typeOptions: { rows: 4 },
			description: 'The question; the link(s) to answer are added below it',
			...withShow(),
		},
		{
			displayName: 'Response Type',
			name: 'responseType',
			type: 'options',
			noDataExpression: true,
			default: 'approval',
			description: 'How the person answers',
			options: [
				{
					name: 'Approval',
					value: 'approval',
					description: 'Approve (or approve and decline) links',
				},
				{ name: 'Free Text', value: 'freeText', description: 'A link to a page with a text box' },
				{
					name: 'Custom Form',
					value: 'customForm',
					description: 'A link to a page with the form fields set below',
				},
			],
			...withShow(),
		},
		{
			displayName: 'Approval Options',
			name: 'approvalOptions',
			type: 'fixedCollection',
			placeholder: 'Add Option',
			default: {},
			description: 'The answers offered and their labels',
			options: [
				{
					displayName: 'Values',
					name: 'values',
					values: [
						{
							displayName: 'Type of Approval',
							name: 'approvalType',
							type: 'options',
							default: 'single',
							description: 'One approve link, or approve and decline links',
							options: [
								{ name: 'Approve Only', value: 'single' },
								{ name: 'Approve and Decline', value: 'double' },
							],
						},
						{
							displayName: 'Approve Button Label',
							name: 'approveLabel',
							type: 'string',
							default: 'Approve',
							description: 'Label of the approve link',
						},
						{
							displayName: 'Decline Button Label',
							name: 'disapproveLabel',
							type: 'string',
							default: 'Decline',
							description: 'Label of the decline link',
							displayOptions: { show: { approvalType: ['double'] } },
						},
					],
				},
			],
			...withShow({ responseType: ['approval'] }),
		},
		...formProperties().map((p) => ({
			...p,
			displayOptions: { show: { ...show, ...p.displayOptions!.show } },
		})),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			description: 'Optional settings of the wait and of the answer page',
			options: [
				limitWaitTime,
				{
					displayName: 'Message Button Label',
					name: 'messageButtonLabel',
					type: 'string',
					default: 'Respond',
					description: 'Label of the link in the message',
					displayOptions: { show: { '/responseType': ['freeText', 'customForm'] } },
				},
				{
					displayName: 'Response Form Title',
					name: 'responseFormTitle',
					type: 'string',
					default: '',
					description: 'Title of the answer page',
					displayOptions: { show: { '/responseType': ['freeText', 'customForm'] } },
				},
				{
					displayName: 'Response Form Description',
					name: 'responseFormDescription',
					type: 'string',
					default: '',
					description: 'Text shown above the form (default: the message)',
					displayOptions: { show: { '/responseType': ['freeText', 'customForm'] } },
				},
				{
					displayName: 'Response Form Button Label',
					name: 'responseFormButtonLabel',
					type: 'string',
					default: 'Submit',
					description: 'Label of the button that sends the answer',
					displayOptions: { show: { '/responseType': ['freeText', 'customForm'] } },
				},
			],
			...withShow(),
		},
	);
	return properties;
}

/**
 * The node's properties with Send and Wait added: the operation in the resource's operation list
 * (before the deprecated ones, in A–Z order of the action text) and its fields after the table's.
 */
export function withSendAndWait(
	properties: INodeProperties[],
	service: ServiceDefinition,
	spec: SendAndWaitSpec,
): INodeProperties[] {
	const result = properties.map((property) => {
		const resources = property.displayOptions?.show?.resource;
		if (
			property.name !== 'operation' ||
			!Array.isArray(resources) ||
			resources[0] !== spec.resource
		)
			return property;
		const options = [...((property.options ?? []) as INodePropertyOptions[])];
		// Sorted as the table's operations are: by the action text the node panel shows.
		const at = options.findIndex(
			(o) =>
				o.name.endsWith('(Deprecated)') ||
				String(o.action ?? o.name).localeCompare(String(OPERATION_OPTION.action), 'en', {
					sensitivity: 'base',
				}) > 0,
		);
		options.splice(at === -1 ? options.length : at, 0, OPERATION_OPTION);
		return { ...property, options };
	});
	const tail = result.findIndex((p) => p.name === 'requestOptions');
	result.splice(tail === -1 ? result.length : tail, 0, ...sendAndWaitProperties(service, spec));
	return result;
}
