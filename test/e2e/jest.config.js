// End-to-end tests in a real n8n (`npm run test:e2e`): every example workflow through
// `n8n import:workflow` + `n8n execute --id … --rawOutput`, the credential tests, OAuth connect and
// the polling triggers in a running `n8n start`, on n8n 2.41.1 and 1.123.81, against the emulators.
// Kept apart from `npm test` (jest's default config only matches *.test.ts) because the first run
// installs n8n (~4 min per version) and each n8n CLI start takes seconds.
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform: { '^.+\\.ts$': 'ts-jest' },
	testTimeout: 10 * 60 * 1000,
	reporters: ['default', '<rootDir>/test/harness/summary-reporter.js'],
};
