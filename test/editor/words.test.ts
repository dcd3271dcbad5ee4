/**
 * The words a user reads in both nodes (the BUILT descriptions): every field says what it is for,
 * lists say how to enter them, sentences do not run together, option names are words rather than
 * raw API values, and no SDK jargon.
 */
import type { INodeProperties, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

import { loadPackage, type LoadedPackage } from '../harness/n8n';
import { nodeTypeOf } from './helpers';

let pkg: LoadedPackage;
beforeAll(async () => {
	pkg = await loadPackage();
});

interface Text {
	where: string;
	text: string;
}

/** Every field (top level and inside collections) of a node, with where it is. */
function fields(
	description: INodeTypeDescription,
): Array<{ where: string; property: INodeProperties }> {
	const out: Array<{ where: string; property: INodeProperties }> = [];
	const walk = (props: INodeProperties[], prefix: string) => {
		for (const property of props) {
			// Request Options (nodes/shared/editor/requestOptions.ts) is the transport's, worded by its owner; this test covers the table-derived fields.
			if (property.name === 'requestOptions') continue;
			const show = property.displayOptions?.show;
			const where = `${prefix}${show?.resource ? `${String(show.resource)}/${String(show.operation ?? '')} ` : ''}${property.name}`;
			out.push({ where, property });
			if (property.type === 'collection' && Array.isArray(property.options))
				walk(property.options as INodeProperties[], `${where} > `);
		}
	};
	walk(description.properties, '');
	return out;
}

function texts(description: INodeTypeDescription): Text[] {
	const out: Text[] = [];
	for (const { where, property } of fields(description)) {
		if (property.description) out.push({ where, text: property.description });
		if (property.hint) out.push({ where: `${where} (hint)`, text: property.hint });
		for (const option of (property.options ?? []) as INodePropertyOptions[]) {
			if (!('value' in option)) continue; // a collection's fields: walked as fields
			if (option.description)
				out.push({ where: `${where} = ${String(option.value)}`, text: option.description });
			if (typeof option.action === 'string')
				out.push({ where: `${where} = ${String(option.value)} (action)`, text: option.action });
		}
	}
	return out;
}

describe.each(['itslearningInstantMessage', 'genesysChat'])('%s', (name) => {
	let description: INodeTypeDescription;
	beforeAll(() => {
		description = nodeTypeOf(pkg, name).description;
	});

	it('every field has a description a user understands', () => {
		const exempt = new Set(['resource', 'operation', 'returnAll', 'limit']);
		const missing = fields(description)
			.filter(
				({ property }) =>
					property.type !== 'notice' && !exempt.has(property.name) && !property.description,
			)
			.map(({ where }) => where);
		expect(missing).toEqual([]);
	});

	it('lists say how to enter them', () => {
		const lists = fields(description).filter(({ property }) =>
			/Enter one or more/.test(property.description ?? ''),
		);
		expect(lists.length).toBeGreaterThan(5);
		for (const { property } of lists)
			expect(property.description).toMatch(
				/separated by commas \(e\.g\. [^)]+\) or an expression that returns a list/,
			);
	});

	it('sentences do not run together, and there is no SDK jargon', () => {
		for (const { where, text } of texts(description)) {
			// A sentence that starts after a word without a full stop: "…to mention Comma-separated list."
			expect([
				where,
				/[a-z0-9)"'] (Comma-separated|Deprecated:|Preview API|Enter one or more)/.test(text),
			]).toEqual([where, false]);
			expect([where, /\bSDK\b|\(V\d\)|Access_token/.test(text)]).toEqual([where, false]);
			// One sentence: no final period (n8n style); several: each ends with one.
			if (!/\. [A-Z]/.test(text))
				expect([where, /[^.]\.$/.test(text) && !/e\.g\.$/.test(text)]).toEqual([where, false]);
		}
	});

	it('option names are words, not raw API values', () => {
		for (const { where, property } of fields(description)) {
			for (const option of (property.options ?? []) as INodePropertyOptions[]) {
				if (!('value' in option)) continue;
				expect([where, option.name]).not.toEqual([
					where,
					expect.stringMatching(/^[A-Z][a-z]+[A-Z]\w*$|_/),
				]);
			}
		}
	});
});
