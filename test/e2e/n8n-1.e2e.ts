import { defineN8nSuite } from './suite';

// The latest n8n 1.x (installed with an xlsx override, see test/scripts/n8n-install.js).
defineN8nSuite('1.123.81');
