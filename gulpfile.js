// Copies what tsc does not emit into dist/: node and credential icons (SVG/PNG) and codex files
// (*.node.json), keeping their folder layout so `file:` icon paths resolve next to the built code.
// Writes the output schemas n8n's editor shows before a run (`__schema__/v{X.Y.Z}/{resource}/{operation}.json`
// next to each node's .node.js), generated from the built tables and shapes (nodes/shared/editor/schema.ts).
const fs = require('fs');
const path = require('path');
const { src, dest, parallel } = require('gulp');

function copyNodeAssets() {
	return src(['nodes/**/*.{svg,png}', 'nodes/**/*.node.json'], { encoding: false }).pipe(
		dest('dist/nodes'),
	);
}

function copyCredentialAssets() {
	return src(['credentials/**/*.{svg,png}'], { encoding: false, allowEmpty: true }).pipe(
		dest('dist/credentials'),
	);
}

/** Node folder in dist → the schema files of that node (the node's versions read from its built description). */
function schemaFilesByNode() {
	const dist = (file) => require(path.resolve('dist/nodes', file));
	const { actionSchemaFiles, triggerSchemaFiles } = dist('shared/editor/schema.js');
	const shapes = dist('shared/table/message.js');
	const versionsOf = (folder, name) => {
		const NodeClass = dist(`${folder}/${name}.node.js`)[name];
		const { version } = new NodeClass().description;
		return Array.isArray(version) ? version : [version];
	};
	return {
		ItslearningInstantMessage: actionSchemaFiles(
			dist('ItslearningInstantMessage/ItslearningInstantMessage.table.js')
				.itslearningInstantMessageTable,
			versionsOf('ItslearningInstantMessage', 'ItslearningInstantMessage'),
		),
		GenesysChat: actionSchemaFiles(
			dist('GenesysChat/GenesysChat.table.js').genesysChatTable,
			versionsOf('GenesysChat', 'GenesysChat'),
		),
		ItslearningInstantMessageTrigger: triggerSchemaFiles(
			shapes.itslearningTriggerEventShapes,
			versionsOf('ItslearningInstantMessageTrigger', 'ItslearningInstantMessageTrigger'),
		),
		GenesysChatTrigger: triggerSchemaFiles(
			shapes.genesysTriggerEventShapes,
			versionsOf('GenesysChatTrigger', 'GenesysChatTrigger'),
		),
	};
}

async function writeOutputSchemas() {
	for (const [folder, files] of Object.entries(schemaFilesByNode())) {
		const base = path.join('dist/nodes', folder, '__schema__');
		fs.rmSync(base, { recursive: true, force: true });
		for (const file of files) {
			const target = path.join(base, file.path);
			fs.mkdirSync(path.dirname(target), { recursive: true });
			fs.writeFileSync(target, JSON.stringify(file.schema, null, '\t') + '\n');
		}
	}
}

exports.build = parallel(copyNodeAssets, copyCredentialAssets, writeOutputSchemas);
exports.schemas = writeOutputSchemas;
exports.default = exports.build;
