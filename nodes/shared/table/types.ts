/**
 * The declarative endpoint table both services are described with. One row = one API method of
 * the service's SDK; the engine derives UI properties, validation, requests, paging and output
 * from the rows alone.
 */
import type { IDataObject, INodeListSearchItems, INodePropertyOptions } from 'n8n-workflow';

import type { FieldType, Shape } from './message';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Where a parameter goes:
 * - `path`: a `{name}` placeholder of the path template (always URL-encoded with encodeURIComponent);
 * - `query`: the query string, in row order;
 * - `body`: a property of the JSON body object (dotted wire names build nested objects);
 * - `bodyRoot`: the whole JSON body (a bare array or a free JSON value);
 * - `binary`: an n8n binary property sent as a multipart/form-data file part.
 */
export type ParamLocation = 'path' | 'query' | 'body' | 'bodyRoot' | 'binary';

/**
 * Value types, validated before any request is sent:
 * `integer`/`int64` whole numbers (ids, sizes), `string`, `guid`, `boolean`, `dateTime` (sent as ISO-8601),
 * `options` (one of `options`), `json` (free JSON, the escape hatch), and lists of
 * integers/strings/guids (from a comma-separated text or an array).
 */
export type ParamType =
	| 'integer'
	| 'int64'
	| 'string'
	| 'guid'
	| 'boolean'
	| 'dateTime'
	| 'options'
	| 'json'
	| 'integerList'
	| 'stringList'
	| 'guidList';

/** How a list goes into the query string. */
export type ListStyle = 'indexed' | 'repeat' | 'comma';

export interface ParamDef {
	/** n8n parameter name: the camelCase of the API's own name. */
	name: string;
	/** Name on the wire when it differs (`Text`, `ToPersonIds`, `mobile.notifications.when`). */
	wireName?: string;
	location: ParamLocation;
	type: ParamType;
	/** Field label in the UI. */
	label: string;
	description?: string;
	/** Required parameters are top-level fields; the rest sit in the row's "Additional Fields". */
	required?: boolean;
	/** Default shown in the UI; with `sendDefault` it is also sent when the user leaves it unset (as the SDK does). */
	default?: string | number | boolean;
	sendDefault?: boolean;
	options?: INodePropertyOptions[];
	min?: number;
	max?: number;
	/** Lists: the most entries allowed (checked before sending). */
	maxItems?: number;
	/** Lists in the query string (default `indexed`, as the itslearning SDK sends them). Path lists are always comma-joined. */
	listStyle?: ListStyle;
	placeholder?: string;
	/**
	 * Where the user can pick the value from a list (n8n resource locator). Used when the field is
	 * shown at the top (required, or asked for by the row's `choice`); in Additional Fields it stays a
	 * text field. Old workflows' plain values keep working: n8n passes them through unchanged.
	 */
	locator?: LocatorDef;
}

/** A resource locator: From List (the node's `methods.listSearch[search]`), By ID and, where the service has stable URLs, By URL. */
export interface LocatorDef {
	/** Name of the listSearch method (the service's `listSearch` map). */
	search: string;
	/** One entry of the list with its article, for the From List placeholder, e.g. "a person" ("Select a person..."). */
	item?: string;
	/** Shown under the field: what From List offers (e.g. recent entries first, typing searches). */
	listHint?: string;
	/** Whether the list needs search text before it can show anything (the API has no "list all"). */
	searchRequired?: boolean;
	/** By ID: placeholder and the regex a value must match (default from the parameter type). */
	idPlaceholder?: string;
	idPattern?: string;
	idHint?: string;
	/** By URL: the pattern (one capture group = the ID) and an example. */
	url?: { regex: string; placeholder: string; hint: string };
}

/**
 * "One of these is needed": a required choice shown first (e.g. Send To: Existing Thread / People /
 * Course / Project). Choosing an option shows its parameters at the top, required, and sends its
 * fixed values (e.g. `UpdateName: true`). Saved workflows from before the choice existed leave it
 * empty: their values still come from Additional Fields and are checked the same way (one option
 * must be filled) before anything is sent.
 */
export interface ChoiceDef {
	/** n8n parameter name of the choice. */
	name: string;
	label: string;
	description: string;
	/** Shown above the fields until an option is chosen, e.g. "Choose where the message goes". */
	prompt: string;
	/** Several options may be chosen at once (multi-select), e.g. what to update. */
	multiple?: boolean;
	options: ChoiceOption[];
}

export interface ChoiceOption {
	value: string;
	name: string;
	description: string;
	/** Row parameters shown (required) when this option is chosen. */
	params: string[];
	/** Values sent when this option is chosen (by parameter name). */
	set?: Record<string, string | number | boolean>;
}

/**
 * The Simplify output of a read/list row: one of the shapes of `./message` (camelCase key → where
 * the value comes from and its JSON type). Keys whose value is undefined or null are left out.
 */
export type Simplifier = Shape;

/**
 * One field of an API entity as the service sends it (the API contract's entity tables):
 * its JSON type, whether the service may send null, and what it means. Used for the output
 * schema of rows that return the service's answer unchanged.
 */
export interface EntityField {
	type: FieldType;
	description: string;
	/** The service may send null (e.g. an empty list as null). */
	nullable?: boolean;
	/** Always present in the answer. */
	required?: boolean;
	/** Arrays: the type of the entries, or the entity of object entries. */
	items?: FieldType | Entity;
	/** Objects: the entity of the object. */
	properties?: Entity;
}

/** An API entity: the service's field name → field. */
export type Entity = Record<string, EntityField>;

/**
 * Paging styles, each driving Return All / Limit with the API's own cursors. Parameter names refer to
 * the row's `ParamDef.name`s; engine-managed ones (`pageParam`, `sizeParam`) are hidden from the UI.
 */
export type Paging =
	| {
			/** Page numbers with an EntityList `{EntityArray, Total, CurrentPageIndex, PageSize}`. */
			style: 'pageIndex';
			pageParam: string;
			sizeParam: string;
			itemsPath: string;
			totalPath: string;
			pageSize: number;
	  }
	| {
			/** Exclusive cursor taken from the lowest `cursorField` of the previous page, with a HasMore flag. */
			style: 'cursor';
			cursorParam: string;
			sizeParam: string;
			itemsPath: string;
			hasMorePath: string;
			cursorField: string;
			pageSize: number;
	  }
	| {
			/** Message-id window: move `olderParam` to the lowest id seen (or `newerParam` to the highest). */
			style: 'idBounds';
			olderParam: string;
			newerParam: string;
			sizeParam: string;
			itemsPath: string;
			idField: string;
			pageSize: number;
	  }
	| {
			/**
			 * Date window walked backwards: `before` = oldest `dateField` seen, dedupe by id, sort ascending.
			 * When the user sets only `afterParam`, the walk goes forwards instead (`after` = newest seen),
			 * as a service answers an after-only window with the oldest messages after it.
			 */
			style: 'dateWindow';
			beforeParam: string;
			afterParam?: string;
			sizeParam: string;
			itemsPath: string;
			dateField: string;
			idField: string;
			pageSize: number;
	  }
	| {
			/**
			 * A listing with a `nextUri` (Genesys cursor listings, e.g. `users/chats/me`): the next page
			 * is asked for with the `cursorParam` value found in the answer's `nextUri` query; the last
			 * page has no `nextUri`. The service sets the page size (the API has no size parameter), so
			 * Limit stops asking once enough items came. The cursor is the engine's (hidden from the UI).
			 */
			style: 'nextUri';
			cursorParam: string;
			itemsPath: string;
			/** Dotted path of the next page's URI in the answer. */
			nextUriPath: string;
	  };

/**
 * How the answer becomes items. Default: an object is one item, an array of objects one item each.
 * - `primitive`: a bare number/boolean/string, returned as `{ [key]: value }` (`type`: its JSON type, for the output schema);
 * - `primitiveList`: a bare array of values, one item `{ [key]: value }` each;
 * - `void`: no body; the item is `{ success: true, ...the ids sent }`;
 * - `itemsAt`: the list at a dotted path of the answer, one item each.
 */
export type Output =
	| { kind: 'primitive'; key: string; type: FieldType }
	| { kind: 'primitiveList'; key: string; type: FieldType }
	| { kind: 'void' }
	| { kind: 'itemsAt'; path: string };

/** A second request made after the row's own, offered as an option (e.g. fetch the full message after sending). */
export interface FollowUp {
	/** Name of the boolean option shown in the row's Additional Fields. */
	option: string;
	label: string;
	description: string;
	/** sdkMethod of the row to call next. */
	sdkMethod: string;
	/** Parameters of the next row, taken from the answer (`$response.id`) or this row's parameters (`$param.roomJid`). */
	params: Record<string, string>;
}

export interface EndpointRow {
	resource: string;
	operation: string;
	/** The SDK's method name, exactly as in the seed document. */
	sdkMethod: string;
	/** Operation label in the UI. */
	name: string;
	/** Action text shown in the node panel (e.g. "Send a message"). */
	action: string;
	description: string;
	method: HttpMethod;
	/** Path template with `{param}` placeholders, relative to the service's base URL. */
	path: string;
	params: ParamDef[];
	paging?: Paging;
	output?: Output;
	followUp?: FollowUp;
	/** Deprecated by the SDK (shown as such, kept working); the text names the replacement. */
	deprecated?: string;
	/** Preview operation of the service. */
	preview?: boolean;
	/** OAuth2 scope the call needs (itslearning). */
	scope?: string;
	/** Permissions, any of which allows the call (Genesys). */
	permissions?: string[];
	/** Needs a token that acts as a user (not a client-credentials token). */
	userContext?: boolean;
	/** "One of these is needed" choice shown first (see ChoiceDef). */
	choice?: ChoiceDef;
	/** Read/list rows: the Simplify option's output per item (see Simplifier). */
	simplify?: Simplifier;
	/**
	 * Rows that output the service's answer unchanged: the entity of one output item (the answer,
	 * or each entry of an answer that is a list), for the output schema.
	 */
	answer?: Entity;
}

export interface ResourceDef {
	value: string;
	name: string;
	description?: string;
}

/** A service's parsed error: what NodeApiError shows. Never contains credentials. */
export interface ServiceError {
	message: string;
	code?: string;
	correlationId?: string;
	details?: IDataObject;
}

/**
 * The "From List" mode of resource locators (n8n `methods.listSearch`), declared per service next to
 * its table (run/listSearch.ts runs it).
 */
export interface ListPage {
	/** Search text typed by the user (trimmed; undefined when empty). */
	filter?: string;
	/** The token the previous page returned (undefined for the first page). */
	token?: string;
	/** API origin of the credential, for building links to entries. */
	baseUrl: string;
}

export interface ListSearchDef {
	/** sdkMethod of the row to call (may depend on the search text, e.g. list vs search endpoint). */
	sdkMethod: string | ((page: ListPage) => string);
	/** Parameter values of the request (by ParamDef name, as sent after validation). */
	values(page: ListPage): Record<string, unknown>;
	/** Dotted path of the entries in the answer; '' when the answer is the list. */
	items: string | ((page: ListPage) => string);
	/** An entry as a list item; undefined leaves it out. */
	toItem(entry: IDataObject, page: ListPage): INodeListSearchItems | undefined;
	/** Token for the next page, from the answer and its entries (undefined: last page). */
	next?(answer: unknown, entries: IDataObject[], page: ListPage): string | undefined;
	/** Keep only entries whose name contains the search text (when the API cannot search). */
	filterByName?: boolean;
	/** The API cannot list without search text: show nothing (no request) until the user types. */
	needsFilter?: boolean;
	/**
	 * A second request that names the page's items better (e.g. a person's title and department,
	 * which the first answer lacks). Best effort: when it fails, the items keep their first names.
	 */
	details?: ListSearchDetails;
}

/** The request of `ListSearchDef.details`: one call for all item values of a page. */
export interface ListSearchDetails {
	/** sdkMethod of the row to call. */
	sdkMethod: string;
	/** Whether the page's items need it (e.g. only the list shown without search text). */
	when(page: ListPage): boolean;
	/** Parameter values of the request for the page's item values. */
	values(ids: string[]): Record<string, unknown>;
	/** Dotted path of the entries in the answer. */
	items: string;
	/** An entry as the item it names better (matched to the page's items by value). */
	toItem(entry: IDataObject): INodeListSearchItems | undefined;
}
