'use strict';
// Benchmark-only node (see ../../package.json). Two modes:
// - items: emits `count` items ({ i, text }), the input of every benchmark workflow (no Code node,
//   so no task runner in the measurement);
// - authLoop: for every input item, one `this.helpers.httpRequestWithAuthentication` call with the
//   chosen credential, one after the other (or `concurrency` at a time): the bare floor of n8n's
//   own authenticated transport, with no parameter handling of a real node.
Object.defineProperty(exports, '__esModule', { value: true });

const CREDENTIALS = ['itslearningOAuth2Api', 'genesysCloudOAuth2Api'];

class BenchProbe {
	constructor() {
		this.description = {
			displayName: 'Bench Probe',
			name: 'benchProbe',
			group: ['transform'],
			version: 1,
			description: 'Benchmark probe (items source / bare authenticated request loop)',
			defaults: { name: 'Bench Probe' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: CREDENTIALS.map((name) => ({
				name,
				required: true,
				displayOptions: { show: { mode: ['authLoop'], credentialType: [name] } },
			})),
			properties: [
				{
					displayName: 'Mode',
					name: 'mode',
					type: 'options',
					options: [
						{ name: 'Items', value: 'items' },
						{ name: 'Authenticated Loop', value: 'authLoop' },
					],
					default: 'items',
				},
				{
					displayName: 'Count',
					name: 'count',
					type: 'number',
					default: 100,
					displayOptions: { show: { mode: ['items'] } },
				},
				{
					displayName: 'Credential Type',
					name: 'credentialType',
					type: 'options',
					options: CREDENTIALS.map((name) => ({ name, value: name })),
					default: CREDENTIALS[0],
					displayOptions: { show: { mode: ['authLoop'] } },
				},
				{
					displayName: 'Method',
					name: 'method',
					type: 'string',
					default: 'GET',
					displayOptions: { show: { mode: ['authLoop'] } },
				},
				{
					displayName: 'URL',
					name: 'url',
					type: 'string',
					default: '',
					displayOptions: { show: { mode: ['authLoop'] } },
				},
				{
					displayName: 'JSON Body',
					name: 'body',
					type: 'string',
					default: '',
					displayOptions: { show: { mode: ['authLoop'] } },
				},
				{
					displayName: 'Concurrency',
					name: 'concurrency',
					type: 'number',
					default: 1,
					displayOptions: { show: { mode: ['authLoop'] } },
				},
			],
		};
	}

	async execute() {
		const mode = this.getNodeParameter('mode', 0);
		if (mode === 'items') {
			const count = this.getNodeParameter('count', 0);
			const out = [];
			for (let i = 0; i < count; i++)
				out.push({ json: { i, text: `Benchmark message ${i}` }, pairedItem: { item: 0 } });
			return [out];
		}
		const items = this.getInputData();
		const credentialType = this.getNodeParameter('credentialType', 0);
		const method = this.getNodeParameter('method', 0);
		const url = this.getNodeParameter('url', 0);
		const bodyText = this.getNodeParameter('body', 0);
		const body = bodyText ? JSON.parse(bodyText) : undefined;
		const lanes = Math.max(1, Number(this.getNodeParameter('concurrency', 0)) || 1);
		const out = new Array(items.length);
		let next = 0;
		const worker = async () => {
			while (next < items.length) {
				const i = next++;
				const answer = await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
					method,
					url,
					body,
					json: true,
				});
				out[i] = {
					json:
						answer !== null && typeof answer === 'object' && !Array.isArray(answer)
							? answer
							: { value: answer },
					pairedItem: { item: i },
				};
			}
		};
		await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, worker));
		return [out];
	}
}
exports.BenchProbe = BenchProbe;
