/**
 * A polling trigger as n8n runs it, for the trigger tests: the BUILT node, polled through
 * n8n-core's real PollContext (like test/harness/n8n.ts `runPoll`), inside one long-lived
 * "activation" with a fixed workflow id and node id, and a model of what n8n persists:
 *
 * - the node's static data lives in memory between polls of one activation;
 * - n8n saves it to the database after the activation poll and after every poll that returned
 *   items, never after a poll that returned null or threw;
 * - only values assigned to top-level keys are saved as they were when assigned: reading a key
 *   hands out a copy, so a nested object mutated in place is lost (as observed in n8n 2.41);
 * - `restart()` throws the in-memory state away; the next poll is an activation from the database.
 */
import { randomUUID } from 'node:crypto';

import { PollContext } from 'n8n-core';
import { Workflow, deepCopy } from 'n8n-workflow';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	IPollFunctions,
	WorkflowActivateMode,
} from 'n8n-workflow';

import {
	createAdditionalData,
	prepareN8nCore,
	type CredentialReference,
	type CredentialStore,
	type LoadedPackage,
} from '../harness/n8n';

export const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The chaos tests' time limit, counted from the end of the sending: a loaded machine sends slower,
 * and every message must still be emitted within `graceMs` after the last one was sent. The cap
 * only matters when something is wrong.
 */
export function limitAfterSending(
	sending: () => boolean,
	graceMs = 60_000,
	capMs = 240_000,
): () => number {
	const cap = Date.now() + capMs;
	let ended = 0;
	return () => {
		if (sending()) return cap;
		ended ||= Date.now();
		return Math.min(cap, ended + graceMs);
	};
}

const clone = <T>(value: T): T =>
	value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);

/** Static data as n8n keeps it: values are copies of what was assigned to top-level keys. */
function staticDataObject(initial: IDataObject): IDataObject {
	const target: IDataObject = clone(initial);
	return new Proxy(target, {
		get: (t, key) =>
			typeof key === 'string' && key in t && typeof t[key] === 'object'
				? clone(t[key])
				: Reflect.get(t, key),
		set: (t, key, value) => {
			if (typeof key === 'string') {
				// JSON only: n8n stores static data as JSON.
				t[key] = value === undefined ? undefined : clone(value as IDataObject);
				return true;
			}
			return Reflect.set(t, key, value);
		},
	});
}

export interface TriggerOptions {
	pkg: LoadedPackage;
	store: CredentialStore;
	nodeType: string;
	parameters: INodeParameters;
	credentials: Record<string, CredentialReference>;
	/** n8n 2.41's poll budget (`getPollBudgetMs()`); default: n8n-core's own (5 minutes). */
	pollBudgetMs?: number;
	/** A context without n8n 2.41's poll extras (no getPollBudgetMs, no __commitCursor), like n8n 1.x. */
	legacyContext?: boolean;
	/**
	 * Node version of the trigger; default: the version n8n gives a new node, or 1 when the
	 * parameters hold version 1's comma-separated text fields (a workflow saved before the pickers).
	 */
	typeVersion?: number;
}

export interface PollOutcome {
	items: IDataObject[] | null;
	error?: Error;
	activation: boolean;
}

let instances = 0;

export class TriggerInstance {
	readonly workflowId = `trigger-test-${++instances}`;
	readonly nodeId = randomUUID();
	/** What n8n has in its database for this node's static data. */
	saved: IDataObject = {};
	/** In-memory static data of the running activation (undefined: not active / after a restart). */
	private memory: IDataObject | undefined;
	stats = { polls: 0, activations: 0, errors: 0, saves: 0, restarts: 0, emittingPolls: 0 };
	/** Errors the trigger reported through n8n's poll error channel (`__emitError`) without failing the poll. */
	readonly reports: Error[] = [];
	/** Warnings the trigger wrote to n8n's log. */
	readonly warnings: string[] = [];

	constructor(private readonly options: TriggerOptions) {}

	private node(): { node: INode; nodeName: string } {
		const { pkg } = this.options;
		const type = pkg.nodeTypeName(this.options.nodeType);
		const savedAsV1 = ['threadIds', 'roomJids', 'userIds'].some(
			(name) => name in this.options.parameters,
		);
		const typeVersion = this.options.typeVersion ?? (savedAsV1 ? 1 : pkg.defaultVersion(type));
		const { description } = pkg.nodeTypes.getByNameAndVersion(type, typeVersion);
		const nodeName = description.defaults?.name ?? description.displayName;
		return {
			nodeName,
			node: {
				id: this.nodeId,
				name: nodeName,
				type,
				typeVersion,
				position: [0, 0],
				parameters: deepCopy(this.options.parameters),
				credentials: deepCopy(this.options.credentials),
			},
		};
	}

	/** One poll through n8n-core's PollContext with the given static data object. */
	private async runPoll(
		staticData: IDataObject,
		mode: 'trigger' | 'manual',
		activation: WorkflowActivateMode,
	): Promise<INodeExecutionData[][] | null> {
		await prepareN8nCore();
		const { pkg, store } = this.options;
		const { node, nodeName } = this.node();
		const nodeType = pkg.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const workflow = new Workflow({
			id: this.workflowId,
			name: `Trigger test ${this.workflowId}`,
			nodes: [node],
			connections: {},
			active: mode === 'trigger',
			nodeTypes: pkg.nodeTypes,
			settings: { executionOrder: 'v1' },
			staticData: { [`node:${nodeName}`]: staticData },
		});
		const budget = this.options.pollBudgetMs;
		const context = new PollContext(
			workflow,
			workflow.getNode(nodeName)!,
			createAdditionalData(store, { workflowId: this.workflowId }),
			mode,
			activation,
			undefined,
			(error: Error) => this.reports.push(error),
			undefined,
			undefined,
			undefined,
			budget === undefined ? undefined : () => budget,
		);
		const warnings = this.warnings;
		// n8n's logger, read from the prototype's getter (memoized per object) without touching the context.
		let proto: object | null = Object.getPrototypeOf(context) as object;
		while (proto && !Object.getOwnPropertyDescriptor(proto, 'logger'))
			proto = Object.getPrototypeOf(proto) as object | null;
		const logger = Object.getOwnPropertyDescriptor(proto!, 'logger')!.get!.call(
			{},
		) as IPollFunctions['logger'];
		Object.defineProperty(context, 'logger', {
			value: new Proxy(logger, {
				get: (target, key) =>
					key === 'warn' ? (message: string) => warnings.push(message) : Reflect.get(target, key),
			}),
		});
		if (this.options.legacyContext) {
			Object.defineProperty(context, 'getPollBudgetMs', { value: undefined });
			Object.defineProperty(context, '__commitCursor', { value: undefined });
		}
		return await nodeType.poll!.call(context as unknown as IPollFunctions);
	}

	/** A scheduled poll; the first one after start/restart is the activation poll. */
	async poll(): Promise<PollOutcome> {
		const activation = this.memory === undefined;
		if (activation) {
			this.memory = staticDataObject(this.saved);
			this.stats.activations++;
		}
		const memory = this.memory!;
		this.stats.polls++;
		try {
			const result = await this.runPoll(
				memory,
				'trigger',
				this.stats.restarts ? 'init' : 'activate',
			);
			const items = result ? result[0].map((item) => item.json) : null;
			// A restart while the poll ran: its result is lost with the process.
			if (memory !== this.memory) return { items: null, activation };
			if (items || activation) this.save();
			if (items) this.stats.emittingPolls++;
			return { items, activation };
		} catch (error) {
			this.stats.errors++;
			// A failed activation leaves the workflow inactive: n8n activates it again later.
			if (activation) this.memory = undefined;
			return { items: null, error: error as Error, activation };
		}
	}

	/** "Fetch Test Event": runs on a copy of the saved data (n8n does not persist manual runs). */
	async manual(): Promise<{ items: IDataObject[] | null; staticData: IDataObject }> {
		const staticData = staticDataObject(this.saved);
		const result = await this.runPoll(staticData, 'manual', 'manual');
		return {
			items: result ? result[0].map((item) => item.json) : null,
			staticData: clone({ ...staticData }),
		};
	}

	private save(): void {
		this.saved = clone({ ...this.memory! });
		this.stats.saves++;
	}

	/** n8n restarts: what was not saved is gone. */
	restart(): void {
		this.memory = undefined;
		this.stats.restarts++;
	}

	/** The in-memory static data (a copy). */
	get current(): IDataObject | undefined {
		return this.memory === undefined ? undefined : clone({ ...this.memory });
	}
}
