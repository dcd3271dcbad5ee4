/**
 * Workflows and credentials of the scale suite (n8n import format).
 *
 * - "send": a production Webhook (POST /webhook/scale-send, answers at once, so the main only
 *   enqueues) → Split Out of `body.messages` → Itslearning Instant Message, Message → Send into
 *   one thread, text from the item. One webhook call = one queued execution = one batch of sends.
 * - one trigger workflow per polling trigger (itslearning New Message, Genesys New Message in
 *   Any Chat), polling every 5 seconds.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PACKAGE = 'n8n-nodes-itslearning-genesys';
export const CREDENTIAL_IDS = {
	itslearning: 'itsScaleCredntl1',
	genesys: 'genScaleCredntl1',
	itslearningSecond: 'itsScaleCredntl2',
};
export const WORKFLOW_IDS = {
	send: 'scaleSendFlow001',
	itsTrigger: 'scaleItsTrigger1',
	genTrigger: 'scaleGenTrigger1',
};
export const SEND_PATH = 'scale-send';
export const TRIGGER_NODE = { its: 'itslearning trigger', gen: 'Genesys trigger' };

const itsCredRef = {
	itslearningOAuth2Api: { id: CREDENTIAL_IDS.itslearning, name: 'itslearning (scale)' },
};
const genCredRef = {
	genesysCloudOAuth2Api: { id: CREDENTIAL_IDS.genesys, name: 'Genesys (scale)' },
};

export function credentials(
	its: { url: string; token: Json },
	gen: { url: string; clientId: string; clientSecret: string; token: Json },
): Json[] {
	const now = new Date().toISOString();
	return [
		{
			id: CREDENTIAL_IDS.itslearning,
			name: 'itslearning (scale)',
			type: 'itslearningOAuth2Api',
			createdAt: now,
			updatedAt: now,
			data: {
				serverUrl: its.url,
				clientId: 'n8n-test-client',
				clientSecret: '',
				instantMessageScope: true,
				additionalScopes: [],
				requestSigning: 'header',
				oauthTokenData: { ...its.token },
			},
		},
		{
			id: CREDENTIAL_IDS.genesys,
			name: 'Genesys (scale)',
			type: 'genesysCloudOAuth2Api',
			createdAt: now,
			updatedAt: now,
			data: {
				serverUrl: 'https://custom.invalid',
				customBaseUrl: gen.url,
				customLoginUrl: '',
				grantType: 'authorizationCode',
				clientId: gen.clientId,
				clientSecret: gen.clientSecret,
				scopes: ['chat'],
				oauthTokenData: { ...gen.token },
			},
		},
	];
}

/** A second itslearning credential, used by one workflow only (scenario 1c replaces its stored token). */
export function secondItslearningCredential(url: string, token: Json): Json {
	const now = new Date().toISOString();
	return {
		id: CREDENTIAL_IDS.itslearningSecond,
		name: 'itslearning (scale, second)',
		type: 'itslearningOAuth2Api',
		createdAt: now,
		updatedAt: now,
		data: {
			serverUrl: url,
			clientId: 'n8n-test-client',
			clientSecret: '',
			instantMessageScope: true,
			additionalScopes: [],
			requestSigning: 'header',
			oauthTokenData: { ...token },
		},
	};
}
export const secondCredRef = {
	itslearningOAuth2Api: {
		id: CREDENTIAL_IDS.itslearningSecond,
		name: 'itslearning (scale, second)',
	},
};

const node = (id: number, name: string, type: string, parameters: Json, extra: Json = {}) => ({
	id: `5caf0000-0000-4000-8000-${String(id).padStart(12, '0')}`,
	name,
	type,
	typeVersion: 1,
	position: [id * 220, 0],
	parameters,
	...extra,
});

/** Webhook → Split Out → itslearning Send (into `threadId`), Request Options as given. */
export function sendWorkflow(
	threadId: number,
	requestOptions: Json = {},
	{
		id = WORKFLOW_IDS.send,
		path = SEND_PATH,
		name = 'scale: webhook batch → itslearning send',
		hook = 1,
		credential = itsCredRef as Json,
	} = {},
): Json {
	return {
		id,
		name,
		active: false,
		nodes: [
			node(
				1,
				'Webhook',
				'n8n-nodes-base.webhook',
				{ httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
				{ typeVersion: 2, webhookId: `5caf5e4d-0000-4000-8000-${String(hook).padStart(12, '0')}` },
			),
			node(2, 'Split Out', 'n8n-nodes-base.splitOut', {
				fieldToSplitOut: 'body.messages',
				include: 'noOtherFields',
				options: {},
			}),
			node(
				3,
				'Send',
				`${PACKAGE}.itslearningInstantMessage`,
				{
					resource: 'message',
					operation: 'send',
					sendTo: 'thread',
					instantMessageThreadId: { __rl: true, mode: 'id', value: String(threadId) },
					text: '={{ $json.text }}',
					additionalFields: {},
					requestOptions,
				},
				{ credentials: credential },
			),
		],
		connections: {
			Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: 'Send', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** Poll Times: one custom cron per 5 seconds of the minute (n8n refuses one cron under a minute). */
const everyFiveSeconds = {
	item: Array.from({ length: 12 }, (_, i) => ({
		mode: 'custom',
		cronExpression: `${i * 5} * * * * *`,
	})),
};

function triggerWorkflow(
	id: string,
	name: string,
	nodeName: string,
	type: string,
	parameters: Json,
	creds: Json,
): Json {
	return {
		id,
		name,
		active: false,
		nodes: [
			node(
				1,
				nodeName,
				type,
				{ pollTimes: everyFiveSeconds, ...parameters },
				{ credentials: creds },
			),
		],
		connections: {},
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
		pinData: {},
	};
}

export const itsTriggerWorkflow = () =>
	triggerWorkflow(
		WORKFLOW_IDS.itsTrigger,
		'scale: itslearning trigger',
		TRIGGER_NODE.its,
		`${PACKAGE}.itslearningInstantMessageTrigger`,
		{ event: 'newMessage', options: {} },
		itsCredRef,
	);

export const genTriggerWorkflow = () =>
	triggerWorkflow(
		WORKFLOW_IDS.genTrigger,
		'scale: Genesys trigger',
		TRIGGER_NODE.gen,
		`${PACKAGE}.genesysChatTrigger`,
		{ event: 'newMessageAnyChat', options: {} },
		genCredRef,
	);
