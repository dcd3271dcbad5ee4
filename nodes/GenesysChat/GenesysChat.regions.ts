/**
 * Genesys Cloud regions, shared by the credential (its Region field) and the node (the API origin).
 * The Region field is n8n's OAuth2 "Server URL" field and stores a region's API origin.
 */
/** Every region of the official Genesys Cloud SDK (PureCloudRegionHosts), by its domain. */
export const GENESYS_REGIONS: ReadonlyArray<readonly [string, string]> = [
	['Americas (US East)', 'mypurecloud.com'],
	['Americas (US East 2, FedRAMP)', 'use2.us-gov-pure.cloud'],
	['Americas (US West)', 'usw2.pure.cloud'],
	['Americas (Canada)', 'cac1.pure.cloud'],
	['Americas (São Paulo)', 'sae1.pure.cloud'],
	['Americas (Mexico)', 'mxc1.pure.cloud'],
	['Asia Pacific (Sydney)', 'mypurecloud.com.au'],
	['Asia Pacific (Tokyo)', 'mypurecloud.jp'],
	['Asia Pacific (Seoul)', 'apne2.pure.cloud'],
	['Asia Pacific (Osaka)', 'apne3.pure.cloud'],
	['Asia Pacific (Mumbai)', 'aps1.pure.cloud'],
	['Asia Pacific (Singapore)', 'apse1.pure.cloud'],
	['EMEA (Dublin)', 'mypurecloud.ie'],
	['EMEA (Frankfurt)', 'mypurecloud.de'],
	['EMEA (London)', 'euw2.pure.cloud'],
	['EMEA (Zurich)', 'euc2.pure.cloud'],
	['EMEA (UAE)', 'mec1.pure.cloud'],
	['EMEA (EU Sovereign Cloud, Germany East)', 'edee1.eusc-pure.cloud'],
];

/** The API origins of the regions, as the credential's Region field stores them. */
export const GENESYS_REGION_URLS: readonly string[] = GENESYS_REGIONS.map(
	([, domain]) => `https://api.${domain}`,
);

/**
 * The Region value of Custom (Base URL and Login URL given in their own fields). A URL, because n8n
 * 2.x checks the Server URL field at Connect; `.invalid` never resolves (RFC 6761), so n8n's metadata
 * lookup there fails at once and Connect goes on. Not empty: n8n's editor drops empty values on save.
 */
export const GENESYS_CUSTOM_REGION = 'https://custom.invalid';
