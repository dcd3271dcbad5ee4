'use strict';
// Package entry. n8n itself loads the files listed under "n8n" in package.json; this entry lets
// `require('n8n-nodes-itslearning-genesys')` reach the node classes, credentials and endpoint tables.
// Plain relative requires of those same files (test/package.test.ts checks the two lists agree):
// n8n's package scanner refuses `path` and `__dirname` in the shipped code.
const nodes = Object.assign(
	{},
	require('./dist/nodes/GenesysChat/GenesysChat.node.js'),
	require('./dist/nodes/GenesysChatTrigger/GenesysChatTrigger.node.js'),
	require('./dist/nodes/ItslearningInstantMessage/ItslearningInstantMessage.node.js'),
	require('./dist/nodes/ItslearningInstantMessageTrigger/ItslearningInstantMessageTrigger.node.js'),
);
const credentials = Object.assign(
	{},
	require('./dist/credentials/GenesysCloudOAuth2Api.credentials.js'),
	require('./dist/credentials/ItslearningOAuth2Api.credentials.js'),
);

module.exports = { nodes, credentials, ...nodes, ...credentials };
