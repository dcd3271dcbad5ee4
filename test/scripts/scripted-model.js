'use strict';
// A scripted, OpenAI-compatible chat model on 127.0.0.1 (POST /v1/chat/completions, GET
// /v1/models), so that n8n's AI Agent can run headless without an LLM provider. It is a peer
// like the API emulators, not a stand-in for any code of this pack: n8n's real Agent, its real
// tool wrapper and the real nodes run; only the "thinking" is scripted:
//
//   1st call (no tool results yet): call every tool offered, once, with arguments made from the
//      tool's JSON schema (a property whose name mentions "search"/"name"/"text"/"query" gets
//      `searchText`, others get a placeholder, objects are filled the same way; tools without
//      properties get {});
//   2nd call (tool results present): answer with the tool results, verbatim.
//
// Every request is kept in `requests` for the tests.
const http = require('http');

function argumentsFor(schema, searchText) {
	const args = {};
	const properties = (schema && schema.properties) || {};
	for (const [name, prop] of Object.entries(properties)) {
		const type = prop && prop.type;
		// nested objects (e.g. a tool behind n8n's Human Review layer: { toolParameters, hitlParameters }) get their own arguments
		if (type === 'object') args[name] = argumentsFor(prop, searchText);
		else if (/search|name|text|query|input/i.test(name)) args[name] = searchText;
		else if (type === 'number' || type === 'integer') args[name] = 1;
		else if (type === 'boolean') args[name] = false;
		else args[name] = searchText;
	}
	return args;
}

function completion(model, message, finishReason) {
	return {
		id: `chatcmpl-${Date.now()}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

async function startScriptedModel({ searchText = 'Alan' } = {}) {
	const requests = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			let json = {};
			try {
				json = body ? JSON.parse(body) : {};
			} catch {
				// not JSON
			}
			requests.push({ method: req.method, url: req.url, body: json });
			const send = (status, payload) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(payload));
			};
			if (req.method === 'GET' && /\/models$/.test(req.url)) {
				return send(200, {
					object: 'list',
					data: [
						{
							id: 'scripted-demo-model',
							object: 'model',
							created: 0,
							owned_by: 'n8n-nodes-itslearning-genesys',
						},
					],
				});
			}
			if (req.method !== 'POST' || !/\/chat\/completions$/.test(req.url))
				return send(404, { error: { message: `no route ${req.method} ${req.url}` } });
			if (json.stream)
				return send(400, { error: { message: 'the scripted model does not stream' } });
			const messages = json.messages || [];
			const toolResults = messages.filter((m) => m.role === 'tool');
			const tools = json.tools || [];
			if (toolResults.length === 0 && tools.length > 0) {
				const calls = tools.map((t, i) => ({
					id: `call_${i + 1}`,
					type: 'function',
					function: {
						name: t.function.name,
						arguments: JSON.stringify(argumentsFor(t.function.parameters, searchText)),
					},
				}));
				return send(
					200,
					completion(
						json.model,
						{ role: 'assistant', content: null, tool_calls: calls },
						'tool_calls',
					),
				);
			}
			const answer = toolResults
				.map(
					(m) =>
						`${m.tool_call_id}: ${typeof m.content === 'string' ? m.content : JSON.stringify(m.content)}`,
				)
				.join('\n');
			return send(
				200,
				completion(
					json.model,
					{ role: 'assistant', content: `Tool results:\n${answer || '(no tools were offered)'}` },
					'stop',
				),
			);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${server.address().port}`;
	return {
		url,
		requests,
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

module.exports = { startScriptedModel };
