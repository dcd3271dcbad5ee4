/**
 * Jest `setupFiles` entry: runs before every test file, before any n8n module is loaded.
 *
 * Only environment here. n8n-core reads its configuration from environment variables when its
 * DI container first builds a service (InstanceSettings, BinaryDataConfig, LoggingConfig, ...),
 * so everything must be in place before the first `Container.get`. The asynchronous part of the
 * setup (BinaryDataService.init) happens lazily in `test/harness/n8n.ts` (`prepareN8nCore`).
 */
import 'reflect-metadata';

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// n8n's own test setup (packages/nodes-base/test/setup.ts) does the same.
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'false';

// An isolated n8n user folder per test file: InstanceSettings writes `<folder>/.n8n/config`
// (encryption key) there, and the in-memory binary data service never writes anything.
if (!process.env.N8N_USER_FOLDER) {
	process.env.N8N_USER_FOLDER = mkdtempSync(path.join(tmpdir(), 'n8n-harness-'));
	// Tells test/harness/n8n.ts that it may delete the folder when the test file is done.
	process.env.N8N_HARNESS_OWNS_USER_FOLDER = 'true';
}

// No telemetry look-ups (the machine has no internet).
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';

// Binary data in memory, base64 inside the items (n8n's 'default' mode): what `binaryItem()`
// builds and what `this.helpers.getBinaryDataBuffer()` then reads.
process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'default';

// n8n's logger (Container.get(Logger)) writes straight to stdout, between jest's own output, and
// n8n's ErrorReporter logs every node error there. Silent by default so test output stays
// readable; run e.g. `N8N_LOG_LEVEL=debug npx jest ...` to see n8n's messages ("OAuth2 token for
// ... expired. Revalidating.", node errors, lock warnings).
process.env.N8N_LOG_LEVEL ??= 'silent';

// Tests talk to servers on the loopback interface; never route those through a proxy that a CI
// machine may have configured (n8n's HTTP client honours HTTP(S)_PROXY / NO_PROXY).
const noProxy = (process.env.NO_PROXY ?? process.env.no_proxy ?? '').split(',').filter(Boolean);
for (const host of ['127.0.0.1', 'localhost', '::1']) {
	if (!noProxy.includes(host)) noProxy.push(host);
}
process.env.NO_PROXY = noProxy.join(',');
process.env.no_proxy = process.env.NO_PROXY;
