#!/usr/bin/env node
'use strict';
// What a user reads in n8n's node panel (the node creator) of a running n8n: opens a new workflow
// in the editor with headless Chromium (Debian's `chromium`, see test/scripts/editor-page.js),
// opens "Add first step", searches each given app and opens it, and prints, as one JSON line per
// search text, the texts of the panel's entries in the order shown (category headers as "## …",
// actions and trigger events as they read).
//
//   node --experimental-websocket test/editor/node-panel.js http://localhost:5678 "Genesys Chat" ...
//   node --experimental-websocket test/editor/node-panel.js http://localhost:5678 --shots=<dir> "Genesys Chat" ...
//
// Used by the e2e suite (test/e2e/suite.ts) on n8n 2.x and 1.x; --shots also saves a PNG per app.
const path = require('path');

const { withEditorPage } = require('../scripts/editor-page');
const { sleep } = require('../scripts/n8n-run');

const q = (text) => JSON.stringify(text);

/** Runs in the page: the centre of the first visible element matching `selector` (whose text contains `text`). */
const centre = (selector, text = '') => `(() => {
	const el = [...document.querySelectorAll(${q(selector)})].find((e) => e.offsetParent !== null && e.innerText.includes(${q(text)}));
	if (!el) return null;
	el.scrollIntoView({ block: 'center' });
	const r = el.getBoundingClientRect();
	return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
})()`;

/** A real mouse click (DevTools Input events) on the centre of an element. */
async function click(page, selector, text) {
	const at = await until(page, centre(selector, text));
	if (!at) return false;
	for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased'])
		await page.send('Input.dispatchMouseEvent', {
			type,
			x: at.x,
			y: at.y,
			button: 'left',
			clickCount: 1,
		});
	return true;
}

/** Runs in the page: the panel's entries in order (category headers, actions, trigger events). */
const READ_PANEL = `(() => {
	const panel = document.querySelector('[data-test-id="node-creator"]');
	if (!panel) return null;
	const entries = [...panel.querySelectorAll('[data-test-id="node-creator-category-item"], [data-test-id="node-creator-item-name"]')];
	return entries.map((el) => {
		const text = el.innerText.replace(/\\s+/g, ' ').trim();
		return el.matches('[data-test-id="node-creator-category-item"]') ? '## ' + text : text;
	}).filter((text) => text && text !== '##');
})()`;

async function until(page, expression, tries = 40) {
	for (let i = 0; i < tries; i++) {
		const value = await page.evaluate(expression);
		if (value) return value;
		await sleep(500);
	}
	return null;
}

async function main() {
	const args = process.argv.slice(2);
	const base = (args.shift() || '').replace(/\/+$/, '');
	const shots = args.find((a) => a.startsWith('--shots='))?.slice('--shots='.length);
	const apps = args.filter((a) => !a.startsWith('--'));
	if (!base || apps.length === 0)
		throw new Error('usage: node-panel.js <n8n url> [--shots=dir] <app name>...');
	const result = {};
	await withEditorPage(base, { width: 1280, height: 4000 }, async ({ page, open, shoot }) => {
		for (const app of apps) {
			await open('/workflow/new', 1500);
			if (!(await click(page, '[data-test-id="canvas-add-button"]')))
				throw new Error('no "Add first step" button');
			if (
				!(await until(
					page,
					`document.querySelector('input[data-test-id="node-creator-search-bar"]') !== null`,
				))
			)
				throw new Error('the node panel did not open');
			await page.evaluate(
				`document.querySelector('input[data-test-id="node-creator-search-bar"]').focus()`,
			);
			await page.send('Input.insertText', { text: app });
			await sleep(1000);
			if (!(await click(page, '[data-test-id="node-creator-item-name"]', app)))
				throw new Error(`no "${app}" in the node panel`);
			await sleep(1500);
			// Open the categories shown closed (a header followed by another header or by nothing).
			let entries = await until(
				page,
				`(() => { const r = ${READ_PANEL}; return r && r.length > 1 ? r : null; })()`,
			);
			const closed = (entries ?? []).filter(
				(entry, i, all) =>
					entry.startsWith('## ') && (i === all.length - 1 || all[i + 1].startsWith('## ')),
			);
			for (const header of closed)
				await click(page, '[data-test-id="node-creator-category-item"]', header.slice(3));
			if (closed.length) {
				await sleep(1000);
				entries = await page.evaluate(READ_PANEL);
			}
			result[app] = entries;
			if (shots) await shoot(path.join(shots, `${app.replace(/\W+/g, '-')}.png`));
		}
	});
	process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
