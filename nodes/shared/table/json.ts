/**
 * JSON helpers of the engine.
 */

/**
 * JSON.parse that keeps integers beyond 2^53 exact: such numbers become digit strings (ids of
 * itslearning messages are int64) instead of being rounded.
 */
export function parseJsonExact(text: string): unknown {
	const safe = text.replace(/"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![\d.eE])/g, (match) =>
		match.startsWith('"') || Number.isSafeInteger(Number(match)) ? match : `"${match}"`,
	);
	return JSON.parse(safe) as unknown;
}
