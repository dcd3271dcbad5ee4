// n8n's community-node lint rules in their strict (n8n Cloud) form, exactly as `n8n-node lint`
// applies them. Kept under .ci/ because the package's top level is fixed.
import { config } from '@n8n/node-cli/eslint';

export default [
	...config,
	{ ignores: ['dist/**', 'test/**', 'node_modules/**', '.ci/**', 'gulpfile.js', 'index.js'] },
];
