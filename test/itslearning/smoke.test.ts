import { CredentialStore, loadPackage, runNode } from '../harness/n8n';
import { startItslearningEmulator, type ItslearningEmulator } from '../emulator/itslearning';

let emu: ItslearningEmulator;
beforeAll(async () => {
	emu = await startItslearningEmulator();
});
afterAll(async () => await emu.close());

it('sends a message and reads unread counts through n8n-core', async () => {
	const pkg = await loadPackage();
	const store = new CredentialStore(pkg);
	const tok = emu.issueToken({ personId: 1 });
	const cred = store.add('itslearningOAuth2Api', { siteUrl: emu.url, clientId: 'n8n-test-client', oauthTokenData: { ...tok } });
	const thread = emu.createThread(1, [2], 'Smoke');
	const sent = await runNode({
		store,
		nodeType: 'itslearningInstantMessage',
		parameters: { resource: 'message', operation: 'send', text: 'hello', additionalFields: { instantMessageThreadId: String(thread.InstantMessageThreadId) } },
		credentials: { itslearningOAuth2Api: cred },
	});
	expect(sent.error).toBeUndefined();
	console.log(JSON.stringify(sent.items[0].json).slice(0, 300));
	console.log(JSON.stringify(emu.apiRequests().map((r) => [r.method, r.url, r.body, r.headers.authorization])));
	expect(emu.unreadThreadsCount(2)).toBe(1);
});
