'use strict';
// Scenario 3: Return All of 100,000 messages (memory grows only with the data).
const { SIZES, ITS_CRED, GEN_CRED, locator, log, fmt } = require('../common.js');
const { startWorker, harnessNode } = require('../runners.js');

async function returnAll(world, n8nDir, results) {
	const out = [];
	for (const service of ['its', 'gen']) {
		for (const count of SIZES.returnAll) {
			let params;
			let credentialType;
			let credential;
			if (service === 'its') {
				const thread = world.its.createThread(2, [3], `Return all ${count}`);
				world.its.addMessages(thread.InstantMessageThreadId, 3, count, 'History');
				params = {
					resource: 'message',
					operation: 'getMany',
					threadId: locator(thread.InstantMessageThreadId),
					returnAll: true,
				};
				credentialType = 'itslearningOAuth2Api';
				credential = ITS_CRED.send;
			} else {
				const room = world.newRoom();
				world.gen.addRoomMessages(room, world.gen.userIds[1], count, { stepMs: 1000 });
				params = {
					resource: 'roomMessage',
					operation: 'getHistory',
					roomJid: locator(room),
					returnAll: true,
				};
				credentialType = 'genesysCloudOAuth2Api';
				credential = GEN_CRED;
			}
			// A fresh process per run, so its peak RSS belongs to this run alone.
			const worker = await startWorker(world, n8nDir);
			try {
				const base = await worker.run({ kind: 'gc' });
				const node = {
					nodeType: service === 'its' ? 'itslearningInstantMessage' : 'genesysChat',
					parameters: params,
					credentialTypes: [credentialType],
					credentials: { [credentialType]: credential },
				};
				world.clear();
				const r = await harnessNode(worker, node, 1, { measureOutput: true });
				const emu = service === 'its' ? world.its : world.gen;
				const row = {
					service:
						service === 'its'
							? 'itslearning messages v3 (cursor)'
							: 'Genesys room history (date windows)',
					count,
					outputItems: r.outputItems,
					seconds: r.executionTime / 1000,
					requests: emu.apiRequests().length,
					baseRssMb: base.rssKb / 1024,
					peakRssMb: r.maxRssKb / 1024,
					baseHeapMb: base.heapKb / 1024,
					retainedHeapMb: r.heapAfterGcKb / 1024,
					outputMb: r.outputBytes / 1024 / 1024,
					error: r.error,
				};
				out.push(row);
				log(
					`return all ${service} ${count}: ${fmt(row.seconds)} s, ${row.requests} requests, peak RSS ${fmt(row.peakRssMb, 0)} MB (base ${fmt(row.baseRssMb, 0)})${r.error ? ` ERROR ${r.error}` : ''}`,
				);
			} finally {
				await worker.close();
			}
			world.clear();
		}
	}
	results.returnAll = out;
}

module.exports = { returnAll };
