'use strict';
/**
 * Jest reporter that ends the run with one machine-readable line:
 *
 *   N passed, N failed            (jest's numPassedTests / numFailedTests)
 *   N passed, N failed, N skipped (when tests were skipped or marked todo)
 *
 * Jest always runs its own summary reporter after every configured reporter, so printing from
 * onRunComplete would land above "Test Suites: ... / Ran all test suites". The line is therefore
 * written when the jest process exits (synchronously, from the 'exit' event), which makes it the
 * very last line of the run. In watch mode (no exit) it is printed right after each run.
 *
 * A test file that cannot run at all (syntax or type error, failing import) counts no test; each
 * such file is counted as one failure (and named on a line above), so the line never reads
 * "0 failed" for a broken run.
 */
const fs = require('node:fs');

class SummaryReporter {
	constructor(globalConfig, reporterOptions, reporterContext) {
		this.globalConfig = globalConfig;
		this.reporterOptions = reporterOptions;
		this.reporterContext = reporterContext;
		this.pending = undefined;
		this.exitHookInstalled = false;
	}

	onRunComplete(_testContexts, results) {
		const passed = results.numPassedTests;
		const brokenFiles = results.testResults
			.filter((r) => r.testExecError)
			.map((r) => r.testFilePath);
		const failed = results.numFailedTests + brokenFiles.length;
		const skipped = results.numPendingTests + (results.numTodoTests ?? 0);
		let text = '';
		for (const file of brokenFiles)
			text += `test file failed to run (counted as 1 failed): ${file}\n`;
		text += `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`;

		if (this.globalConfig.watch || this.globalConfig.watchAll) {
			setImmediate(() => process.stdout.write(text));
			return;
		}
		this.pending = text;
		if (!this.exitHookInstalled) {
			this.exitHookInstalled = true;
			process.once('exit', () => {
				if (this.pending !== undefined) fs.writeSync(1, this.pending);
			});
		}
	}
}

module.exports = SummaryReporter;
