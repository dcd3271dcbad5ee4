/**
 * Derives a node's UI from its endpoint table: the Resource selector, one Operation selector per
 * resource (n8n style, with action texts, sorted by them; deprecated operations last), a row's "one of these is
 * needed" choice with the fields of the chosen option, required parameters as top-level fields
 * (resource locators where a row names a list search), Return All / Limit for paged rows, Simplify
 * for read/list rows, and the optional parameters in an "Additional Fields" collection.
 */
import type {
	IDataObject,
	IDisplayOptions,
	INodeProperties,
	INodePropertyOptions,
	NodePropertyTypes,
} from 'n8n-workflow';

import {
	choiceParams,
	isLocatorList,
	LIST_TYPES,
	LOCATOR_LIST_ENTRIES,
	LOCATOR_LIST_FIELD,
	LOCATOR_LIST_VERSION,
	managedParams,
} from '../table/params';
import { sentences } from '../table/text';
import type { ChoiceDef, EndpointRow, LocatorDef, ParamDef, ResourceDef } from '../table/types';

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
			return param.location === 'query' && param.type === 'integer' && !/Id$/.test(param.name)
				? 'number'
				: 'string';
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

/** How to enter a list, e.g. "Enter one or more IDs separated by commas, e.g. 12, 34 (at most 5)". */
function listHowTo(param: ParamDef): string {
	const example =
		param.type === 'guidList'
			? '3f2504e0-4f89-11d3-9a0c-0305e82c3301, 7c9e6679-7425-40de-944b-e07fc1f90ae7'
			: param.type === 'integerList'
				? '12, 34'
				: 'a, b';
	const entries = param.type === 'stringList' ? 'values' : 'IDs';
	return `Enter one or more ${entries} separated by commas (e.g. ${example}) or an expression that returns a list${param.maxItems ? `; at most ${param.maxItems}` : ''}`;
}

function describeParam(param: ParamDef): string | undefined {
	const text = sentences(
		param.description,
		LIST_TYPES.has(param.type) ? listHowTo(param) : undefined,
	);
	return text || undefined;
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
	if (type === 'number')
		property.typeOptions = {
			...(param.min !== undefined && { minValue: param.min }),
			...(param.max !== undefined && { maxValue: param.max }),
		};
	if (param.location === 'binary') {
		property.hint =
			'The name of the input binary field(s) holding the file(s); separate several with commas';
	}
	return property;
}

/** By ID check of a locator: the table's pattern, else whole numbers (lists: comma-separated). */
function idPattern(param: ParamDef, locator: LocatorDef): string {
	if (locator.idPattern) return locator.idPattern;
	if (param.type === 'integerList') return '^\\s*\\d+(\\s*,\\s*\\d+)*\\s*$';
	if (param.type === 'integer' || param.type === 'int64') return '^\\s*\\d+\\s*$';
	return '^\\s*\\S.*$';
}

/** The By ID check of a list entry: one or more IDs of the single pattern, separated by commas. */
function idListPattern(param: ParamDef, locator: LocatorDef): string {
	const one = idPattern(param, locator).replace(/^\^/, '').replace(/\$$/, '');
	return `^(?:${one})(?:,(?:${one}))*$`;
}

/** From List placeholder, e.g. "Select a person...": the table names one entry with its article. */
function listPlaceholder(locator: LocatorDef): string {
	return locator.item ? `Select ${locator.item}...` : 'Select from the list...';
}

/** A field the user picks from a list, by ID or by URL (n8n resource locator). */
export function locatorProperty(param: ParamDef, locator: LocatorDef): INodeProperties {
	const url = locator.url;
	const description = describeParam(param);
	const property: INodeProperties = {
		displayName: param.label,
		name: param.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		...(description && { description }),
		...(locator.listHint && { hint: locator.listHint }),
		// The modes are written out here (n8n's lint rules know them by their place under `modes`);
		// By URL is dropped below where the service has no stable URLs for the item.
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: listPlaceholder(locator),
				typeOptions: {
					searchListMethod: locator.search,
					searchable: true,
					...(locator.searchRequired && { searchFilterRequired: true }),
				},
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder:
					locator.idPlaceholder ?? (LIST_TYPES.has(param.type) ? 'e.g. 12, 34' : 'e.g. 12345'),
				...(locator.idHint && { hint: locator.idHint }),
				validation: [
					{
						type: 'regex',
						properties: {
							regex: idPattern(param, locator),
							errorMessage: `Not a valid ${param.label}`,
						},
					},
				],
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: url?.placeholder,
				hint: url?.hint,
				extractValue: { type: 'regex', regex: url?.regex ?? '' },
				validation: [
					{
						type: 'regex',
						properties: {
							regex: `.*${url?.regex ?? ''}.*`,
							errorMessage: `Not a URL that contains a ${param.label}`,
						},
					},
				],
			},
		],
	};
	if (!url) property.modes = property.modes!.filter((mode) => mode.name !== 'url');
	return property;
}

/** One entry of a list, e.g. "Person" for the locator item "a person". */
function entryName(param: ParamDef, locator: LocatorDef): string {
	const item = (locator.item ?? param.label).replace(/^(a|an)\s+/i, '');
	return item.charAt(0).toUpperCase() + item.slice(1);
}

/** A list of pickers (n8n's fixedCollection with multiple values, a resource locator each). */
export function locatorListProperty(
	param: ParamDef,
	locator: LocatorDef,
	names?: LocatorListNames,
): INodeProperties {
	const entry = entryName(param, locator);
	const picker = locatorProperty(param, locator);
	picker.displayName = entry;
	picker.name = LOCATOR_LIST_FIELD;
	picker.description = `Pick one ${entry.toLowerCase()} from the list, or enter one or more IDs separated by commas (By ID) or an expression that returns a list`;
	picker.required = true;
	// As the description says (and run/fields.ts reads it): an entry's By ID may name several. A list
	// parameter's pattern already takes a list; a single ID's (the triggers' Threads, Rooms, Users)
	// is widened to a comma-separated list of it, else n8n marks "12, 34" as an issue.
	if (!LIST_TYPES.has(param.type))
		picker.modes = picker.modes?.map((mode) =>
			mode.name === 'id'
				? {
						...mode,
						validation: [
							{
								type: 'regex',
								properties: {
									regex: idListPattern(param, locator),
									errorMessage: `Not a valid ${param.label}, or list of them separated by commas`,
								},
							},
						],
					}
				: mode,
		);
	return {
		displayName: names?.displayName ?? param.label,
		name: names?.name ?? param.name,
		type: 'fixedCollection',
		placeholder: names?.placeholder ?? `Add ${entry}`,
		default: {},
		typeOptions: { multipleValues: true },
		description:
			names?.description ??
			sentences(
				param.description,
				`Add one ${entry.toLowerCase()} per entry${param.maxItems ? `; at most ${param.maxItems} in all` : ''}`,
			),
		options: [{ displayName: entry, name: LOCATOR_LIST_ENTRIES, values: [picker] }],
	};
}

/**
 * A top-level field shown under `show`: a resource locator when the parameter has one (for lists:
 * the list of pickers from LOCATOR_LIST_VERSION on, the single picker before), else the plain field.
 */
export function topProperties(
	param: ParamDef,
	show: IDisplayOptions['show'],
	extra: Partial<INodeProperties> = {},
): INodeProperties[] {
	if (!param.locator) return [{ ...paramProperty(param), ...extra, displayOptions: { show } }];
	const single: INodeProperties = { ...locatorProperty(param, param.locator), ...extra };
	if (!isLocatorList(param)) return [{ ...single, displayOptions: { show } }];
	return [
		{
			...single,
			displayOptions: { show: { ...show, '@version': [{ _cnd: { lt: LOCATOR_LIST_VERSION } }] } },
		},
		{
			...locatorListProperty(param, param.locator),
			...extra,
			displayOptions: { show: { ...show, '@version': [{ _cnd: { gte: LOCATOR_LIST_VERSION } }] } },
		},
	];
}

function operationName(row: EndpointRow): string {
	return row.deprecated ? `${row.name} (Deprecated)` : row.name;
}

function operationAction(row: EndpointRow): string {
	return row.deprecated ? `${row.action} (deprecated)` : row.action;
}

function operationDescription(row: EndpointRow): string {
	return sentences(
		row.description,
		row.deprecated ? `Deprecated: ${row.deprecated}` : undefined,
		row.preview ? 'Preview API: may change without notice' : undefined,
	);
}

function choiceProperties(
	row: EndpointRow,
	choice: ChoiceDef,
	show: IDisplayOptions['show'],
): INodeProperties[] {
	const byName = new Map(row.params.map((p) => [p.name, p]));
	// Left empty on purpose, and not marked required: n8n fills a saved node's missing parameters
	// with their defaults and refuses to run a workflow with an empty required field, so workflows
	// saved before the choice existed (recipients in Additional Fields) must see an empty, optional
	// choice. The engine checks before sending that an option is chosen or filled in.
	const values = choice.options.map((o) => o.value);
	const selector: INodeProperties = {
		displayName: choice.label,
		name: choice.name,
		type: choice.multiple ? 'multiOptions' : 'options',
		noDataExpression: true,
		default: choice.multiple ? [] : '',
		description: choice.description,
		options: choice.options.map((option) => ({
			name: option.name,
			value: option.value,
			description: option.description,
		})),
		displayOptions: { show },
	};
	const notice: INodeProperties = {
		displayName: choice.prompt,
		name: `${choice.name}Notice`,
		type: 'notice',
		default: '',
		displayOptions: { show, hide: { [choice.name]: values } },
	};
	const properties: INodeProperties[] = [selector, notice];
	for (const option of choice.options) {
		for (const name of option.params) {
			const param = byName.get(name);
			if (!param)
				throw new Error(
					`Choice ${choice.name} of ${row.sdkMethod} names unknown parameter ${name}`,
				);
			properties.push(
				...topProperties(
					param,
					{ ...show, [choice.name]: [option.value] },
					{ required: param.type !== 'boolean' },
				),
			);
		}
	}
	return properties;
}

function rowProperties(row: EndpointRow): INodeProperties[] {
	const showRow = { resource: [row.resource], operation: [row.operation] };
	const show = { displayOptions: { show: showRow } };
	const managed = managedParams(row);
	const visible = row.params.filter((p) => !managed.has(p.name));
	const asked = row.choice ? choiceParams(row.choice) : new Set<string>();
	const properties: INodeProperties[] = row.choice
		? choiceProperties(row, row.choice, showRow)
		: [];
	properties.push(
		...visible
			.filter((p) => p.required || p.location === 'binary')
			.flatMap((p) => topProperties(p, showRow, { required: p.required })),
	);

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
				displayOptions: { show: { ...showRow, returnAll: [false] } },
			},
		);
	}

	if (row.simplify) properties.push(...simplifyProperties(showRow));

	const optional = visible
		.filter((p) => !p.required && p.location !== 'binary')
		.map((p): INodeProperties => {
			const property = paramProperty(p);
			// Asked for at the top once the choice is made; kept here for workflows saved before it existed.
			if (asked.has(p.name))
				property.displayOptions = {
					hide: { [`/${row.choice!.name}`]: row.choice!.options.map((o) => o.value) },
				};
			return property;
		});
	if (row.followUp) {
		optional.push({
			displayName: row.followUp.label,
			name: row.followUp.option,
			type: 'boolean',
			default: false,
			description: row.followUp.description,
		});
	}
	if (optional.length) {
		properties.push({
			displayName: 'Additional Fields',
			name: 'additionalFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			description: 'Optional fields of this operation',
			options: optional.sort((a, b) => a.displayName.localeCompare(b.displayName)),
			...show,
		});
	}
	return properties;
}

/**
 * The Simplify switch of read/list rows: on by default for nodes added from version 1.1 on and for
 * AI agents' tools; off by default for nodes saved as version 1, so workflows saved before the
 * option existed keep their output (n8n fills a saved node's missing parameters with defaults).
 */
const SIMPLIFY_DESCRIPTION =
	'Whether to return only the fields a workflow usually needs, in camelCase, instead of the raw API answer';

function simplifyProperties(show: IDataObject): INodeProperties[] {
	const when = (condition: IDataObject): IDisplayOptions => ({
		show: { ...show, ...condition } as IDisplayOptions['show'],
	});
	return [
		{
			displayName: 'Simplify',
			name: 'simplify',
			type: 'boolean',
			default: false,
			description: SIMPLIFY_DESCRIPTION,
			displayOptions: when({ '@tool': [false], '@version': [1] }),
		},
		{
			displayName: 'Simplify',
			name: 'simplify',
			type: 'boolean',
			default: true,
			description: SIMPLIFY_DESCRIPTION,
			displayOptions: when({ '@tool': [false], '@version': [{ _cnd: { gte: 1.1 } }] }),
		},
		{
			displayName: 'Simplify',
			name: 'simplify',
			type: 'boolean',
			default: true,
			description: SIMPLIFY_DESCRIPTION,
			displayOptions: when({ '@tool': [true] }),
		},
	];
}

/** The node's full property list for a table. */
export function buildProperties(resources: ResourceDef[], table: EndpointRow[]): INodeProperties[] {
	// Defaults computed from the table: the first resource, and per resource its first current operation.
	const firstResource = resources[0].value;
	const properties: INodeProperties[] = [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: resources.map((r) => ({
				name: r.name,
				value: r.value,
				...(r.description && { description: r.description }),
			})),
			default: firstResource,
		},
	];
	for (const resource of resources) {
		const rows = table.filter((row) => row.resource === resource.value);
		// Current operations A–Z by the action text n8n's node panel shows, then the deprecated ones
		// (kept for saved workflows) the same way.
		const options: INodePropertyOptions[] = [...rows]
			.sort(
				(a, b) =>
					Number(Boolean(a.deprecated)) - Number(Boolean(b.deprecated)) ||
					a.action.localeCompare(b.action, 'en', { sensitivity: 'base' }),
			)
			.map((row) => ({
				name: operationName(row),
				value: row.operation,
				description: operationDescription(row),
				action: operationAction(row),
			}));
		const firstOperation = (rows.find((row) => !row.deprecated) ?? rows[0]).operation;
		properties.push({
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource.value] } },
			options,
			default: firstOperation,
		});
	}
	for (const row of table) properties.push(...rowProperties(row));
	return properties;
}

/** What a list of locators is called in the UI when it is not the parameter's own field (the triggers' Threads, Rooms, Users). */
export interface LocatorListNames {
	/** Field name, e.g. `threads`. */
	name: string;
	/** Field label, e.g. "Threads". */
	displayName: string;
	description?: string;
	/** "Add …" button text, e.g. "Add Thread". */
	placeholder: string;
}
