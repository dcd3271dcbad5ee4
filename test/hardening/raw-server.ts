/**
 * A raw recording HTTP server on 127.0.0.1 for the cases where the emulator would hide what went
 * over the wire: it records each request exactly as received (request target untouched, headers,
 * body bytes) and answers with whatever the test's handler writes, including answers no real
 * service should give (endless bodies, dates a year ahead in Retry-After, …).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RawRequest {
	method: string;
	/** The request target as sent: path and query, percent-encoding untouched. */
	target: string;
	headers: IncomingMessage['headers'];
	body: Buffer;
}

export type RawHandler = (request: RawRequest, response: ServerResponse) => void | Promise<void>;

export interface RawServer {
	url: string;
	requests: RawRequest[];
	/** Replaces the handler (default: 200 with `{}`). */
	handle(handler: RawHandler): void;
	close(): Promise<void>;
}

export const json = (
	response: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
) => {
	response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
	response.end(typeof body === 'string' ? body : JSON.stringify(body));
};

/** Starts the server on a loopback address (127.0.0.1 by default; 127.0.0.2 for a second origin). */
export async function startRawServer(host = '127.0.0.1'): Promise<RawServer> {
	let handler: RawHandler = (_request, response) => json(response, 200, {});
	const requests: RawRequest[] = [];
	const sockets = new Set<Socket>();
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const request: RawRequest = {
				method: req.method ?? '',
				target: req.url ?? '',
				headers: req.headers,
				body: Buffer.concat(chunks),
			};
			requests.push(request);
			Promise.resolve(handler(request, res)).catch((error: Error) => {
				if (!res.headersSent) json(res, 500, { message: error.message });
			});
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, host, resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://${host}:${port}`,
		requests,
		handle: (next) => {
			handler = next;
		},
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
