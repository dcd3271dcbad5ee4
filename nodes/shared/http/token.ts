/**
 * The access token of one execution (or poll, or list search): read from the credential once, kept
 * with every secret it has held (all are redacted), and renewed on a 401 — one renewal at a time
 * for all items. On a 401 the stored credential is read again (another execution or worker may
 * have refreshed it already); only when it still holds the refused token does n8n refresh it
 * (`refreshOAuth2Token`, which locks per credential and persists the new token). A refresh that
 * fails because another process rotated the refresh token first falls back to the token that
 * process stored, watching the store for a while.
 */
import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
} from 'n8n-workflow';

import type { Cancellation } from './cancel';
import type { ErrorBuilder } from './errors';
import type { RequestContext } from './limits';
import { Redactor } from './redact';
import type { ServiceDefinition } from '../table/service';

/**
 * How long a worker whose refresh was refused as spent (another worker rotated the refresh token
 * first) watches the stored credential for the winner's new token, and how often it looks.
 */
const ROTATION_WAIT_MS = 10_000;
const ROTATION_POLL_MS = 250;

/** A refresh refused because the refresh token is spent or revoked (n8n: "needs to be reconnected"). */
function isRevokedGrant(error: unknown): boolean {
	const e = error as { message?: unknown; description?: unknown; cause?: unknown } | undefined;
	const text = [
		e?.message,
		e?.description,
		(e?.cause as { message?: unknown } | undefined)?.message,
	]
		.map((v) => String(v ?? ''))
		.join(' ');
	return /invalid_grant|needs to be reconnected|refresh token/i.test(text);
}

export class TokenKeeper {
	private credentials: ICredentialDataDecryptedObject | undefined;

	private accessToken: string | undefined;

	/** Every secret this transport has held (tokens before and after a refresh): all are redacted. */
	private readonly secretsSeen = new Set<string>();

	/** One token renewal at a time for all items of this execution. */
	private renewal: Promise<{ token?: string; error?: unknown }> | undefined;

	constructor(
		private readonly ctx: RequestContext,
		private readonly service: ServiceDefinition,
		private readonly oauth2: IDataObject | undefined,
		private readonly redactor: Redactor,
		private readonly cancel: Cancellation,
		private readonly errors: ErrorBuilder,
	) {}

	/** Takes the credential as read (its token to sign with, its secrets to redact). */
	remember(credentials: ICredentialDataDecryptedObject): void {
		this.credentials = credentials;
		const token = (credentials.oauthTokenData ?? {}) as IDataObject;
		this.accessToken =
			typeof token.access_token === 'string' && token.access_token !== ''
				? token.access_token
				: undefined;
		const known = this.secretsSeen.size;
		for (const secret of Redactor.secretsOf(credentials)) this.secretsSeen.add(secret);
		if (this.secretsSeen.size !== known) this.redactor.setSecrets([...this.secretsSeen]);
	}

	/** Reads the credential as n8n stores it now (after a refresh by anyone). */
	async reload(): Promise<ICredentialDataDecryptedObject> {
		const credentials = await this.ctx.getCredentials(this.service.credentialType);
		this.remember(credentials);
		return credentials;
	}

	/**
	 * The access token to sign with, or undefined for a client-credentials credential that has no
	 * token yet: that first request goes through n8n's authenticated helper, which fetches the token
	 * and stores it (n8n's refresh helper cannot start from no token).
	 */
	async current(itemIndex: number): Promise<string | undefined> {
		if (this.renewal) {
			const outcome = await this.renewal;
			if (outcome.token !== undefined) return outcome.token;
			throw this.errors.refresh(outcome.error, itemIndex);
		}
		if (!this.credentials) await this.reload();
		if (this.accessToken) return this.accessToken;
		if (this.credentials?.grantType !== 'clientCredentials') {
			throw new NodeOperationError(
				this.ctx.getNode(),
				`The ${this.service.credentialDisplayName} credential is not connected`,
				{
					itemIndex,
					description:
						'Open the credential and click "Connect my account" (or "Reconnect") to sign in.',
				},
			);
		}
		return undefined;
	}

	/**
	 * A token to replace `refused`: the stored one if someone else already replaced it, otherwise a
	 * new one from n8n's refresh (persisted by n8n). Single flight for all items of the execution.
	 */
	async renew(refused: string | undefined, itemIndex: number): Promise<string> {
		this.renewal ??= (async () => {
			try {
				return await this.renewOnce(refused, itemIndex);
			} finally {
				this.renewal = undefined;
			}
		})();
		const outcome = await this.renewal;
		if (outcome.token !== undefined) return outcome.token;
		throw this.errors.refresh(outcome.error, itemIndex);
	}

	/** One renewal: the stored token if someone else replaced `refused`, else n8n's refresh. Never throws. */
	private async renewOnce(
		refused: string | undefined,
		itemIndex: number,
	): Promise<{ token?: string; error?: unknown }> {
		try {
			const stored = await this.reload();
			if (this.accessToken && this.accessToken !== refused && !this.storedTokenExpired())
				return { token: this.accessToken };
			const data = (await this.ctx.helpers.refreshOAuth2Token.call(
				this.ctx,
				this.service.credentialType,
				this.oauth2 ? { ...this.oauth2, tokenType: undefined } : undefined,
			)) as IDataObject;
			const token = typeof data?.access_token === 'string' ? data.access_token : undefined;
			this.remember({
				...stored,
				oauthTokenData: { ...(stored.oauthTokenData as IDataObject), ...data },
			});
			return token
				? { token }
				: { error: new Error('The token endpoint answered without an access_token') };
		} catch (error) {
			// Another execution or worker may have rotated the refresh token a moment before: its
			// new access token is in the store by now, or will be as soon as its refresh answer
			// arrives. When the refresh token was refused as spent, watch the store for a while.
			const deadline = Date.now() + (isRevokedGrant(error) ? ROTATION_WAIT_MS : 0);
			for (;;) {
				try {
					await this.reload();
				} catch {
					// keep the refresh error
				}
				if (this.accessToken && this.accessToken !== refused) return { token: this.accessToken };
				if (Date.now() >= deadline) return { error };
				try {
					await this.cancel.sleep(ROTATION_POLL_MS, itemIndex);
				} catch (cancelled) {
					return { error: cancelled };
				}
			}
		}
	}

	/** Whether the stored token is past the expiry n8n stamped on it when it stored it (`n8n_expires_at`). */
	private storedTokenExpired(): boolean {
		const expiresAt = Number(
			((this.credentials?.oauthTokenData ?? {}) as IDataObject).n8n_expires_at,
		);
		return Number.isFinite(expiresAt) && expiresAt > 0 && expiresAt <= Date.now();
	}
}
