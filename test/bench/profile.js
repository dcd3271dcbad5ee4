'use strict';
// Summarises a V8 CPU profile (.cpuprofile: the inspector's Profiler.stop result or `node
// --cpu-prof` output) into where the time goes: categories and the top functions by self time.
//
// A sample's category: "credentials" when any frame of its stack is credential loading,
// decryption or resolution (n8n's getCredentials / CredentialsHelper); otherwise the innermost
// frame that belongs to a known layer (so Node's http internals under axios count as axios, and
// lodash under the expression engine counts as expression resolution); otherwise the leaf itself
// (Node.js internals, garbage collector, idle).

const CREDENTIAL_FUNCTIONS = new Set([
	'getCredentials',
	'_getCredentials',
	'getDecrypted',
	'applyDefaultsAndOverwrites',
	'getCredentialsProperties',
	'decrypt',
	'getData',
]);

/** Layer of one frame, or undefined when the frame says nothing on its own. */
function layerOf(frame) {
	const url = frame.url || '';
	const fn = frame.functionName || '';
	if (
		/n8n-nodes-itslearning-genesys\/dist\/|\/work\/[^/]+\/dist\/(nodes|credentials)\//.test(url) ||
		/\/main\/dist\/(nodes|credentials)\//.test(url)
	)
		return 'pack (this node’s own code)';
	if (/bench\/probe\//.test(url)) return 'bench probe loop';
	if (/request-helpers\/oauth|client-oauth2|@n8n\/client-oauth2/.test(url))
		return 'OAuth2 signing (requestOAuth2, client-oauth2)';
	if (/\/axios\/|follow-redirects|form-data|proxy-from-env|combined-stream|asynckit/.test(url))
		return 'axios (+ follow-redirects)';
	if (/request-helper-functions|request-helpers\/|ssrf|backend-network/.test(url))
		return 'n8n request helpers (httpRequest → axios options)';
	if (
		/expression|workflow-data-proxy|extensions\/|riot-tmpl|tmpl|isolated-vm|esprima|recast|jssha|luxon/.test(
			url,
		)
	)
		return 'expression resolution & parameters';
	if (/n8n-workflow\/dist\/.*(node-helpers|node-parameters|get-node-parameter|parameter)/.test(url))
		return 'expression resolution & parameters';
	if (
		/getNodeParameter|getParameterValue|getNodeParameters|resolveSimpleParameterValue/.test(fn) &&
		/n8n-(core|workflow)/.test(url)
	)
		return 'expression resolution & parameters';
	if (
		/n8n-core\/dist|n8n-workflow\/dist|harness\/n8n\.ts|@n8n\/|\/n8n\/dist\/|nodes-base\/dist\/nodes\/HttpRequest/.test(
			url,
		)
	) {
		if (/nodes-base\/dist\/nodes\/HttpRequest/.test(url)) return 'HTTP Request node’s own code';
		return 'n8n engine (workflow-execute, contexts, run data)';
	}
	if (/sqlite|typeorm|@n8n\/db/.test(url)) return 'database (credential row read)';
	return undefined;
}

function isCredentialFrame(frame) {
	const url = frame.url || '';
	if (
		/credentials-helper|credentials\.js$|cipher|credentials\.repository|credentials-overwrites|credential-resolver/.test(
			url,
		)
	)
		return true;
	return (
		CREDENTIAL_FUNCTIONS.has(frame.functionName) &&
		/n8n-core|n8n\/dist|harness\/n8n\.ts|@n8n\//.test(url)
	);
}

function leafLayer(frame) {
	const fn = frame.functionName || '';
	if (fn === '(garbage collector)') return 'garbage collector';
	if (fn === '(idle)') return 'idle (waiting for I/O)';
	if (fn === '(program)') return 'V8 / program (unattributed)';
	if ((frame.url || '').startsWith('node:') || !frame.url)
		return 'Node.js internals (http, net, streams, timers)';
	return 'other libraries';
}

const shortUrl = (url) =>
	(url || '')
		.replace(/^file:\/\//, '')
		.replace(/.*node_modules\//, '')
		.replace(/.*\/(test|dist)\//, '$1/');

/**
 * @param profile the .cpuprofile object
 * @param options.window optional [startUs, endUs] of profile time to keep
 * @returns { totalMs, categories: [{ name, ms, share }], top: [{ name, ms, share }] }
 */
function summarize(profile, { top = 15 } = {}) {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map();
	for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
	const categoryOf = new Map();
	const categorize = (id) => {
		if (categoryOf.has(id)) return categoryOf.get(id);
		let innermost;
		let credential = false;
		for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
			const frame = byId.get(cur).callFrame;
			if (isCredentialFrame(frame)) credential = true;
			if (innermost === undefined) innermost = layerOf(frame);
		}
		const leaf = byId.get(id).callFrame;
		const category = credential
			? 'credentials (getCredentials: load, decrypt, resolve)'
			: (innermost ?? leafLayer(leaf));
		categoryOf.set(id, category);
		return category;
	};
	const cat = new Map();
	const fns = new Map();
	let total = 0;
	const { samples, timeDeltas } = profile;
	for (let i = 0; i < samples.length; i++) {
		const dt = (timeDeltas[i + 1] ?? timeDeltas[i] ?? 0) / 1000;
		if (dt <= 0) continue;
		const id = samples[i];
		total += dt;
		const c = categorize(id);
		cat.set(c, (cat.get(c) || 0) + dt);
		const f = byId.get(id).callFrame;
		const key = `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
		fns.set(key, (fns.get(key) || 0) + dt);
	}
	const rows = (m) =>
		[...m]
			.sort((a, b) => b[1] - a[1])
			.map(([name, ms]) => ({ name, ms, share: total ? ms / total : 0 }));
	return { totalMs: total, categories: rows(cat), top: rows(fns).slice(0, top) };
}

module.exports = { summarize };
