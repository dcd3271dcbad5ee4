#!/usr/bin/env node
'use strict';
// What a user sees in a credential dialog of a running n8n: opens each credential's dialog in the
// editor with headless Chromium (Debian's `chromium`, see test/scripts/editor-page.js) and prints, as
// one JSON line, the labels of the fields the dialog shows (top to bottom), what they show, and its buttons.
//
//   node --experimental-websocket test/editor/dialog-fields.js http://localhost:5678 <credential id>...
//   node --experimental-websocket test/editor/dialog-fields.js http://localhost:5678 --shots=<dir> <id>...
//
// Used by the e2e suite (test/e2e/suite.ts) on n8n 2.x and 1.x; --shots also saves a PNG per dialog.
const path = require('path');

const { withEditorPage } = require('../scripts/editor-page');
const { sleep } = require('../scripts/n8n-run');

/** Runs in the page: the dialog's field labels (without the required mark) and button texts. */
const READ_DIALOG = `(() => {
	const dialog = document.querySelector('[data-test-id="credential-edit-dialog"]');
	if (!dialog) return null;
	const labelOf = (el) => {
		const label = el.querySelector('[data-test-id="input-label"] label, [data-test-id="input-label"], label');
		// the label row also holds the required mark and n8n's Fixed / Expression switch
		return label ? label.innerText.replace(/\\s+/g, ' ').replace(/\\s*(Fixed Expression)?\\s*$/, '').replace(/\\s*\\*$/, '').trim() : '';
	};
	const params = [...dialog.querySelectorAll('[data-test-id="credential-connection-parameter"]')].filter((el) => labelOf(el));
	const fields = params.map(labelOf);
	// what each field shows (a select shows its option's name); password fields are left out
	const values = Object.fromEntries(params.map((el) => {
		const input = el.querySelector('input, textarea');
		return [labelOf(el), input && input.type !== 'password' ? input.value : null];
	}));
	const buttons = [...dialog.querySelectorAll('button')].map((b) => b.innerText.trim()).filter(Boolean);
	return { fields, values, buttons };
})()`;

async function main() {
	const args = process.argv.slice(2);
	const base = (args.shift() || '').replace(/\/+$/, '');
	const shots = args.find((a) => a.startsWith('--shots='))?.slice('--shots='.length);
	const ids = args.filter((a) => !a.startsWith('--'));
	if (!base || ids.length === 0)
		throw new Error('usage: dialog-fields.js <n8n url> [--shots=dir] <credential id>...');
	const result = {};
	await withEditorPage(base, { width: 1280, height: 1400 }, async ({ page, open, shoot }) => {
		for (const id of ids) {
			await open(`/home/credentials/${id}`, 1500);
			let read = null;
			for (let i = 0; i < 40 && !(read && read.fields.length > 0); i++) {
				read = await page.evaluate(READ_DIALOG);
				if (!(read && read.fields.length > 0)) await sleep(500);
			}
			result[id] = read;
			if (shots) await shoot(path.join(shots, `${id}.png`));
		}
	});
	process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
