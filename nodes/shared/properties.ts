/**
 * Derives a node's UI from its endpoint table: the Resource selector, one Operation selector per
 * resource (n8n style, with action texts), required parameters as top-level fields, Return All /
 * Limit for paged rows, and the optional parameters in an "Additional Fields" collection.
 */
import type { INodeProperties, INodePropertyOptions, NodePropertyTypes } from 'n8n-workflow';

import { managedParams } from './execute';
import type { EndpointRow, ParamDef, ResourceDef } from './types';

const LIST_TYPES = new Set(['integerList', 'stringList', 'guidList']);

function uiType(param: ParamDef): NodePropertyTypes {
	switch (param.type) {
		case 'boolean':
			return 'boolean';
		case 'dateTime':
			return 'dateTime';
		case 'options':
			return 'options';
		case 'json':
			return 'json';
		default:
			// Ids are text fields (paste-friendly, expression-friendly); the engine validates them.
			return param.location === 'query' && param.type === 'integer' && !/Id$/.test(param.name) ? 'number' : 'string';
	}
}

function uiDefault(param: ParamDef): INodeProperties['default'] {
	if (param.default !== undefined) return param.default;
	switch (uiType(param)) {
		case 'boolean':
			return false;
		case 'number':
			return 0;
		case 'json':
			return '';
		default:
			return '';
	}
}

function describeParam(param: ParamDef): string | undefined {
	const parts = [param.description];
	if (LIST_TYPES.has(param.type)) parts.push(`Comma-separated list${param.maxItems ? ` (at most ${param.maxItems})` : ''}.`);
	return parts.filter(Boolean).join(' ') || undefined;
}

/** One UI field for a parameter (without display options). */
export function paramProperty(param: ParamDef): INodeProperties {
	const type = uiType(param);
	const property: INodeProperties = {
		displayName: param.label,
		name: param.name,
		type,
		default: uiDefault(param),
	};
	const description = describeParam(param);
	if (description) property.description = description;
	if (param.placeholder) property.placeholder = param.placeholder;
	if (param.options) property.options = param.options;
	if (type === 'number') property.typeOptions = { ...(param.min !== undefined && { minValue: param.min }), ...(param.max !== undefined && { maxValue: param.max }) };
	if (param.location === 'binary') {
		property.hint = 'The name of the input binary field(s) holding the file(s); separate several with commas';
	}
	return property;
}

function operationName(row: EndpointRow): string {
	return row.deprecated ? `${row.name} (Deprecated)` : row.name;
}

function operationDescription(row: EndpointRow): string {
	const notes = [row.description];
	if (row.deprecated) notes.push(`Deprecated: ${row.deprecated}`);
	if (row.preview) notes.push('Preview API: may change without notice.');
	return notes.join(' ');
}

function rowProperties(row: EndpointRow): INodeProperties[] {
	const show = { displayOptions: { show: { resource: [row.resource], operation: [row.operation] } } };
	const managed = managedParams(row);
	const visible = row.params.filter((p) => !managed.has(p.name));
	const properties: INodeProperties[] = visible.filter((p) => p.required || p.location === 'binary').map((p) => ({ ...paramProperty(p), required: p.required, ...show }));

	if (row.paging) {
		properties.push(
			{
				displayName: 'Return All',
				name: 'returnAll',
				type: 'boolean',
				default: false,
				description: 'Whether to return all results or only up to a given limit',
				...show,
			},
			{
				displayName: 'Limit',
				name: 'limit',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 50,
				description: 'Max number of results to return',
				displayOptions: { show: { ...show.displayOptions.show, returnAll: [false] } },
			},
		);
	}

	const optional = visible.filter((p) => !p.required && p.location !== 'binary').map(paramProperty);
	if (row.followUp) {
		optional.push({ displayName: row.followUp.label, name: row.followUp.option, type: 'boolean', default: false, description: row.followUp.description });
	}
	if (optional.length) {
		properties.push({
			displayName: 'Additional Fields',
			name: 'additionalFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			options: optional.sort((a, b) => a.displayName.localeCompare(b.displayName)),
			...show,
		});
	}
	return properties;
}

/** The node's full property list for a table. */
export function buildProperties(resources: ResourceDef[], table: EndpointRow[]): INodeProperties[] {
	const properties: INodeProperties[] = [
		// eslint-disable-next-line n8n-nodes-base/node-param-default-missing -- the default is computed from the table (first resource)
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: resources.map((r) => ({ name: r.name, value: r.value, ...(r.description && { description: r.description }) })),
			default: resources[0].value,
		},
	];
	for (const resource of resources) {
		const rows = table.filter((row) => row.resource === resource.value);
		const options: INodePropertyOptions[] = rows
			.map((row) => ({ name: operationName(row), value: row.operation, description: operationDescription(row), action: row.action }))
			.sort((a, b) => a.name.localeCompare(b.name));
		// eslint-disable-next-line n8n-nodes-base/node-param-default-missing -- the default is computed from the table (first current operation)
		properties.push({
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource.value] } },
			options,
			default: (rows.find((row) => !row.deprecated) ?? rows[0]).operation,
		});
	}
	for (const row of table) properties.push(...rowProperties(row));
	return properties;
}
