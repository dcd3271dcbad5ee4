/**
 * Send and Wait for Response: the run of the operation n8n's own chat nodes have (Slack,
 * Teams, Telegram, …), written for this pack (a community node cannot import n8n-nodes-base).
 *
 * - `execute`: sends ONE message (item 0, as n8n's nodes do) through the service's own send row of
 *   the endpoint table, carrying the link(s) to answer, then puts the execution to wait
 *   (`putExecutionToWait`, until the optional time limit) and returns its input items.
 * - `webhook`: answers the link. Approval: GET shows a confirmation page (a chat's link preview
 *   must not approve anything), its POST resumes with `{ data: { approved } }`. Free Text and
 *   Custom Form: GET shows the form, POST resumes with `{ data: { text } }` or
 *   `{ data: { <field label>: value, … } }`.
 * - Links are signed where n8n signs them: n8n 2.x checks the signature of waiting webhooks of a
 *   `sendAndWait` operation (`getSignedResumeUrl`); n8n 1.x (1.1xx) checks it when the node calls
 *   `setSignatureValidationRequired()`. Both are feature-detected.
 * - The operation's fields are editor/sendAndWait.ts's; what a service declares for it is
 *   table/sendAndWait.ts's.
 */
import {
	NodeApiError,
	NodeOperationError,
	WAIT_INDEFINITELY,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { buildRequest, type ParamValues } from '../http/request';
import { Transport } from '../http/transport';
import { CHOICE_TYPES, FIELD_TYPES, targetParam, type SendAndWaitSpec } from '../table/sendAndWait';
import type { ServiceDefinition } from '../table/service';
import { coerce, invalidMessage, isUnset, type Fail } from '../table/validate';
import { readTopValue } from './fields';
import { readLimits } from './readOptions';

type ResponseType = 'approval' | 'freeText' | 'customForm';

// ── Execute: send the message with the links, then wait ─────────────────────────────────────────

interface Link {
	label: string;
	url: string;
}

/** Only what n8n's signed URL and the node id need: no `process`, no globals. */
interface ResumeUrlFunctions {
	getSignedResumeUrl?(parameters?: Record<string, string>): string;
	setSignatureValidationRequired?(): void;
}

function resumeUrl(ctx: IExecuteFunctions, query: Record<string, string>): string {
	const signing = ctx as unknown as ResumeUrlFunctions;
	if (typeof signing.getSignedResumeUrl === 'function')
		return signing.getSignedResumeUrl.call(ctx, query);
	// Older n8n: the unsigned resume URL of the execution plus the node id (the webhook path).
	const base = String(ctx.evaluateExpression('{{ $execution?.resumeUrl }}', 0));
	const url = new URL(`${base}/${encodeURIComponent(ctx.getNode().id)}`);
	for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
	return url.toString();
}

function text(value: unknown, fallback: string): string {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}

function answerLinks(ctx: IExecuteFunctions): Link[] {
	const responseType = ctx.getNodeParameter('responseType', 0, 'approval') as ResponseType;
	if (responseType === 'freeText' || responseType === 'customForm') {
		return [
			{
				label: text(ctx.getNodeParameter('options.messageButtonLabel', 0, 'Respond'), 'Respond'),
				url: resumeUrl(ctx, {}),
			},
		];
	}
	const approval = ctx.getNodeParameter('approvalOptions.values', 0, {}) as IDataObject;
	const links = [
		{ label: text(approval.approveLabel, 'Approve'), url: resumeUrl(ctx, { approved: 'true' }) },
	];
	if (approval.approvalType === 'double')
		links.push({
			label: text(approval.disapproveLabel, 'Decline'),
			url: resumeUrl(ctx, { approved: 'false' }),
		});
	return links;
}

/** Markdown link text: brackets and backslashes escaped so a label cannot end the link. */
const markdownLabel = (label: string) => label.replace(/[\\[\]]/g, (c) => `\\${c}`);

/** The chat message: the text, then the links (plain URLs on their own lines, or markdown links). */
function composeMessage(message: string, links: Link[], style: 'plain' | 'markdown'): string {
	const body = message.replace(/\\n/g, '\n').trim();
	const lines =
		style === 'markdown'
			? [links.map((l) => `[${markdownLabel(l.label)}](${l.url})`).join('   ')]
			: links.map((l) => `${l.label}: ${l.url}`);
	return `${body}\n\n${lines.join('\n')}`;
}

/** When the wait ends without an answer (WAIT_INDEFINITELY without a limit). */
export function waitTill(ctx: IExecuteFunctions): Date {
	const limit = ctx.getNodeParameter('options.limitWaitTime.values', 0, {}) as IDataObject;
	if (!limit || Object.keys(limit).length === 0) return WAIT_INDEFINITELY;
	const fail = (reason: string): never => {
		throw new NodeOperationError(
			ctx.getNode(),
			`Invalid value for "Limit Wait Time" (limitWaitTime): ${reason}`,
			{ itemIndex: 0 },
		);
	};
	if ((limit.limitType ?? 'afterTimeInterval') === 'afterTimeInterval') {
		const amount = Number(limit.resumeAmount ?? 1);
		const unit = { minutes: 60, hours: 3600, days: 86400 }[String(limit.resumeUnit ?? 'hours')];
		if (!Number.isFinite(amount) || amount < 0)
			fail(`the amount must be a number of 0 or more, got ${String(limit.resumeAmount)}`);
		if (!unit) fail(`unknown unit ${String(limit.resumeUnit)}`);
		return new Date(Date.now() + amount * unit! * 1000);
	}
	const at = new Date(String(limit.maxDateAndTime ?? ''));
	if (Number.isNaN(at.getTime()))
		fail(`"Max Date and Time" is not a date: ${String(limit.maxDateAndTime)}`);
	return at;
}

function asNodeError(ctx: IExecuteFunctions, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= 0;
		return error;
	}
	return new NodeOperationError(
		ctx.getNode(),
		error instanceof Error ? error.message : String(error),
		{ itemIndex: 0 },
	);
}

/** Only what tells how an AI agent runs the node as a tool: no `process`, no globals. */
interface ToolCallFunctions {
	isToolExecution?(): boolean;
	connectionType?: unknown;
}

/**
 * Whether the node runs inside a tool call of its caller (n8n-core's SupplyDataContext, e.g. an
 * AI Agent before version 3): the caller takes the node's return value as the tool's answer at
 * once, so a wait there cannot bring the person's answer back to it. An AI Agent 3+ asks n8n to
 * run the tool as a node of the execution instead (an ExecuteContext): there the execution waits
 * and the person's answer becomes the tool's result.
 * n8n 2.x says so (`isToolExecution`); n8n 1.x's SupplyDataContext has no such method but carries
 * its connection type (`ai_tool`).
 */
function isInlineToolCall(ctx: IExecuteFunctions): boolean {
	const context = ctx as unknown as ToolCallFunctions;
	if (typeof context.isToolExecution === 'function') return context.isToolExecution.call(ctx);
	return context.connectionType === 'ai_tool';
}

/** Sends the message (for the first item) and puts the execution to wait; returns the input items. */
export async function executeSendAndWait(
	ctx: IExecuteFunctions,
	service: ServiceDefinition,
	spec: SendAndWaitSpec,
): Promise<INodeExecutionData[][]> {
	if (isInlineToolCall(ctx)) {
		throw new NodeOperationError(
			ctx.getNode(),
			'Send and Wait for Response cannot run in this tool call: the caller would not get the answer',
			{
				itemIndex: 0,
				description:
					'Connect this tool to an AI Agent of version 3 or later (it runs the tool as a step of the workflow, waits, and gives the answer to the agent), or, on n8n 2.x, use the Human Review tool of this node to gate another tool.',
			},
		);
	}
	const transport = await Transport.open(ctx, service, undefined, readLimits(ctx));
	try {
		const fail: Fail = (param, reason) => {
			throw new NodeOperationError(ctx.getNode(), invalidMessage(param, reason), {
				itemIndex: 0,
				description: param.description,
			});
		};
		const sendTo = ctx.getNodeParameter('sendTo', 0, spec.targets[0].value) as string;
		const target = spec.targets.find((t) => t.value === sendTo);
		if (!target) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Invalid value for "Send To" (sendTo): ${JSON.stringify(sendTo)}`,
				{
					itemIndex: 0,
					description: `Options: ${spec.targets.map((t) => t.name).join(', ')}`,
				},
			);
		}
		const row = service.table.find((r) => r.sdkMethod === target.sdkMethod)!;
		const param = targetParam(service.table, target);
		const raw = readTopValue(ctx, param, 0, fail);
		if (isUnset(raw)) fail(param, 'a value is required');
		const message = ctx.getNodeParameter('message', 0, '') as string;
		if (typeof message !== 'string' || message.trim() === '') {
			throw new NodeOperationError(
				ctx.getNode(),
				'Invalid value for "Message" (message): a value is required',
				{ itemIndex: 0 },
			);
		}
		// Before sending: a bad time limit must not leave a message nobody can answer.
		const until = waitTill(ctx);
		const signing = ctx as unknown as ResumeUrlFunctions;
		// n8n 1.x: the webhook then refuses a link without a valid signature (2.x checks it for this operation itself).
		if (typeof signing.setSignatureValidationRequired === 'function')
			signing.setSignatureValidationRequired.call(ctx);
		const values: ParamValues = new Map();
		values.set(param.name, coerce(param, raw, fail, { timezone: ctx.getTimezone() }));
		values.set(spec.textParam, composeMessage(message, answerLinks(ctx), spec.links));
		await transport.send(row, buildRequest(row, values), 0);
		await ctx.putExecutionToWait(until);
	} catch (error) {
		throw transport.redactError(asNodeError(ctx, error));
	}
	return [ctx.getInputData()];
}

// ── Webhook: the pages behind the links ─────────────────────────────────────────────────────────

const escapeHtml = (value: string) =>
	value.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
	);

/** A small self-contained page (no script, no external resource). */
function page(title: string, body: string): string {
	return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f5f5f7;color:#222;margin:0;padding:2rem 1rem}
main{max-width:34rem;margin:0 auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 4px rgba(0,0,0,.1)}
h1{font-size:1.3rem;margin-top:0}p.message{white-space:pre-wrap}label{display:block;font-weight:600;margin:1rem 0 .3rem}
input[type=text],input[type=email],input[type=number],input[type=password],input[type=date],textarea,select{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #bbb;border-radius:4px;font:inherit}
.choice{font-weight:400;margin:.2rem 0}.choice input{margin-right:.4rem}button{margin-top:1.2rem;padding:.6rem 1.4rem;border:0;border-radius:4px;background:#2a6ed8;color:#fff;font:inherit;cursor:pointer}
.error{color:#b00020}
</style></head><body><main>${body}</main></body></html>`;
}

interface FormField {
	fieldLabel: string;
	fieldType: string;
	requiredField: boolean;
	placeholder: string;
	options: string[];
}

/** The custom form's fields from the node (fields or JSON), checked. */
function formFields(ctx: IWebhookFunctions): FormField[] {
	const defineForm = ctx.getNodeParameter('defineForm', 'fields') as string;
	let raw: unknown;
	if (defineForm === 'json') {
		const json = ctx.getNodeParameter('jsonOutput', '[]') as unknown;
		try {
			raw = typeof json === 'string' ? JSON.parse(json) : json;
		} catch {
			throw new NodeOperationError(
				ctx.getNode(),
				'Invalid value for "Form Fields (JSON)" (jsonOutput): not valid JSON',
			);
		}
	} else {
		raw = ctx.getNodeParameter('formFields.values', []);
	}
	if (!Array.isArray(raw))
		throw new NodeOperationError(
			ctx.getNode(),
			'Invalid value for "Form Fields (JSON)" (jsonOutput): expected a JSON array of fields',
		);
	const types = new Set(FIELD_TYPES.map((t) => t.value as string));
	return raw.map((entry: IDataObject, i) => {
		const label = typeof entry?.fieldLabel === 'string' ? entry.fieldLabel.trim() : '';
		if (!label) throw new NodeOperationError(ctx.getNode(), `Form field ${i + 1} has no label`);
		const fieldType =
			typeof entry.fieldType === 'string' && types.has(entry.fieldType) ? entry.fieldType : 'text';
		const options = ((entry.fieldOptions as IDataObject | undefined)?.values ??
			[]) as IDataObject[];
		return {
			fieldLabel: label,
			fieldType,
			requiredField: entry.requiredField === true,
			placeholder: typeof entry.placeholder === 'string' ? entry.placeholder : '',
			options: Array.isArray(options)
				? options.map((o) => String(o?.option ?? '')).filter((o) => o !== '')
				: [],
		};
	});
}

function fieldHtml(field: FormField, index: number, value: unknown): string {
	const name = `field-${index}`;
	const required = field.requiredField ? ' required' : '';
	const label = `${escapeHtml(field.fieldLabel)}${field.requiredField ? ' *' : ''}`;
	const placeholder = field.placeholder ? ` placeholder="${escapeHtml(field.placeholder)}"` : '';
	const current = typeof value === 'string' ? value : '';
	const chosen = new Set(Array.isArray(value) ? value.map(String) : current ? [current] : []);
	switch (field.fieldType) {
		case 'textarea':
			return `<label for="${name}">${label}</label><textarea id="${name}" name="${name}" rows="5"${placeholder}${required}>${escapeHtml(current)}</textarea>`;
		case 'dropdown':
			return `<label for="${name}">${label}</label><select id="${name}" name="${name}"${required}><option value=""></option>${field.options
				.map((o) => `<option${chosen.has(o) ? ' selected' : ''}>${escapeHtml(o)}</option>`)
				.join('')}</select>`;
		case 'radio':
		case 'checkbox': {
			const type = field.fieldType === 'radio' ? 'radio' : 'checkbox';
			const choices = field.options
				.map(
					(o) =>
						`<label class="choice"><input type="${type}" name="${name}" value="${escapeHtml(o)}"${chosen.has(o) ? ' checked' : ''}>${escapeHtml(o)}</label>`,
				)
				.join('');
			return `<fieldset style="border:0;padding:0"><label>${label}</label>${choices}</fieldset>`;
		}
		default:
			return `<label for="${name}">${label}</label><input id="${name}" name="${name}" type="${field.fieldType}" value="${escapeHtml(current)}"${placeholder}${required}>`;
	}
}

function formPage(
	ctx: IWebhookFunctions,
	fields: FormField[],
	values: IDataObject = {},
	error?: string,
): string {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const title = text(options.responseFormTitle, 'Your answer');
	const description = text(
		options.responseFormDescription,
		String(ctx.getNodeParameter('message', '')).replace(/\\n/g, '\n'),
	);
	const button = text(options.responseFormButtonLabel, 'Submit');
	return page(
		title,
		`<h1>${escapeHtml(title)}</h1><p class="message">${escapeHtml(description)}</p>${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}` +
			`<form method="post" action="" enctype="multipart/form-data">${fields.map((f, i) => fieldHtml(f, i, values[`field-${i}`])).join('')}` +
			`<button type="submit">${escapeHtml(button)}</button></form>`,
	);
}

const RECORDED_PAGE = page(
	'Answer recorded',
	'<h1>Got it, thanks</h1><p>Your answer was recorded. This page can be closed now.</p>',
);

/**
 * The submitted form fields. The pages post multipart/form-data (n8n 2.x refuses anything else for
 * a custom form); n8n parses it into `{ data: fields, files }`. A urlencoded body arrives as the
 * fields themselves, an unparsed one as text.
 */
function formBody(ctx: IWebhookFunctions): IDataObject {
	const body = ctx.getBodyData() as unknown;
	const parsed = body as IDataObject | undefined;
	if (
		parsed &&
		typeof parsed === 'object' &&
		'files' in parsed &&
		parsed.data &&
		typeof parsed.data === 'object' &&
		!Array.isArray(parsed.data)
	)
		return parsed.data as IDataObject;
	if (typeof body === 'string') return Object.fromEntries(new URLSearchParams(body)) as IDataObject;
	if (Buffer.isBuffer(body))
		return Object.fromEntries(new URLSearchParams(body.toString('utf8'))) as IDataObject;
	return body && typeof body === 'object' ? (body as IDataObject) : {};
}

function send(ctx: IWebhookFunctions, status: number, html: string): void {
	const res = ctx.getResponseObject();
	res.status(status);
	res.setHeader('Content-Type', 'text/html; charset=utf-8');
	res.setHeader('Cache-Control', 'no-store');
	res.setHeader('X-Frame-Options', 'DENY');
	res.setHeader('Referrer-Policy', 'no-referrer');
	res.setHeader(
		'Content-Security-Policy',
		"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
	);
	res.end(html);
}

function answered(ctx: IWebhookFunctions, data: IDataObject): IWebhookResponseData {
	send(ctx, 200, RECORDED_PAGE);
	// respondedAt last, so that a form field of that name cannot replace it (as n8n 2.x does).
	return {
		noWebhookResponse: true,
		workflowData: [[{ json: { data: { ...data, respondedAt: new Date().toISOString() } } }]],
	};
}

function shown(ctx: IWebhookFunctions, status: number, html: string): IWebhookResponseData {
	send(ctx, status, html);
	return { noWebhookResponse: true };
}

/** Answers a request to the link: the page (GET) or the answer that resumes the execution (POST). */
export async function sendAndWaitWebhook(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const method = ctx.getRequestObject().method;
	const responseType = ctx.getNodeParameter('responseType', 'approval') as ResponseType;
	if (method !== 'GET' && method !== 'POST')
		return shown(ctx, 405, page('Not allowed', '<h1>Not allowed</h1>'));

	if (responseType === 'freeText') {
		const field: FormField = {
			fieldLabel: 'Response',
			fieldType: 'textarea',
			requiredField: true,
			placeholder: '',
			options: [],
		};
		if (method === 'GET') return shown(ctx, 200, formPage(ctx, [field]));
		const body = formBody(ctx);
		const value = body['field-0'];
		if (typeof value !== 'string' || value.trim() === '')
			return shown(ctx, 400, formPage(ctx, [field], body, 'Please fill in "Response".'));
		return answered(ctx, { text: value });
	}

	if (responseType === 'customForm') {
		const fields = formFields(ctx);
		if (method === 'GET') return shown(ctx, 200, formPage(ctx, fields));
		const body = formBody(ctx);
		const data: IDataObject = {};
		for (const [i, field] of fields.entries()) {
			const raw = body[`field-${i}`];
			const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
				.map(String)
				.filter((v) => v !== '');
			if (field.requiredField && list.length === 0)
				return shown(
					ctx,
					400,
					formPage(ctx, fields, body, `Please fill in "${field.fieldLabel}".`),
				);
			if (field.fieldType === 'checkbox')
				data[field.fieldLabel] = list.filter((v) => field.options.includes(v));
			else if (field.fieldType === 'number')
				data[field.fieldLabel] = list.length ? Number(list[0]) : null;
			else if (CHOICE_TYPES.includes(field.fieldType))
				data[field.fieldLabel] = list.length && field.options.includes(list[0]) ? list[0] : null;
			else data[field.fieldLabel] = list.length ? list[0] : '';
		}
		return answered(ctx, data);
	}

	const query = ctx.getRequestObject().query as IDataObject;
	const approved = query.approved === 'true';
	if (method === 'GET') {
		const approval = ctx.getNodeParameter('approvalOptions.values', {}) as IDataObject;
		const label = approved
			? text(approval.approveLabel, 'Approve')
			: text(approval.disapproveLabel, 'Decline');
		const message = String(ctx.getNodeParameter('message', '')).replace(/\\n/g, '\n');
		// A confirmation step: chat clients open links to preview them, which must not answer.
		return shown(
			ctx,
			200,
			page(
				label,
				`<h1>${escapeHtml(label)}?</h1><p class="message">${escapeHtml(message)}</p><form method="post" action=""><button type="submit">${escapeHtml(label)}</button></form>`,
			),
		);
	}
	return answered(ctx, { approved });
}
