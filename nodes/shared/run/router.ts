/**
 * The router: for every input item, find the row of the chosen resource/operation, read and
 * validate its parameters, send (paging when asked), and turn the answer into items paired with
 * their input. Errors carry the item index; with "Continue On Fail" each failed item yields an
 * error item instead and the rest go on.
 */
import {
	NodeApiError,
	NodeOperationError,
	SEND_AND_WAIT_OPERATION,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { readConcurrency, readLimits } from './readOptions';
import { collectPages } from './paging';
import { choiceValues, managedParams } from '../table/params';
import { sentences } from '../table/text';
import { readTopValue } from './fields';
import { simplifyItem } from './simplify';
import { buildRequest, type FilePart, type ParamValues } from '../http/request';
import { at } from '../table/json';
import { indexTable, type ServiceDefinition } from '../table/service';
import { Transport } from '../http/transport';
import type { EndpointRow, Paging, ParamDef } from '../table/types';
import { coerce, invalidMessage, isUnset, type Fail } from '../table/validate';
import { executeSendAndWait } from './sendAndWait';

function readParams(
	ctx: IExecuteFunctions,
	row: EndpointRow,
	itemIndex: number,
): { values: ParamValues; binaryParams: ParamDef[] } {
	const fail: Fail = (param, reason) => {
		throw new NodeOperationError(ctx.getNode(), invalidMessage(param, reason), {
			itemIndex,
			description: param.description,
		});
	};
	const managed = managedParams(row);
	const additional = (
		row.params.some((p) => !p.required && !managed.has(p.name) && p.location !== 'binary')
			? ctx.getNodeParameter('additionalFields', itemIndex, {})
			: {}
	) as IDataObject;
	// "One of these is needed": the options chosen ask for their fields at the top (empty in
	// workflows saved before the choice existed: their values come from Additional Fields).
	const choice = row.choice;
	const chosen = choice
		? choice.options.filter((o) =>
				choiceValues(
					ctx.getNodeParameter(choice.name, itemIndex, choice.multiple ? [] : ''),
				).includes(o.value),
			)
		: [];
	const asked = new Set(chosen.flatMap((o) => o.params));
	const values: ParamValues = new Map();
	const binaryParams: ParamDef[] = [];
	// Dates without an offset (n8n's date picker) are wall-clock times of the workflow's time zone.
	const timezone = ctx.getTimezone();
	for (const param of row.params) {
		if (managed.has(param.name)) continue;
		if (param.location === 'binary') {
			binaryParams.push(param);
			continue;
		}
		const required = param.required || asked.has(param.name);
		// extractValue: a resource locator gives its ID (a plain value from an older workflow passes as is);
		// a list of pickers gives the IDs of all its entries.
		let raw: unknown = required
			? readTopValue(ctx, param, itemIndex, fail)
			: additional[param.name];
		if (isUnset(raw) && param.sendDefault) raw = param.default;
		if (isUnset(raw)) {
			if (required && param.type !== 'boolean') fail(param, 'a value is required');
			continue;
		}
		values.set(param.name, coerce(param, raw, fail, { timezone }));
	}
	for (const option of chosen)
		for (const [name, value] of Object.entries(option.set ?? {})) values.set(name, value);
	if (choice && chosen.length === 0) {
		const filled = choice.options.some(
			(o) =>
				o.params.some((name) => values.has(name)) ||
				Object.entries(o.set ?? {}).some(([name, value]) => values.get(name) === value),
		);
		if (!filled) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Choose "${choice.label}" (${choice.name}) and fill in the field it asks for`,
				{
					itemIndex,
					description: sentences(
						choice.description,
						`Options: ${choice.options.map((o) => o.name).join(', ')}`,
					),
				},
			);
		}
	}
	return { values, binaryParams };
}

async function readFiles(
	ctx: IExecuteFunctions,
	params: ParamDef[],
	itemIndex: number,
): Promise<FilePart[]> {
	const files: FilePart[] = [];
	for (const param of params) {
		const names = String(ctx.getNodeParameter(param.name, itemIndex, 'data'))
			.split(',')
			.map((n) => n.trim())
			.filter(Boolean);
		// An upload without a file would post an empty body and report success.
		if (names.length === 0) {
			throw new NodeOperationError(
				ctx.getNode(),
				invalidMessage(param, 'name at least one input binary field holding a file'),
				{
					itemIndex,
					description: param.description,
				},
			);
		}
		for (const name of names) {
			const binary = ctx.helpers.assertBinaryData(itemIndex, name);
			const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, name);
			files.push({
				fileName: binary.fileName ?? name,
				mimeType: binary.mimeType ?? 'application/octet-stream',
				data,
			});
		}
	}
	return files;
}

/** The ids and values a request carried, echoed on void answers so the item says what happened. */
function sentValues(row: EndpointRow, values: ParamValues): IDataObject {
	const echo: IDataObject = {};
	for (const param of row.params) {
		if (
			(param.location === 'path' || param.location === 'body' || param.location === 'query') &&
			values.has(param.name)
		) {
			echo[param.name] = values.get(param.name) as IDataObject[keyof IDataObject];
		}
	}
	return echo;
}

function toItems(row: EndpointRow, answer: unknown, values: ParamValues): IDataObject[] {
	const output = row.output;
	const empty = answer === undefined || answer === null || answer === '';
	if (output?.kind === 'void' || (empty && !output)) {
		const extra =
			answer && typeof answer === 'object' && !Array.isArray(answer) ? (answer as IDataObject) : {};
		return [{ success: true, ...sentValues(row, values), ...extra }];
	}
	if (output?.kind === 'primitive')
		return [{ [output.key]: answer as IDataObject[keyof IDataObject] }];
	if (output?.kind === 'primitiveList')
		return (Array.isArray(answer) ? answer : []).map((v) => ({
			[output.key]: v as IDataObject[keyof IDataObject],
		}));
	const list = output?.kind === 'itemsAt' ? at(answer, output.path) : answer;
	if (Array.isArray(list))
		return list.map((entry) =>
			entry && typeof entry === 'object'
				? (entry as IDataObject)
				: { value: entry as IDataObject[keyof IDataObject] },
		);
	if (list && typeof list === 'object') return [list as IDataObject];
	return [{ value: list as IDataObject[keyof IDataObject] }];
}

/**
 * Return All / Limit of a paged row: its paging walked by collectPages, each page sent with the
 * user's values plus the page's own (cursor, size, bounds).
 */
export async function collectRowPages(
	transport: Transport,
	row: EndpointRow,
	paging: Paging,
	values: ParamValues,
	returnAll: boolean,
	limit: number,
	itemIndex: number,
): Promise<IDataObject[]> {
	return await collectPages({
		paging,
		returnAll,
		limit,
		userValues: values,
		fetch: async ({ set }) => {
			const pageValues = new Map(values);
			for (const [name, value] of Object.entries(set)) {
				if (value === undefined) pageValues.delete(name);
				else pageValues.set(name, value);
			}
			return await transport.send(row, buildRequest(row, pageValues), itemIndex);
		},
	});
}

/** The value n8n gives the "Custom API Call" option it adds to resource and operation lists. */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

export class TableExecutor {
	private readonly rows: Map<string, EndpointRow>;
	private readonly bySdkMethod: Map<string, EndpointRow>;

	constructor(private readonly service: ServiceDefinition) {
		this.rows = indexTable(service.table);
		this.bySdkMethod = new Map(service.table.map((row) => [row.sdkMethod, row]));
	}

	async execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Send and Wait is not a row of the table: one message for the execution, then a wait.
		const sendAndWait = this.service.sendAndWait;
		if (sendAndWait && ctx.getNodeParameter('operation', 0, '') === SEND_AND_WAIT_OPERATION)
			return await executeSendAndWait(ctx, this.service, sendAndWait);
		const items = ctx.getInputData();
		const transport = await Transport.open(ctx, this.service, undefined, readLimits(ctx));
		const continueOnFail = ctx.continueOnFail();
		// Output per input item, joined in input order at the end whatever order items finish in.
		const results: INodeExecutionData[][] = new Array(items.length);
		let failed: { index: number; error: Error } | undefined;

		const handle = async (i: number) => {
			try {
				const json = await this.runItem(ctx, transport, i);
				results[i] = ctx.helpers.constructExecutionMetaData(ctx.helpers.returnJsonArray(json), {
					itemData: { item: i },
				});
			} catch (caught) {
				// One redaction step for everything that leaves the node: no token or secret in errors.
				const error = transport.redactError(this.asNodeError(ctx, caught, i));
				if (!continueOnFail) {
					if (!failed || i < failed.index) failed = { index: i, error };
					return;
				}
				const json: IDataObject = { error: transport.redactor.text(error.message) };
				if (error.description) json.description = transport.redactor.text(error.description);
				if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
				results[i] = [{ json, pairedItem: { item: i } }];
			}
		};

		// Concurrency 1 = strictly one item after the other; N = up to N items in flight. Without
		// Continue On Fail no new item starts after a failure, and the first failing item's error is thrown.
		let next = 0;
		const worker = async () => {
			while (!failed && next < items.length) await handle(next++);
		};
		const lanes = Math.min(readConcurrency(ctx), items.length);
		await Promise.all(Array.from({ length: lanes }, worker));
		if (failed) throw failed.error;
		return [results.flat()];
	}

	private asNodeError(
		ctx: IExecuteFunctions,
		error: unknown,
		itemIndex: number,
	): NodeApiError | NodeOperationError {
		if (error instanceof NodeApiError || error instanceof NodeOperationError) {
			error.context.itemIndex ??= itemIndex;
			return error;
		}
		const message = error instanceof Error ? error.message : String(error);
		return new NodeOperationError(ctx.getNode(), message, { itemIndex });
	}

	private async runItem(
		ctx: IExecuteFunctions,
		transport: Transport,
		itemIndex: number,
	): Promise<IDataObject[]> {
		const resource = ctx.getNodeParameter('resource', itemIndex) as string;
		// With resource "Custom API Call" n8n shows no operation field.
		const operation =
			resource === CUSTOM_API_CALL
				? CUSTOM_API_CALL
				: (ctx.getNodeParameter('operation', itemIndex) as string);
		if (resource === CUSTOM_API_CALL || operation === CUSTOM_API_CALL) {
			// n8n adds "Custom API Call" to nodes whose credential can sign any request; such calls
			// are made with the HTTP Request node, which reuses this node's credential.
			throw new NodeOperationError(
				ctx.getNode(),
				'Custom API Call is made with the HTTP Request node',
				{
					itemIndex,
					description: `Add an HTTP Request node, set Authentication to "Predefined Credential Type" and choose "${this.service.credentialDisplayName}": it signs any ${this.service.displayName} API request with this credential.`,
				},
			);
		}
		const row = this.rows.get(`${resource}:${operation}`);
		if (!row)
			throw new NodeOperationError(
				ctx.getNode(),
				`The operation "${operation}" is not supported for resource "${resource}"`,
				{ itemIndex },
			);
		const { values, binaryParams } = readParams(ctx, row, itemIndex);
		const files = await readFiles(ctx, binaryParams, itemIndex);

		let result: IDataObject[];
		if (row.paging) {
			const paging = row.paging;
			if (
				paging.style === 'idBounds' &&
				values.has(paging.olderParam) &&
				values.has(paging.newerParam)
			) {
				// The API takes one bound at a time; silently dropping one would return other messages than asked.
				const label = (name: string) => row.params.find((p) => p.name === name)?.label ?? name;
				throw new NodeOperationError(
					ctx.getNode(),
					`"${label(paging.olderParam)}" (${paging.olderParam}) and "${label(paging.newerParam)}" (${paging.newerParam}) cannot be used together`,
					{
						itemIndex,
						description:
							'Set only one of them: the service reads messages older than one ID or newer than one ID, not between two.',
					},
				);
			}
			const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
			const limit = returnAll ? 0 : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
			result = await collectRowPages(transport, row, paging, values, returnAll, limit, itemIndex);
		} else {
			const answer = await transport.send(row, buildRequest(row, values, files), itemIndex);
			result = toItems(row, answer, values);
		}

		if (row.followUp && result.length === 1) {
			const additional = ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
			if (additional[row.followUp.option] === true)
				result = await this.followUp(transport, row, values, result[0], itemIndex);
		}
		if (row.simplify && ctx.getNodeParameter('simplify', itemIndex, false) === true) {
			const simplifier = row.simplify;
			// The request's parameters complete what an answer leaves out (e.g. the chat of a message list).
			const context = Object.fromEntries(values);
			result = result.map((item) => simplifyItem(item, simplifier, context));
		}
		return result;
	}

	/** Runs the follow-up row (e.g. fetch the full message after sending it). */
	private async followUp(
		transport: Transport,
		row: EndpointRow,
		values: ParamValues,
		answer: IDataObject,
		itemIndex: number,
	): Promise<IDataObject[]> {
		const spec = row.followUp!;
		const next = this.bySdkMethod.get(spec.sdkMethod);
		if (!next)
			throw new Error(`Follow-up ${spec.sdkMethod} of ${row.sdkMethod} is not in the table`);
		const nextValues: ParamValues = new Map();
		for (const [name, source] of Object.entries(spec.params)) {
			const [origin, key] = source.split('.', 2);
			nextValues.set(name, origin === '$response' ? answer[key] : values.get(key));
		}
		return toItems(
			next,
			await transport.send(next, buildRequest(next, nextValues), itemIndex),
			nextValues,
		);
	}
}
