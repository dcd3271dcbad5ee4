'use strict';
// Lets plain `node` require the TypeScript emulators (test/emulator/*.ts): each .ts file is
// transpiled on the fly with the project's TypeScript (a dev dependency), no type check, no build.
const fs = require('fs');
const ts = require('typescript');

if (require.extensions && !require.extensions['.ts']) {
	require.extensions['.ts'] = (module, filename) => {
		const source = fs.readFileSync(filename, 'utf8');
		const { outputText } = ts.transpileModule(source, {
			fileName: filename,
			compilerOptions: {
				module: ts.ModuleKind.CommonJS,
				target: ts.ScriptTarget.ES2022,
				esModuleInterop: true,
			},
		});
		module._compile(outputText, filename);
	};
}
