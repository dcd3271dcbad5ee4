'use strict';
// Package entry. n8n itself loads the files listed under "n8n" in package.json; this entry lets
// `require('n8n-nodes-itslearning-genesys')` reach the node classes, credentials and endpoint tables.
const path = require('path');

const pkg = require('./package.json');

function load(file) {
	return require(path.join(__dirname, file));
}

const nodes = {};
for (const file of pkg.n8n.nodes) Object.assign(nodes, load(file));
const credentials = {};
for (const file of pkg.n8n.credentials) Object.assign(credentials, load(file));

module.exports = { nodes, credentials, ...nodes, ...credentials };
