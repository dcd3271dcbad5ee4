/**
 * Output schemas for n8n's editor, generated from the same definitions the nodes produce their
 * output from: the Simplify shapes of `../table/message` and the rows' `output` kinds. n8n-core 2.41 reads
 * `__schema__/v{X.Y.Z}/{resource}/{operation}.json` next to a node's file
 * (`n8n-core/dist/nodes-loader/output-schema-resolver.js`, `resolveOutputSchemaPath`: the node's
 * version padded to three parts, 1 → v1.0.0, 1.1 → v1.1.0), and for a node without
 * resource/operation `__schema__/v{X.Y.Z}.json`. The build (gulpfile.js) writes the files into dist.
 *
 * Which operations get one:
 * - rows with Simplify: the simplified shape, for the versions where Simplify is on by default
 *   (1.1 and later); with Simplify off (version 1's default) the output is the service's raw
 *   answer: the entity the row names as its `answer` (below), or no schema where it names none;
 * - rows whose output is a count, a flag, a list of ids or "done" (`primitive`, `primitiveList`,
 *   `void`): the same schema in every version (Simplify does not change them);
 * - rows that return the service's answer unchanged in every version: the entity the row names as
 *   its `answer` (the API contract's fields, declared next to each table in `*.entities.ts`). These
 *   schemas leave `additionalProperties` open: a service may send fields the contract does not name.
 * - triggers: one schema per version (n8n looks schemas up by resource and operation, and a
 *   trigger has an Event instead): the item of its only event, or `oneOf` the items of its events.
 */
import type { Shape } from '../table/message';
import type { EndpointRow, Entity, ParamDef } from '../table/types';

export interface JsonSchema {
	type?: string | string[];
	description?: string;
	properties?: Record<string, JsonSchema>;
	items?: JsonSchema;
	required?: string[];
	additionalProperties?: boolean;
	oneOf?: JsonSchema[];
}

/** JSON Schema of a shape: every field with its type; `required` the fields always present. */
export function shapeSchema(shape: Shape): JsonSchema {
	const properties: Record<string, JsonSchema> = {};
	for (const [name, field] of Object.entries(shape)) {
		const schema: JsonSchema = { type: field.type, description: field.description };
		if (field.type === 'array' && field.items)
			schema.items =
				typeof field.items === 'string' ? { type: field.items } : shapeSchema(field.items);
		if (field.type === 'object' && field.properties)
			Object.assign(schema, shapeSchema(field.properties), { description: field.description });
		properties[name] = schema;
	}
	const required = Object.entries(shape)
		.filter(([, field]) => field.required)
		.map(([name]) => name);
	return {
		type: 'object',
		properties,
		...(required.length ? { required } : {}),
		additionalProperties: false,
	};
}

/** JSON Schema of an API entity as the service sends it (fields the service may leave out are not required). */
export function entitySchema(entity: Entity): JsonSchema {
	const properties: Record<string, JsonSchema> = {};
	for (const [name, field] of Object.entries(entity)) {
		const schema: JsonSchema = {
			type: field.nullable ? [field.type, 'null'] : field.type,
			description: field.description,
		};
		if (field.type === 'array' && field.items)
			schema.items =
				typeof field.items === 'string' ? { type: field.items } : entitySchema(field.items);
		if (field.type === 'object' && field.properties) {
			const { properties: fields, required } = entitySchema(field.properties);
			Object.assign(schema, { properties: fields }, required ? { required } : {});
		}
		properties[name] = schema;
	}
	const required = Object.entries(entity)
		.filter(([, field]) => field.required)
		.map(([name]) => name);
	return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

function paramSchema(param: ParamDef): JsonSchema {
	const description = param.label;
	switch (param.type) {
		case 'integer':
		case 'int64':
			return { type: 'integer', description };
		case 'boolean':
			return { type: 'boolean', description };
		case 'integerList':
			return { type: 'array', items: { type: 'integer' }, description };
		case 'stringList':
		case 'guidList':
			return { type: 'array', items: { type: 'string' }, description };
		case 'json':
			return { description };
		default:
			return { type: 'string', description };
	}
}

/** Whether Simplify is on by default in a node version (as in editor/properties.ts: from 1.1 on). */
export const simplifyByDefault = (version: number) => version >= 1.1;

/** The schema of what a row outputs per item in a node version, or undefined when nothing describes it. */
export function rowOutputSchema(row: EndpointRow, version: number): JsonSchema | undefined {
	if (row.simplify && simplifyByDefault(version)) return shapeSchema(row.simplify);
	if (row.answer) return entitySchema(row.answer);
	if (row.simplify) return undefined;
	const output = row.output;
	if (output?.kind === 'primitive' || output?.kind === 'primitiveList') {
		return {
			type: 'object',
			properties: { [output.key]: { type: output.type } },
			required: [output.key],
			additionalProperties: false,
		};
	}
	if (output?.kind === 'void') {
		// `{ success: true, ...the ids and values the request carried }`.
		const properties: Record<string, JsonSchema> = {
			success: { type: 'boolean', description: 'Always true: the call succeeded' },
		};
		for (const param of row.params)
			if (param.location === 'path' || param.location === 'body' || param.location === 'query')
				properties[param.name] = paramSchema(param);
		return { type: 'object', properties, required: ['success'], additionalProperties: false };
	}
	return undefined;
}

/** `v1.1.0` for 1.1: the version folder n8n-core looks in. */
export function versionDir(version: number): string {
	return `v${String(version).split('.').concat(['0', '0']).slice(0, 3).join('.')}`;
}

export interface SchemaFile {
	/** Path below the node's `__schema__` folder. */
	path: string;
	schema: JsonSchema;
}

/** The schema files of an action node: one per row that has a schema in that version. */
export function actionSchemaFiles(table: EndpointRow[], versions: number[]): SchemaFile[] {
	const files: SchemaFile[] = [];
	for (const version of versions) {
		for (const row of table) {
			const schema = rowOutputSchema(row, version);
			if (schema)
				files.push({
					path: `${versionDir(version)}/${row.resource}/${row.operation}.json`,
					schema,
				});
		}
	}
	return files;
}

/**
 * The schema of a trigger's items: the item shape of each event (event value → shape, the default
 * event first). Events with the same shape share one entry; with several shapes the schema is
 * `oneOf` them (an item is exactly one event's; n8n's mock data takes the first, the default event's).
 */
export function triggerSchema(eventShapes: Record<string, Shape>): JsonSchema {
	const shapes = [...new Set(Object.values(eventShapes))];
	if (shapes.length === 1) return shapeSchema(shapes[0]);
	return { type: 'object', oneOf: shapes.map(shapeSchema) };
}

/**
 * The schema file of a trigger. n8n looks a schema up by resource and operation only; a trigger
 * has neither (its choice is "Event"), so it gets one schema per version, covering every event.
 */
export function triggerSchemaFiles(
	eventShapes: Record<string, Shape>,
	versions: number[],
): SchemaFile[] {
	return versions.map((version) => ({
		path: `${versionDir(version)}.json`,
		schema: triggerSchema(eventShapes),
	}));
}
