/**
 * Node and credential icons as n8n loads them (the BUILT package's `icon` fields resolved in dist/):
 * one distinct icon per service, light and dark variants, drawn like n8n's own node icons (square
 * 64×64 view box, a glyph without a background tile, a little padding), nothing active in the SVG.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { ICredentialType, INodeTypeDescription } from 'n8n-workflow';

import { REPO_ROOT, loadPackage, type LoadedPackage } from '../harness/n8n';

let pkg: LoadedPackage;
beforeAll(async () => {
	pkg = await loadPackage();
});

type Icon = { light: string; dark: string };

function iconFiles(icon: unknown, dir: string): Icon {
	const { light, dark } = icon as Icon;
	const file = (ref: string) => path.join(dir, ref.replace(/^file:/, ''));
	return { light: file(light), dark: file(dark) };
}

const fillColors = (svg: string) =>
	[...svg.matchAll(/fill="(#[0-9a-f]{6})"/gi)].map((m) => m[1].toLowerCase());

function checkSvg(file: string): string {
	const svg = readFileSync(file, 'utf8');
	expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">')).toBe(true);
	expect(svg).not.toMatch(/<script|<image|href=|on[a-z]+=|<foreignObject/i);
	// No full-size background tile: n8n's node icons are glyphs on the canvas colour.
	expect(svg).not.toMatch(/<rect[^>]*width="64"[^>]*height="64"/);
	// Padding: every absolute coordinate pair of the outline stays inside 1…63.
	for (const [, x, y] of svg.matchAll(/[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)/g)) {
		expect(Number(x)).toBeGreaterThanOrEqual(1);
		expect(Number(x)).toBeLessThanOrEqual(63);
		expect(Number(y)).toBeGreaterThanOrEqual(1);
		expect(Number(y)).toBeLessThanOrEqual(63);
	}
	return svg;
}

it('each node and credential has a light and a dark icon, different files, valid and padded', () => {
	const seen: Record<string, { light: string; dark: string }> = {};
	for (const [name, className] of [
		['itslearningInstantMessage', 'ItslearningInstantMessage'],
		['genesysChat', 'GenesysChat'],
	]) {
		// n8n's loader turns `icon` into an icon URL; read the built class as shipped.
		const dir = path.join(REPO_ROOT, 'dist', 'nodes', className);
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const module = require(path.join(dir, `${className}.node.js`)) as Record<
			string,
			new () => { description: INodeTypeDescription }
		>;
		const { description } = new module[className]();
		expect(pkg.nodeTypes.getByNameAndVersion(pkg.nodeTypeName(name)).description.name).toBe(
			description.name,
		);
		const files = iconFiles(description.icon, dir);
		expect(files.light).not.toBe(files.dark);
		const light = checkSvg(files.light);
		const dark = checkSvg(files.dark);
		expect(light).not.toBe(dark);
		seen[name] = { light, dark };
	}
	for (const [name, className] of [
		['itslearningOAuth2Api', 'ItslearningOAuth2Api'],
		['genesysCloudOAuth2Api', 'GenesysCloudOAuth2Api'],
	]) {
		// n8n's loader turns a credential's `icon` into an icon URL; read the built class as shipped.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const module = require(
			path.join(REPO_ROOT, 'dist', 'credentials', `${className}.credentials.js`),
		) as Record<string, new () => ICredentialType>;
		const type = new module[className]();
		expect(pkg.credentialTypes.getByName(name).name).toBe(type.name);
		const files = iconFiles(type.icon, path.join(REPO_ROOT, 'dist', 'credentials'));
		checkSvg(files.light);
		checkSvg(files.dark);
		// The credential shows the same icon as its service's node.
		const service = name.startsWith('its') ? seen.itslearningInstantMessage : seen.genesysChat;
		expect(readFileSync(files.light, 'utf8')).toBe(service.light);
		expect(readFileSync(files.dark, 'utf8')).toBe(service.dark);
	}
	// The two services do not look alike: their main colours differ.
	const main = (svg: string) => fillColors(svg)[0];
	expect(main(seen.itslearningInstantMessage.light)).not.toBe(main(seen.genesysChat.light));
	expect(main(seen.itslearningInstantMessage.dark)).not.toBe(main(seen.genesysChat.dark));
	expect(seen.itslearningInstantMessage.light).not.toBe(seen.genesysChat.light);
});
