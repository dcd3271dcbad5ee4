'use strict';
// Scenario 6: idle trigger poll (requests per poll with nothing new, a small world).
const { ITS_CRED, GEN_CRED, log } = require('../common.js');
const { startWorker } = require('../runners.js');

async function idlePoll(world, n8nDir, results) {
	const worker = await startWorker(world, n8nDir);
	const out = [];
	try {
		const triggers = [
			{
				label: 'itslearning trigger, New Message',
				nodeType: 'itslearningInstantMessageTrigger',
				parameters: { event: 'newMessage' },
				credType: 'itslearningOAuth2Api',
				credential: ITS_CRED.read,
				emu: world.its,
			},
			{
				label: 'Genesys trigger, New Message in Any Chat',
				nodeType: 'genesysChatTrigger',
				parameters: { event: 'newMessageAnyChat' },
				credType: 'genesysCloudOAuth2Api',
				credential: GEN_CRED,
				emu: world.gen,
			},
		];
		for (const t of triggers) {
			const scenario = {
				kind: 'poll',
				key: t.nodeType,
				nodeType: t.nodeType,
				parameters: t.parameters,
				credentialTypes: [t.credType],
			};
			world.clear();
			await worker.run({ ...scenario, activation: 'activate' }); // seeds the cursor
			const seedRequests = t.emu.apiRequests().length;
			const idle = [];
			for (let i = 0; i < 3; i++) {
				world.clear();
				const r = await worker.run(scenario);
				idle.push({
					requests: t.emu.apiRequests().map((q) => `${q.method} ${q.url}`),
					emitted: r.emitted,
					ms: r.wallMs,
				});
			}
			out.push({ label: t.label, seedRequests, idle });
			log(
				`idle poll ${t.label}: ${idle.map((p) => p.requests.length).join(', ')} requests (${idle[0].requests.join(' ')})`,
			);
		}
	} finally {
		await worker.close();
	}
	results.poll = out;
}

module.exports = { idlePoll };
