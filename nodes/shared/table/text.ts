/** Description text, shared by the UI builder and the router. */

/**
 * Joins description parts into text that reads as sentences: one part stays a fragment without a
 * final period (n8n style); several parts each end with a period.
 */
export function sentences(...parts: Array<string | undefined>): string {
	const texts = parts.map((part) => part?.trim()).filter((part): part is string => Boolean(part));
	if (texts.length === 1) return texts[0].replace(/\.$/, '');
	return texts.map((text) => (/[.!?]$/.test(text) ? text : `${text}.`)).join(' ');
}
