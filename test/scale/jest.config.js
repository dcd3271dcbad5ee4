// Scale suite (`npm run test:scale`): the pack in n8n 2.41 queue mode (Postgres, Redis, main +
// 2 workers), see test/scale/scale.e2e.ts and README "Running at scale". Kept apart from `npm test`
// because it installs services and n8n on the first run and starts several n8n processes.
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/scale'],
	testMatch: ['**/*.e2e.ts'],
	transform: { '^.+\\.ts$': 'ts-jest' },
	testTimeout: 10 * 60 * 1000,
	// every process the suite starts is stopped in afterAll; leftover sockets (fetch keep-alive) must not hold CI
	forceExit: true,
	reporters: ['default', '<rootDir>/test/harness/summary-reporter.js'],
};
