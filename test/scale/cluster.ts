/**
 * An n8n queue-mode cluster for the scale suite, started and torn down by the tests themselves:
 * Postgres and Redis on loopback with throw-away data directories (Debian packages, installed by
 * install-services.sh), one `n8n start` main with EXECUTIONS_MODE=queue and N `n8n worker`
 * processes, all from the cached real-n8n install (test/scripts/n8n-install.js) sharing one user
 * folder in which the pack is installed in the community layout (test/scripts/install-pack.js).
 *
 * Every process runs in its own process group and is killed (group-wide) by `stop()`; data
 * directories are removed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	appendFileSync,
	chmodSync,
	createWriteStream,
	mkdirSync,
	mkdtempSync,
	rmSync,
	writeFileSync,
	type WriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports */
const { ensureN8n } = require('../scripts/n8n-install.js');
const {
	n8nEnv,
	n8nCliOk,
	freePort,
	killGroup,
	N8nRest,
	activateWorkflowArgs,
} = require('../scripts/n8n-run.js');
const { installPack } = require('../scripts/install-pack.js');
/* eslint-enable @typescript-eslint/no-require-imports */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface N8nInstall {
	version: string;
	dir: string;
	node: string;
	nodeBinDir: string;
	n8nBin: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const REPO = path.resolve(__dirname, '..', '..');
export const OWNER = {
	email: 'scale@example.com',
	firstName: 'Scale',
	lastName: 'Test',
	password: 'Scale-n8n-2026',
};

function log(message: string): void {
	process.stdout.write(`[scale ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
export { log };

/** Runs install-services.sh (apt-get install redis-server postgresql when missing). */
export function installServices(): { redisServer: string; pgBin: string } {
	const result = spawnSync('bash', [path.join(__dirname, 'install-services.sh')], {
		encoding: 'utf8',
		timeout: 20 * 60 * 1000,
	});
	if (result.status !== 0)
		throw new Error(
			`install-services.sh failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
		);
	const match = /redis-server=(\S+) postgres-bin=(\S+)/.exec(result.stdout);
	if (!match) throw new Error(`install-services.sh: unexpected output ${result.stdout}`);
	return { redisServer: match[1], pgBin: match[2] };
}

/** A process of ours, in its own group, output to a log file and kept (tail) in memory. */
export class Proc {
	readonly child: ChildProcess;
	private tail = '';
	private readonly logStream: WriteStream;
	readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	private listeners: Array<(chunk: string) => void> = [];

	constructor(
		readonly name: string,
		command: string,
		args: string[],
		options: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string },
	) {
		this.logStream = createWriteStream(options.logFile, { flags: 'a' });
		this.child = spawn(command, args, {
			env: options.env,
			cwd: options.cwd,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const keep = (chunk: Buffer) => {
			const text = chunk.toString();
			this.tail = (this.tail + text).slice(-400_000);
			this.logStream.write(chunk);
			for (const l of this.listeners) l(text);
		};
		this.child.stdout!.on('data', keep);
		this.child.stderr!.on('data', keep);
		this.exited = new Promise((resolve) =>
			this.child.on('close', (code, signal) => resolve({ code, signal })),
		);
		this.child.on('error', (error) => keep(Buffer.from(`spawn error: ${error.message}\n`)));
	}

	get pid(): number {
		return this.child.pid!;
	}

	get alive(): boolean {
		return this.child.exitCode === null && this.child.signalCode === null;
	}

	output(): string {
		return this.tail;
	}

	onOutput(listener: (chunk: string) => void): void {
		this.listeners.push(listener);
	}

	/** Waits until the output matches `pattern` (searched in everything seen so far). */
	async waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
		const started = Date.now();
		while (!pattern.test(this.tail)) {
			if (!this.alive)
				throw new Error(
					`${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) before ${pattern}:\n${this.tail.slice(-4000)}`,
				);
			if (Date.now() - started > timeoutMs)
				throw new Error(
					`${this.name}: no ${pattern} after ${timeoutMs} ms:\n${this.tail.slice(-4000)}`,
				);
			await sleep(200);
		}
	}

	/** SIGKILL to the whole group, now (a crash). */
	kill(): void {
		killGroup(this.child, 'SIGKILL');
	}

	/** SIGTERM to the group, SIGKILL after `graceMs`. */
	async stop(graceMs = 15_000): Promise<void> {
		if (this.alive) {
			killGroup(this.child, 'SIGTERM');
			const done = await Promise.race([this.exited, sleep(graceMs).then(() => undefined)]);
			if (!done) killGroup(this.child, 'SIGKILL');
			await Promise.race([this.exited, sleep(5000)]);
		}
		killGroup(this.child, 'SIGKILL'); // leftovers in the group (task runners)
		this.logStream.end();
	}
}

/** Runs a command as the postgres user when we are root (postgres refuses to run as root). */
function asPostgres(bin: string, args: string[]): [string, string[]] {
	if (process.getuid && process.getuid() === 0)
		return ['runuser', ['-u', 'postgres', '--', bin, ...args]];
	return [bin, args];
}

function runOk(command: string, args: string[], timeoutMs: number): string {
	const result = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs });
	if (result.status !== 0)
		throw new Error(
			`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
		);
	return result.stdout;
}

export interface ClusterOptions {
	/** The n8n version (cached install, test/scripts/n8n-install.js); default 2.41.1. */
	version?: string;
	workers: number;
	workerConcurrency: number;
	/** Extra env for every n8n process. */
	env?: Record<string, string>;
}

/** Postgres + Redis + n8n main + workers. */
export class Cluster {
	n8n!: N8nInstall;
	root!: string;
	userFolder!: string;
	logDir!: string;
	pgData!: string;
	pgPort!: number;
	redisPort!: number;
	mainPort!: number;
	private pgBin!: string;
	private redis?: Proc;
	private pgStarted = false;
	main?: Proc;
	workers: Proc[] = [];
	private readonly extra: Proc[] = [];
	private readonly encryptionKey = randomBytes(24).toString('hex');
	private mainStarts = 0;

	constructor(readonly options: ClusterOptions) {}

	get url(): string {
		return `http://127.0.0.1:${this.mainPort}`;
	}

	/**
	 * Last resort when the test process ends without `stop()` (a crash, jest's forced exit, a
	 * timeout): kills every process group we started and the Postgres server, synchronously.
	 */
	private readonly emergencyStop = () => {
		for (const proc of [...this.extra, ...this.workers.filter(Boolean), this.main, this.redis])
			if (proc) killGroup(proc.child, 'SIGKILL');
		if (this.pgStarted) {
			const [cmd, args] = asPostgres(path.join(this.pgBin, 'pg_ctl'), [
				'-D',
				this.pgData,
				'-m',
				'immediate',
				'-w',
				'-t',
				'20',
				'stop',
			]);
			spawnSync(cmd, args, { timeout: 25_000 });
		}
		if (this.root && !process.env.SCALE_KEEP_DATA)
			rmSync(this.root, { recursive: true, force: true });
	};

	private readonly onSignal = (signal: NodeJS.Signals) => {
		this.emergencyStop();
		process.exit(signal === 'SIGINT' ? 130 : 143);
	};

	/**
	 * A detached watchdog for the case nothing in this process can run (it was SIGKILLed): when the
	 * test process is gone, it kills the process groups listed in <root>/pgids, stops Postgres and
	 * removes the data directories. It ends by itself when the root directory is removed.
	 */
	private startWatchdog(): void {
		const pgids = path.join(this.root, 'pgids');
		writeFileSync(pgids, '');
		const pgStop = asPostgres(path.join(this.pgBin, 'pg_ctl'), [
			'-D',
			path.join(this.root, 'pg'),
			'-m',
			'immediate',
			'-t',
			'20',
			'stop',
		]);
		const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
		const script = [
			`while kill -0 ${process.pid} 2>/dev/null && [ -d ${quote(this.root)} ]; do sleep 2; done`,
			`[ -d ${quote(this.root)} ] || exit 0`,
			`for g in $(cat ${quote(pgids)}); do kill -9 -- -$g 2>/dev/null; done`,
			`[ -f ${quote(path.join(this.root, 'pg', 'postmaster.pid'))} ] && ${[pgStop[0], ...pgStop[1]].map(quote).join(' ')} >/dev/null 2>&1`,
			`rm -rf ${quote(this.root)}`,
		].join('\n');
		spawn('bash', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
	}

	/** Records a process group for the watchdog. */
	private track(proc: Proc): Proc {
		try {
			appendFileSync(path.join(this.root, 'pgids'), `${proc.pid}\n`);
		} catch {
			// root already removed
		}
		return proc;
	}

	/** Services, n8n install, pack install, database migrated (no n8n process running yet). */
	async prepare(): Promise<void> {
		process.once('exit', this.emergencyStop);
		for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
			process.once(signal, this.onSignal);
		let t = Date.now();
		const { redisServer, pgBin } = installServices();
		this.pgBin = pgBin;
		log(
			`services installed/checked in ${((Date.now() - t) / 1000).toFixed(1)} s (${redisServer}, ${pgBin})`,
		);
		t = Date.now();
		this.n8n = (await ensureN8n(this.options.version ?? '2.41.1')) as N8nInstall;
		log(`n8n ${this.n8n.version} ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
		this.root = mkdtempSync(path.join(tmpdir(), 'n8n-scale-'));
		chmodSync(this.root, 0o755);
		this.startWatchdog();
		this.userFolder = path.join(this.root, 'user');
		this.logDir = process.env.SCALE_LOG_DIR
			? path.resolve(process.env.SCALE_LOG_DIR)
			: path.join(REPO, '.tmp', 'scale-logs');
		rmSync(this.logDir, { recursive: true, force: true });
		mkdirSync(this.logDir, { recursive: true });
		mkdirSync(this.userFolder, { recursive: true });
		installPack(this.userFolder);

		// Redis: no persistence, loopback only.
		this.redisPort = await freePort();
		this.redis = this.track(
			new Proc(
				'redis',
				redisServer,
				[
					'--port',
					String(this.redisPort),
					'--bind',
					'127.0.0.1',
					'--save',
					'',
					'--appendonly',
					'no',
					'--dir',
					this.root,
				],
				{
					logFile: path.join(this.logDir, 'redis.log'),
				},
			),
		);
		await this.redis.waitFor(/Ready to accept connections/, 20_000);

		// Postgres: throw-away cluster owned by the postgres user, trust auth on loopback, no fsync.
		this.pgData = path.join(this.root, 'pg');
		mkdirSync(this.pgData);
		if (process.getuid && process.getuid() === 0)
			runOk('chown', ['postgres:postgres', this.pgData], 10_000);
		t = Date.now();
		runOk(
			...asPostgres(path.join(pgBin, 'initdb'), [
				'-D',
				this.pgData,
				'-U',
				'n8n',
				'--auth=trust',
				'-E',
				'UTF8',
				'--no-sync',
			]),
			120_000,
		);
		this.pgPort = await freePort();
		const pgOptions = `-p ${this.pgPort} -c listen_addresses=127.0.0.1 -k ${this.pgData} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
		runOk(
			...asPostgres(path.join(pgBin, 'pg_ctl'), [
				'-D',
				this.pgData,
				'-o',
				pgOptions,
				'-l',
				path.join(this.pgData, 'server.log'),
				'-w',
				'-t',
				'60',
				'start',
			]),
			90_000,
		);
		this.pgStarted = true;
		log(
			`postgres on ${this.pgPort} (${((Date.now() - t) / 1000).toFixed(1)} s), redis on ${this.redisPort}`,
		);
		this.mainPort = await freePort();
	}

	/** Environment shared by main, workers and CLI commands. */
	env(extra: Record<string, string> = {}): Record<string, string> {
		return {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(this.redisPort),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(this.pgPort),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: '',
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_LOG_LEVEL: 'info',
			N8N_RUNNERS_ENABLED: 'true',
			...this.options.env,
			...extra,
		};
	}

	/** An n8n CLI command against the cluster's database (import, publish, export). */
	async cli(args: string[], timeoutMs = 180_000): Promise<{ stdout: string; stderr: string }> {
		return (await n8nCliOk(this.n8n, this.userFolder, args, {
			timeoutMs,
			env: this.env({ EXECUTIONS_MODE: 'regular' }),
		})) as { stdout: string; stderr: string };
	}

	private async spawnN8n(
		name: string,
		args: string[],
		extra: Record<string, string>,
	): Promise<Proc> {
		const env = n8nEnv(
			this.n8n,
			this.userFolder,
			this.env({ N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...extra }),
		) as NodeJS.ProcessEnv;
		return this.track(
			new Proc(name, this.n8n.node, [this.n8n.n8nBin, ...args], {
				env,
				cwd: this.root,
				logFile: path.join(this.logDir, `${name}.log`),
			}),
		);
	}

	/** `n8n start` in queue mode; resolves when /healthz/readiness answers 200. */
	async startMain(timeoutMs = 180_000): Promise<Proc> {
		const url = this.url;
		this.mainStarts++;
		const main = await this.spawnN8n(`main-${this.mainStarts}`, ['start'], {
			N8N_PORT: String(this.mainPort),
			N8N_HOST: '127.0.0.1',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			WEBHOOK_URL: `${url}/`,
			N8N_EDITOR_BASE_URL: `${url}/`,
		});
		this.main = main;
		const started = Date.now();
		for (;;) {
			if (!main.alive) throw new Error(`n8n main exited early:\n${main.output().slice(-5000)}`);
			try {
				const res = await fetch(`${url}/healthz/readiness`);
				if (res.status === 200) break;
			} catch {
				// not listening yet
			}
			if (Date.now() - started > timeoutMs)
				throw new Error(`n8n main not ready after ${timeoutMs} ms:\n${main.output().slice(-5000)}`);
			await sleep(500);
		}
		log(`main ready on ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		return main;
	}

	/** `n8n worker --concurrency=N`; resolves when the worker says it is ready. */
	async startWorker(index: number, timeoutMs = 180_000): Promise<Proc> {
		const started = Date.now();
		const worker = await this.spawnN8n(
			`worker-${index}`,
			['worker', `--concurrency=${this.options.workerConcurrency}`],
			{
				QUEUE_HEALTH_CHECK_ACTIVE: 'false',
			},
		);
		this.workers[index] = worker;
		await worker.waitFor(/n8n worker is now ready|Worker ready|ready to process/i, timeoutMs);
		log(`worker-${index} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		return worker;
	}

	/**
	 * `redis-cli monitor` on the cluster's Redis: every command any process sends, so the suite can
	 * count n8n's credential refresh locks (`SET <prefix>:lock:2:<sha256(credential id)> … NX`).
	 */
	monitorRedis(): Proc {
		const monitor = this.track(
			new Proc(
				'redis-monitor',
				'redis-cli',
				['-h', '127.0.0.1', '-p', String(this.redisPort), 'monitor'],
				{ logFile: '/dev/null' },
			),
		);
		this.extra.push(monitor);
		return monitor;
	}

	/** A logged-in REST client of the main instance (owner created on first use). */
	async rest(): Promise<InstanceType<typeof N8nRest>> {
		const rest = new N8nRest(this.url);
		await rest.setupOwnerOrLogin(OWNER);
		return rest;
	}

	/** Imports credentials/workflows given as JSON values (files written to the temp root). */
	async importJson(kind: 'credentials' | 'workflow', items: Json[]): Promise<void> {
		const file = path.join(this.root, `${kind}-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(items, null, 2));
		await this.cli([`import:${kind}`, `--input=${file}`]);
	}

	/** Activates a workflow before the main starts. */
	async activate(workflowId: string): Promise<void> {
		await this.cli(activateWorkflowArgs(this.n8n.version, workflowId));
	}

	/** The stored credential, decrypted (n8n export:credentials --decrypted). */
	async exportCredential(id: string): Promise<Json> {
		const file = path.join(this.root, `cred-${Date.now()}.json`);
		await this.cli(['export:credentials', `--id=${id}`, '--decrypted', `--output=${file}`]);
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const list = JSON.parse(require('node:fs').readFileSync(file, 'utf8')) as Json[];
		rmSync(file, { force: true });
		return list[0];
	}

	/** A Postgres client (n8n's own `pg` module) on the cluster's database. */
	async pg(): Promise<{
		query(sql: string, params?: unknown[]): Promise<{ rows: Json[] }>;
		end(): Promise<void>;
	}> {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { Client } = require(path.join(this.n8n.dir, 'node_modules', 'pg'));
		const client = new Client({
			host: '127.0.0.1',
			port: this.pgPort,
			user: 'n8n',
			database: 'postgres',
		});
		await client.connect();
		return client;
	}

	/** Stops everything we started (process groups), removes the data directories. */
	async stop(): Promise<void> {
		await Promise.allSettled([
			...this.extra.map((p) => p.stop(2000)),
			...this.workers.filter(Boolean).map((w) => w.stop(10_000)),
			this.main?.stop(15_000),
		]);
		if (this.pgStarted) {
			const [cmd, args] = asPostgres(path.join(this.pgBin, 'pg_ctl'), [
				'-D',
				this.pgData,
				'-m',
				'immediate',
				'-w',
				'-t',
				'30',
				'stop',
			]);
			spawnSync(cmd, args, { timeout: 40_000 });
			this.pgStarted = false;
		}
		await this.redis?.stop(5000);
		if (this.root && !process.env.SCALE_KEEP_DATA)
			rmSync(this.root, { recursive: true, force: true });
		process.removeListener('exit', this.emergencyStop);
		for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
			process.removeListener(signal, this.onSignal);
	}
}
