'use strict';
// Shared by bench.js, its scenarios and the report writer: command-line flags, sizes, logging and
// number formatting, the credentials' ids.
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const NO_WRITE = args.includes('--no-write');
/** `--name=value` or `--name value`; `--name` alone gives `fallback`. */
function flagValue(name, fallback) {
	const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
	if (i === -1) return undefined;
	if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
	const next = args[i + 1];
	return next !== undefined && !next.startsWith('--') ? next : fallback;
}
const ALL_SECTIONS = 'harness,n8n,returnAll,rate,load,poll,profile,triggers';
const ONLY = new Set((flagValue('only', ALL_SECTIONS) ?? ALL_SECTIONS).split(',').filter(Boolean));

const SIZES = QUICK
	? { items0: 300, items20: 100, rounds0: 1, rateN: 100, rateItems: 600, returnAll: [5000, 20000] }
	: {
			items0: 2000,
			items20: 400,
			rounds0: 2,
			rateN: 200,
			rateItems: 5000,
			returnAll: [20000, 100000],
		};
const LATENCIES = [0, 20];
const CONCURRENCY = 8;

const log = (message) =>
	process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (x, digits = 2) =>
	x === undefined || x === null || Number.isNaN(x) ? '–' : Number(x).toFixed(digits);

const ITS_CRED = {
	read: { id: 'benchItsRead0001', name: 'itslearning read (bench)' },
	send: { id: 'benchItsSend0001', name: 'itslearning send (bench)' },
};
const GEN_CRED = { id: 'benchGenesys0001', name: 'Genesys (bench)' };
const DAY = 24 * 3600;
const locator = (value) => ({ __rl: true, mode: 'id', value: String(value) });
const TEXT = 'Benchmark message';

/** The variants of the per-item scenario, as the report names them. */
const VARIANT_LABEL = {
	a: '(a) raw undici keep-alive loop',
	a8: `(a) raw undici loop, ${CONCURRENCY} at a time`,
	a2: '(a2) bare httpRequestWithAuthentication loop',
	b: '(b) this node',
	b8: `(b) this node, Concurrency ${CONCURRENCY}`,
	b16: '(b) this node, Concurrency 16',
	b64: '(b) this node, Concurrency 64 (the maximum)',
	c: '(c) HTTP Request node + same credential',
	d: '(d) HTTP Request node, token in a header',
};

module.exports = {
	REPO,
	args,
	QUICK,
	NO_WRITE,
	ONLY,
	flagValue,
	SIZES,
	LATENCIES,
	CONCURRENCY,
	log,
	sleep,
	fmt,
	ITS_CRED,
	GEN_CRED,
	DAY,
	locator,
	TEXT,
	VARIANT_LABEL,
};
