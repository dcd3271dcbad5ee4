/**
 * Output schemas as n8n finds them, and a small validator for the subset of JSON Schema they use
 * (type — one or a list —, properties, required, additionalProperties: false, items, oneOf). The lookup is n8n-core's own
 * (`resolveOutputSchemaPath` / `loadOutputSchema` of n8n-core/dist/nodes-loader/output-schema-resolver.js),
 * called with the arguments n8n 2.41's server passes (`LoadNodesAndCredentials.resolveSchema`:
 * the directory of the node's loaded source file, the node's version, resource, operation).
 */
import * as path from 'path';

import { loadOutputSchema, resolveOutputSchemaPath } from 'n8n-core';

import type { LoadedPackage } from './n8n';

export interface JsonSchema {
	type?: string | string[];
	properties?: Record<string, JsonSchema>;
	items?: JsonSchema;
	required?: string[];
	additionalProperties?: boolean;
	oneOf?: JsonSchema[];
}

/**
 * The schema n8n's editor gets for a node of the loaded package: n8n 2.41's
 * `LoadNodesAndCredentials.resolveSchema` passes the directory of the node's `sourcePath` (as the
 * harness records it, mirroring `postProcessLoaders`), the version, resource and operation, without
 * version fallback. `schema` is what n8n-core's `loadOutputSchema` parses from that file.
 */
export function schemaFor(
	pkg: LoadedPackage,
	nodeType: string,
	version: number,
	resource?: string,
	operation?: string,
): { file?: string; schema?: JsonSchema } {
	const sourcePath = pkg.known.nodes[pkg.nodeTypeName(nodeType)]?.sourcePath;
	if (!sourcePath) throw new Error(`node ${nodeType} is not loaded`);
	const ref = { nodeDir: path.dirname(sourcePath), version, resource, operation };
	return {
		file: resolveOutputSchemaPath(ref),
		schema: loadOutputSchema(ref) as JsonSchema | undefined,
	};
}

function typeOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
	return typeof value;
}

/**
 * Every way `value` breaks `schema` (empty when it matches). `strict`: a field the schema does not
 * name is an error even where the schema leaves `additionalProperties` open (the schemas of raw
 * answers do, as a service may add fields; the emulators send only the contract's).
 */
export function validate(
	value: unknown,
	schema: JsonSchema,
	where = '$',
	strict = false,
): string[] {
	const errors: string[] = [];
	const actual = typeOf(value);
	const types = schema.type === undefined ? [] : ([] as string[]).concat(schema.type);
	if (
		types.length &&
		!types.includes(actual) &&
		!(types.includes('number') && actual === 'integer')
	) {
		return [`${where}: ${actual} where the schema says ${types.join(' or ')}`];
	}
	if (schema.oneOf) {
		const matching = schema.oneOf.filter(
			(branch) => !validate(value, branch, where, strict).length,
		);
		if (matching.length !== 1)
			errors.push(
				`${where}: matches ${matching.length} of the ${schema.oneOf.length} oneOf schemas`,
			);
	}
	if (actual === 'object' && value && typeof value === 'object') {
		const object = value as Record<string, unknown>;
		for (const name of schema.required ?? [])
			if (!(name in object)) errors.push(`${where}.${name}: missing (required)`);
		for (const [name, field] of Object.entries(object)) {
			const fieldSchema = schema.properties?.[name];
			if (fieldSchema) errors.push(...validate(field, fieldSchema, `${where}.${name}`, strict));
			else if (schema.additionalProperties === false || (strict && !schema.oneOf))
				errors.push(`${where}.${name}: not in the schema`);
		}
	}
	if (actual === 'array' && schema.items)
		(value as unknown[]).forEach((entry, i) =>
			errors.push(...validate(entry, schema.items!, `${where}[${i}]`, strict)),
		);
	return errors;
}
