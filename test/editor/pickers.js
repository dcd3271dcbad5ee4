#!/usr/bin/env node
'use strict';
// What a user sees and does in a node's panel of a running n8n, for the pickers and output schemas
// (issues #17 and #18): headless Chromium (Debian's `chromium`, see test/scripts/editor-page.js)
// adds a node through the node panel or opens one by URL, adds entries to a list of pickers, picks
// From list (optionally typing a search first) and types By ID, saves, and prints one JSON line per
// run with what the page shows: the From list items offered, the field's entries (mode and text),
// the issue marks, the parameter panel's labels and values, and the input panel's text.
//
//   node --experimental-websocket test/editor/pickers.js http://localhost:5678 [--shots=<dir>] '<scenarios as JSON>'
//
// A scenario: { name, new?: { app, item }, credential?: '<name>' (chosen on a new node), open?:
// '/workflow/<id>/<node id>', field?, add?, picks?: [{ search?, choose }], byId?: [text], save?: true }. Used by the e2e suite (test/e2e/suite.ts)
// on n8n 2.41.1.
const fs = require('fs');
const path = require('path');

const { withEditorPage } = require('../scripts/editor-page');
const { sleep } = require('../scripts/n8n-run');

const q = (text) => JSON.stringify(text);

async function until(page, expression, tries = 40) {
	for (let i = 0; i < tries; i++) {
		const value = await page.evaluate(expression);
		if (value) return value;
		await sleep(500);
	}
	return null;
}

/** Runs in the page: the centre of an element (scrolled into view), or null. */
const centreOf = (elementExpression) => `(() => {
	const el = ${elementExpression};
	if (!el) return null;
	el.scrollIntoView({ block: 'center' });
	const r = el.getBoundingClientRect();
	return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
})()`;

/** The first visible element matching `selector` whose text contains `text`. */
const visible = (selector, text = '') =>
	`[...document.querySelectorAll(${q(selector)})].find((e) => e.offsetParent !== null && e.innerText.includes(${q(text)}))`;

/** The `index`-th element matching `selector` inside the field's block. */
const inField = (field, selector, index) =>
	`[...document.querySelectorAll('[data-test-id="fixed-collection-${field}"] ${selector}')][${index}]`;

/** A real mouse click (DevTools Input events) on the centre of an element; waits for it to exist. */
async function click(page, elementExpression, what) {
	const at = await until(page, centreOf(elementExpression));
	if (!at) throw new Error(`nothing to click: ${what}`);
	for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased'])
		await page.send('Input.dispatchMouseEvent', {
			type,
			x: at.x,
			y: at.y,
			button: 'left',
			clickCount: 1,
		});
}

/**
 * Clicks until `done` (a page expression) holds: a click that lands while the panel still moves
 * (it slides in, a list re-renders) is repeated, up to `attempts` times.
 */
async function clickUntil(page, elementExpression, done, what, attempts = 4) {
	for (let i = 0; i < attempts; i++) {
		await click(page, elementExpression, what);
		if (await until(page, done, 12)) return true;
	}
	return false;
}

async function typeText(page, text) {
	await page.send('Input.insertText', { text });
}

async function key(page, keyName, code, modifiers = 0) {
	for (const type of ['keyDown', 'keyUp'])
		await page.send('Input.dispatchKeyEvent', {
			type,
			key: keyName,
			code,
			modifiers,
			windowsVirtualKeyCode: keyName.length === 1 ? keyName.toUpperCase().charCodeAt(0) : 27,
		});
}

/** Runs in the page: the items of the open From list dropdown (null while it loads). */
const READ_LIST = `(() => {
	const items = [...document.querySelectorAll('[data-test-id="rlc-item"]')].filter((e) => e.offsetParent !== null);
	return items.length ? items.map((e) => e.innerText.replace(/\\s+/g, ' ').trim()) : null;
})()`;

/** Runs in the page: the open From list dropdown's items, or its error text (null while it loads). */
const LIST_STATE = `(() => {
	const items = ${READ_LIST};
	if (items) return { items };
	const error = [...document.querySelectorAll('[data-test-id="rlc-error-container"]')].find((e) => e.getClientRects().length > 0);
	return error ? { error: error.innerText.replace(/\\s+/g, ' ').trim() } : null;
})()`;

/** Runs in the page: the entries of a list of pickers (mode shown, text shown) and its issue marks. */
const readField = (field) => `(() => {
	const block = document.querySelector('[data-test-id="fixed-collection-${field}"]');
	if (!block) return null;
	const entries = [...block.querySelectorAll('[data-test-id="resource-locator-id"]')].map((rl) => {
		const mode = rl.querySelector('[data-test-id="rlc-mode-selector"] input');
		const input = rl.querySelector('[data-test-id="rlc-input"] input, [data-test-id="rlc-input"] textarea, input[data-test-id="rlc-input"]');
		return { mode: mode ? mode.value : null, text: input ? input.value : null };
	});
	return { entries, issues: block.querySelectorAll('[data-test-id="parameter-issues"]').length };
})()`;

/** Runs in the page: the parameter panel as the user reads it, labels and the values shown, in order. */
const READ_PANEL = `(() => {
	const panel = document.querySelector('[data-test-id="node-parameters"]');
	if (!panel) return null;
	const out = [];
	for (const el of panel.querySelectorAll('[data-test-id="input-label"], input, textarea')) {
		if (el.offsetParent === null) continue;
		if (el.matches('[data-test-id="input-label"]')) {
			const label = (el.querySelector('label') || el).innerText.replace(/\\s+/g, ' ').replace(/\\s*(Fixed Expression)?\\s*$/, '').replace(/\\s*\\*$/, '').trim();
			if (label) out.push('label: ' + label);
		} else if (el.type !== 'checkbox' && el.type !== 'password' && el.value) out.push('value: ' + el.value);
	}
	return { entries: out, issues: panel.querySelectorAll('[data-test-id="parameter-issues"]').length };
})()`;

/** Runs in the page: the input panel's text (the mapping panel: previous nodes' fields). */
const READ_INPUT = `(() => {
	const ndv = document.querySelector('[data-test-id="ndv"]');
	if (!ndv) return null;
	const text = ndv.innerText;
	const end = text.indexOf('Parameters\\n');
	return end > 0 ? text.slice(0, end) : null;
})()`;

/** The node panel's credential field (its input). */
const CREDENTIAL_INPUT = `document.querySelector('[data-test-id="node-parameters"] [data-test-id="node-credentials-select"] input')`;

/** Runs in the page: where it is, the visible dialogs and toasts, and the node panel's credential. */
const FAILURE_STATE = `(() => {
	const shown = (sel) => [...document.querySelectorAll(sel)].filter((e) => e.offsetParent !== null).map((e) => e.innerText.replace(/\\s+/g, ' ').trim().slice(0, 300));
	const cred = ${CREDENTIAL_INPUT};
	return {
		url: location.pathname,
		dialogs: shown('.el-dialog, .el-message-box, [role="dialog"]'),
		toasts: shown('.el-notification'),
		credential: cred ? cred.value : null,
		field: document.querySelector('[data-test-id="node-parameters"]') ? document.querySelector('[data-test-id="node-parameters"]').innerText.replace(/\\s+/g, ' ').slice(0, 800) : null,
	};
})()`;

async function addNode(page, open, app, item) {
	await open('/workflow/new', 1500);
	await click(page, visible('[data-test-id="canvas-add-button"]'), '"Add first step"');
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
	await typeText(page, app);
	await sleep(1000);
	await click(page, visible('[data-test-id="node-creator-item-name"]', app), app);
	await sleep(1500);
	await click(page, visible('[data-test-id="node-creator-item-name"]', item), item);
	if (!(await until(page, `document.querySelector('[data-test-id="node-parameters"]') !== null`)))
		throw new Error(`no node panel after choosing "${item}"`);
	await sleep(1500);
}

/**
 * Runs in the page: whether the editor holds no unsaved change (its stores' `stateIsDirty`);
 * 'unknown' where no store has that flag (then the e2e's check of the stored workflow tells).
 */
const SAVED = `(() => {
	const app = document.querySelector('#app');
	const pinia = app && app.__vue_app__ && app.__vue_app__.config.globalProperties.$pinia;
	const stores = pinia ? [...pinia._s.values()].filter((store) => 'stateIsDirty' in store) : [];
	return stores.length ? stores.every((store) => store.stateIsDirty === false) : 'unknown';
})()`;

/** Runs in the page: the credential the node panel shows (null while there is no credential field). */
const SHOWN_CREDENTIAL = `(() => {
	const input = ${CREDENTIAL_INPUT};
	return input ? input.value : null;
})()`;

/**
 * Makes the node panel use the credential `name`: n8n gives a new node the credential of its type
 * updated last, which need not be this one when several exist (earlier tests create others).
 * Returns the credential n8n had assigned.
 */
async function useCredential(page, name) {
	if ((await until(page, `${SHOWN_CREDENTIAL} !== null`, 60)) === null)
		throw new Error('the node panel shows no credential field');
	const assigned = await page.evaluate(SHOWN_CREDENTIAL);
	if (assigned === name) return assigned;
	const option = `[...document.querySelectorAll('[data-test-id^="node-credentials-select-item-"]')].find((e) => e.offsetParent !== null && e.innerText.includes(${q(name)}))`;
	if (!(await clickUntil(page, CREDENTIAL_INPUT, `!!(${option})`, 'the credential field')))
		throw new Error(`the credential field offers no "${name}"`);
	await click(page, option, `credential "${name}"`);
	if (!(await until(page, `${SHOWN_CREDENTIAL} === ${q(name)}`, 60)))
		throw new Error(
			`the credential field shows "${await page.evaluate(SHOWN_CREDENTIAL)}", not "${name}"`,
		);
	await sleep(1000);
	return assigned;
}

async function entryCount(page, field) {
	return await page.evaluate(
		`document.querySelectorAll('[data-test-id="fixed-collection-${field}"] [data-test-id="resource-locator-id"]').length`,
	);
}

async function addEntry(page, field, add) {
	const before = await entryCount(page, field);
	const added = `document.querySelectorAll('[data-test-id="fixed-collection-${field}"] [data-test-id="resource-locator-id"]').length > ${before}`;
	const button = `[...document.querySelectorAll('[data-test-id="fixed-collection-${field}"] [data-test-id="fixed-collection-add"]')].find((e) => e.innerText.includes(${q(add)}))`;
	if (!(await clickUntil(page, button, added, add))) throw new Error(`"${add}" added no entry`);
	return before;
}

/** Opens the From list dropdown of entry `index`, types `search` when given, reads the items, picks `choose`. */
async function pickFromList(page, field, index, { search, choose }) {
	const opened = `[...document.querySelectorAll('[data-test-id="rlc-search"]')].some((e) => e.offsetParent !== null)`;
	const input = inField(field, '[data-test-id="rlc-input"]', index);
	if (!(await clickUntil(page, input, opened, `entry ${index}`)))
		throw new Error('the From list dropdown did not open');
	if (search) {
		await sleep(300);
		await typeText(page, search);
	}
	await sleep(1000);
	// the items, or the dropdown's error (e.g. "Could not load list"): an open dropdown would cover the
	// buttons below it, so it is closed before failing
	const state = await until(page, LIST_STATE, 120);
	if (!state || state.error) {
		await key(page, 'Escape', 'Escape');
		throw new Error(
			`the From list of entry ${index} offered nothing to choose "${choose}" from: ${state ? state.error : 'no items within 60 s'}`,
		);
	}
	const { items } = state;
	await click(page, visible('[data-test-id="rlc-item"]', choose), `item "${choose}"`);
	await sleep(800);
	return { items, chosen: choose };
}

/** Switches entry `index` to By ID and types `text` into it, then leaves the field. */
async function typeById(page, field, index, text) {
	await click(page, inField(field, '[data-test-id="rlc-mode-selector"]', index), 'mode');
	await sleep(800);
	await click(page, visible('.el-select-dropdown__item, [role="option"]', 'By ID'), '"By ID"');
	await sleep(500);
	await click(page, inField(field, '[data-test-id="rlc-input"]', index), `entry ${index}`);
	await typeText(page, text);
	await sleep(300);
	// leave the field (a click on the panel's first label), so n8n validates it
	await click(
		page,
		visible('[data-test-id="node-parameters"] [data-test-id="input-label"]'),
		'a label',
	);
	await sleep(800);
}

async function run(page, open, shoot, shots, scenario) {
	const result = { name: scenario.name, lists: [] };
	if (scenario.new) {
		await addNode(page, open, scenario.new.app, scenario.new.item);
		// the credential n8n assigned is kept in the result (for a look after a failure)
		if (scenario.credential)
			result.assignedCredential = await useCredential(page, scenario.credential);
	} else {
		await open(scenario.open, 1500);
		if (!(await until(page, `document.querySelector('[data-test-id="node-parameters"]') !== null`)))
			throw new Error(`no node panel at ${scenario.open}`);
		await sleep(1500);
	}
	for (const pick of scenario.picks ?? []) {
		const index = await addEntry(page, scenario.field, scenario.add);
		result.lists.push(await pickFromList(page, scenario.field, index, pick));
	}
	for (const text of scenario.byId ?? []) {
		const index = await addEntry(page, scenario.field, scenario.add);
		await typeById(page, scenario.field, index, text);
	}
	if (scenario.field) result.field = await page.evaluate(readField(scenario.field));
	result.panel = await page.evaluate(READ_PANEL);
	result.input = await until(page, READ_INPUT, 10);
	if (shots) await shoot(path.join(shots, `${scenario.name}.png`));
	if (scenario.save) {
		await key(page, 's', 'KeyS', 2); // Ctrl+S
		await sleep(1000);
		// saved before the next scenario leaves the page (else n8n asks to save changes before leaving)
		result.saved = await until(page, SAVED, 120);
		if (!result.saved) throw new Error('the workflow was not saved (Ctrl+S)');
	}
	if (scenario.credential) result.credential = await page.evaluate(SHOWN_CREDENTIAL);
	result.url = await page.evaluate('location.pathname');
	return result;
}

async function main() {
	const args = process.argv.slice(2);
	const base = (args.shift() || '').replace(/\/+$/, '');
	const shots = args.find((a) => a.startsWith('--shots='))?.slice('--shots='.length);
	const spec = args.find((a) => !a.startsWith('--'));
	if (!base || !spec) throw new Error('usage: pickers.js <n8n url> [--shots=dir] <scenarios JSON>');
	const results = {};
	await withEditorPage(base, { width: 1400, height: 1400 }, async ({ page, open, shoot }) => {
		for (const scenario of JSON.parse(spec)) {
			try {
				results[scenario.name] = await run(page, open, shoot, shots, scenario);
			} catch (error) {
				// what the page showed when a step failed: a screenshot and the visible dialogs' texts
				if (shots) await shoot(path.join(shots, `${scenario.name}-failed.png`)).catch(() => {});
				const seen = await page.evaluate(FAILURE_STATE).catch(() => null);
				error.message += ` (scenario ${scenario.name}; page: ${JSON.stringify(seen)})`;
				throw error;
			}
		}
	});
	if (shots) {
		fs.mkdirSync(shots, { recursive: true });
		fs.writeFileSync(path.join(shots, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
	}
	process.stdout.write(`${JSON.stringify(results)}\n`);
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
