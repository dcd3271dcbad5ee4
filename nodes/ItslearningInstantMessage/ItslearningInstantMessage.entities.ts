/**
 * itslearning entities the node returns unchanged (no Simplify), field by field as the API contract
 * describes them (`itslearning-entities.md` of the spec). The table's rows name them as their
 * `answer`; the output schemas n8n shows in the editor are generated from them (`../shared/editor/schema`).
 */
import type { Entity } from '../shared/table/types';

/** InstantMessageFilterSuggestion (Thread → Get Filter Suggestions, one item per suggestion). */
export const filterSuggestionEntity: Entity = {
	Type: { type: 'string', description: 'OneToOne, Course, Project or Group' },
	Id: {
		type: 'integer',
		description: 'Person ID when Type is OneToOne, otherwise the thread ID',
	},
	Label: { type: 'string', description: 'Text shown for the suggestion' },
};

/** ThreadParticipant. */
export const threadParticipantEntity: Entity = {
	SourceLocationId: {
		type: 'integer',
		nullable: true,
		description: 'Course or project through which the person joined',
	},
	SourceLocationType: {
		type: 'integer',
		nullable: true,
		description: 'Kind of that location (1 Course, 2 Project, 3 Hierarchy, 4 Collaboration)',
	},
	IsDeleted: { type: 'boolean', description: 'Whether the person has been removed' },
	CanReceive: { type: 'boolean', description: 'Whether messaging is on for this person' },
	RoleInHierarchyTitle: { type: 'string', description: 'Role as text' },
	RoleInHierarchy: {
		type: 'integer',
		description: 'Role (0 None, 1 Guest, 2 Student, 3 Teacher, 4 Administrator)',
	},
	ExtraUserInformation: {
		type: 'string',
		description: 'Site-configured extra identifier (username, sync key, custom field)',
	},
	PersonId: { type: 'integer', description: 'Person ID' },
	FirstName: { type: 'string', description: 'First name' },
	LastName: { type: 'string', description: 'Last name' },
	FullName: { type: 'string', description: 'Formatted full name' },
	ProfileUrl: { type: 'string', description: 'Profile page address' },
	AdditionalInfo: { type: 'string', description: 'Context-dependent extra information' },
	ProfileImageUrl: { type: 'string', description: 'Profile image address (may be empty)' },
	ProfileImageUrlSmall: {
		type: 'string',
		description: 'Small profile image address (may be empty)',
	},
};

/** MessagesDisabledThreadParticipants (Participant → Get With Messages Disabled). */
export const messagesDisabledParticipantsEntity: Entity = {
	Count: { type: 'integer', description: 'How many participants have messaging turned off' },
	ThreadParticipants: {
		type: 'array',
		nullable: true,
		items: threadParticipantEntity,
		description: 'Those participants; null when there are none (or too many)',
	},
};

/** TupleOfGuidAndString (Attachment → Upload, one item per uploaded file). */
export const uploadedFileEntity: Entity = {
	Item1: {
		type: 'string',
		description: 'Temporary file ID (GUID): pass it as a File ID to Message → Send',
	},
	Item2: { type: 'string', description: 'File name' },
	m_Item1: { type: 'string', description: 'Item1 as some sites spell it' },
	m_Item2: { type: 'string', description: 'Item2 as some sites spell it' },
};

/** System.Version inside a serialized HttpResponseMessage. */
const versionEntity: Entity = {
	Major: { type: 'integer', description: 'Major version' },
	Minor: { type: 'integer', description: 'Minor version' },
	Build: { type: 'integer', description: 'Build number' },
	Revision: { type: 'integer', description: 'Revision' },
	MajorRevision: { type: 'integer', description: 'Major revision' },
	MinorRevision: { type: 'integer', description: 'Minor revision' },
};

/** SystemNetHttpHttpResponseMessage (Attachment → Delete): a serialized .NET HTTP response. */
export const httpResponseMessageEntity: Entity = {
	Version: { type: 'object', properties: versionEntity, description: 'HTTP version' },
	Content: { type: 'object', nullable: true, description: 'Content descriptor' },
	StatusCode: { type: 'integer', description: 'HTTP status (e.g. 200)' },
	ReasonPhrase: { type: 'string', description: 'Reason text' },
	Headers: { type: 'array', items: 'object', description: 'Header collection' },
	RequestMessage: { type: 'object', nullable: true, description: 'Request descriptor' },
	IsSuccessStatusCode: { type: 'boolean', description: 'Whether the deletion succeeded' },
};

/** InstantMessageSettings (Settings → Get V1). */
export const settingsV1Entity: Entity = {
	MaxAttachmentFileSizeInBytes: { type: 'integer', description: 'Upload size limit in bytes' },
	MaxParticipantsInAMessageThread: {
		type: 'integer',
		description: 'Most participants of a normal thread',
	},
	MaxParticipantsInAOneWayThread: {
		type: 'integer',
		description: 'Most participants of a one-way thread',
	},
	IllegalFileExtensions: {
		type: 'array',
		items: 'string',
		description: 'File extensions that may not be uploaded',
	},
	SignalRHubEndpoint: { type: 'string', description: 'SignalR hub address for this user' },
};

/** InstantMessageSettingsV2 (Settings → Get): V1's fields plus the SignalR service version. */
export const settingsV2Entity: Entity = {
	...settingsV1Entity,
	SignalRServiceVersion: {
		type: 'integer',
		description: 'SignalR service generation of the site (0 V1, 1 V2)',
	},
};

/** InstantMessagePermissions (Settings → Get Permissions). */
export const permissionsEntity: Entity = {
	CanUseSendAsIndividualMessages: {
		type: 'boolean',
		description: 'May send to many as separate messages',
	},
	CanAccessInstantMessageSystem: { type: 'boolean', description: 'May use messaging at all' },
	CanSearchForCourses: { type: 'boolean', description: 'May pick courses as recipients' },
	CanShareInstantMessages: { type: 'boolean', description: 'May share messages' },
	CanReplyToInstantMessages: { type: 'boolean', description: 'May reply to messages' },
	CanStarInstantMessages: { type: 'boolean', description: 'May star messages' },
	CanReportInstantMessages: { type: 'boolean', description: 'May report messages or threads' },
	IsUserBlockingEnabled: { type: 'boolean', description: 'Blocking people is available' },
	CanSendBroadcastMessages: { type: 'boolean', description: 'May send broadcasts' },
};

// ── The raw answers of the operations with Simplify (version 1's default: Simplify off) ─────────
// The contract documents no nullability ("treat every field as optional on read"); texts, nested
// objects and lists are declared as possibly null, as .NET serializes an unset one.

const text = (description: string): Entity[string] => ({
	type: 'string',
	nullable: true,
	description,
});
const int = (description: string, nullable?: boolean): Entity[string] => ({
	type: 'integer',
	...(nullable ? { nullable } : {}),
	description,
});
const flag = (description: string): Entity[string] => ({ type: 'boolean', description });

/** InstantMessageParticipant (recipients of a message that opens a thread). */
const messageParticipantEntity: Entity = {
	PersonId: int('Person ID'),
	Name: text('Display name'),
	AvatarUrl: text('Avatar address'),
	LocationType: int('Kind of location (1 course, 2 project, 3 hierarchy, …)', true),
	LocationId: int('ID of that course, project or hierarchy', true),
};

/** InstantMessage without its nested messages (the shared, replied-to or reported one). */
const messageFields: Entity = {
	MessageId: int('Message ID'),
	MessageThreadId: int('Obsolete duplicate of InstantMessageThreadId'),
	InstantMessageThreadId: int('The thread of the message'),
	MessageThreadParticipants: {
		type: 'array',
		nullable: true,
		items: messageParticipantEntity,
		description: 'Recipients, when the message opens a new thread',
	},
	Created: text('When it was sent (ISO 8601)'),
	CreatedFormatted: text('Creation time, formatted'),
	CreatedRelative: text('Creation time as "x ago" text'),
	EditedRelative: text('Last edit as "x ago" text'),
	CreatedBy: int('Person ID of the author'),
	CreatedByName: text('Name of the author'),
	HomeOrganization: text("Author's home organization"),
	CreatedByAvatar: text("Author's avatar address"),
	Text: text('Message text'),
	AttachmentUrl: text('Address of the attachment (needs an access token)'),
	AttachmentName: text('File name of the attachment'),
	Link: text('Link shown with the text'),
	LinkTitle: text('Title of the link'),
	LinkTarget: text('Target of the link, e.g. _blank'),
	IsSystemMessage: flag('Generated by the system'),
	IsDeleted: flag('The message is deleted'),
	DeletedBy: int('Person ID of who deleted it', true),
	CanDelete: flag('The user may delete it'),
	IsEdited: flag('The text was edited'),
	CanEdit: flag('The user may edit it'),
	IsStarred: flag('The user starred it'),
	IsSilent: flag('The app should not react to it'),
	IsAbuse: flag('The user reported it as abusive'),
	HasShared: flag('It shares another message'),
	HasRepliedTo: flag('It replies to another message'),
	HasAbuseReported: flag('It is an abuse report wrapping the reported message'),
	HasAbuseThreadReported: flag('It reports an abusive thread'),
	OriginInstantMessageThreadId: int('Thread of the original message', true),
	OriginInstantMessageThreadDeletedBy: int('Who deleted the original thread', true),
	OriginInstantMessageThreadName: text('Name of the original thread'),
	AdditionalHeading: text('Where a shared or replied-to message came from'),
	IsBroadcastMassMessage: flag('Sent as a broadcast'),
	IsChildMessageDeletedPermanently: flag('The child message was deleted permanently'),
	CreatedLocal: text("Creation time in the user's time zone"),
	CreatedLocalTimeStamp: text('Local time of day'),
	CreatedLocalDateStamp: text('Local date'),
	CreatedByShortName: text('First name of the author'),
	CreatedLocalShortNumericDate: text('Local short date without year'),
};

/** The nested messages of a message, each an InstantMessage (`nested`: their fields). */
const nestedMessages = (nested?: Entity): Entity => ({
	OriginInstantMessage: {
		type: 'object',
		nullable: true,
		...(nested ? { properties: nested } : {}),
		description: 'The original message of a child message',
	},
	ChildMessage: {
		type: 'object',
		nullable: true,
		...(nested ? { properties: nested } : {}),
		description: 'The message shared, replied to or reported',
	},
});

/**
 * InstantMessage: one message, with the message it shares, replies to or reports, described one
 * level deep (deeper nested messages are objects without a field list).
 */
export const messageEntity: Entity = {
	...messageFields,
	...nestedMessages({ ...messageFields, ...nestedMessages() }),
};

/** LocationRecipient (course or project recipients of a thread). */
const locationRecipientEntity: Entity = {
	LocationRecipientId: int('Course or project ID'),
	Type: int('Kind of location (1 Course, 2 Project, 3 Hierarchy, 4 Collaboration)'),
	Title: text('Title of the course or project'),
	ColorSchema: text('Colour scheme (courses)'),
};

/** InstantMessageThread. */
export const threadEntity: Entity = {
	InstantMessageThreadId: int('Thread ID'),
	Name: text('Thread name'),
	Created: text('When it was created (ISO 8601)'),
	CreatedByTeacher: flag('The creator is a teacher'),
	CreatedBy: int('Person ID of the creator'),
	Type: text('Course, Project, Group, OneToOne or GroupPlaceHolder'),
	ColorSchema: text('Colour scheme (course threads)'),
	Messages: {
		type: 'object',
		nullable: true,
		description: 'Some messages of the thread (a page: EntityArray, Total, …)',
		properties: {
			EntityArray: {
				type: 'array',
				nullable: true,
				items: messageEntity,
				description: 'The messages',
			},
			Total: int('Messages across all pages'),
			CurrentPageIndex: int('Zero-based index of this page'),
			PageSize: int('Page size the server applied'),
		},
	},
	LastMessage: {
		type: 'object',
		nullable: true,
		properties: messageEntity,
		description: 'The newest message',
	},
	MatchingMessageIds: {
		type: 'array',
		nullable: true,
		items: 'integer',
		description: 'Messages matching a search',
	},
	Participants: {
		type: 'array',
		nullable: true,
		items: threadParticipantEntity,
		description: 'Participants (left out for course threads in some versions)',
	},
	ParticipantsCount: int('Number of participants'),
	HasActiveParticipants: flag('Someone other than the user can receive messages'),
	HasInactiveParticipants: flag('Someone other than the user cannot receive messages'),
	NumberOfInactiveParticipants: int('How many cannot receive messages'),
	InactiveParticipantFullName: text('Name of the single inactive participant'),
	HasCreatorInThread: flag('The creator is still a participant'),
	IsCurrentUserARecipientWithSourceLocation: flag(
		'The user is in the thread through a course, project, collaboration or hierarchy',
	),
	LocationRecipients: {
		type: 'array',
		nullable: true,
		items: locationRecipientEntity,
		description: 'Course and project recipients of the thread',
	},
	CanShowParticipantsPage: flag('The user may see the course participants page'),
	LastReadInstantMessageId: int('Newest message the user has read', true),
	SortIndex: int('Ordering key: the highest is the thread with the newest activity'),
	OnlyThreadAdminCanSendToThread: flag('Only thread administrators may post'),
	IsThreadAdministrator: flag('The user administers the thread (course threads)'),
	IsThreadModerator: flag('The user may close or delete the thread and delete messages'),
	InstantMessageLocationId: int('Location ID of the thread', true),
	IsBlocked: flag('The thread is blocked'),
	UserAllowToBlockThread: flag('The user may block the thread'),
	IsAbuse: flag('The thread is flagged abusive by or to the user'),
	IsAbuseReportedByCurrentUser: flag('The user reported the thread'),
	MassMessageType: int('Normal, one-way or broadcast'),
	Tooltip: text('Tooltip of the thread title'),
	CanDelete: flag('The thread may be deleted permanently'),
	// Not in the contract's thread table; the thread answers carry it (the update body's field of that name).
	RepliesAreEnabled: flag('Whether students may reply'),
};

/** InstantMessageRecipient: a person, course or project that can receive messages. */
export const recipientEntity: Entity = {
	TypeName: text('Person, Course or Project'),
	Id: int('ID of the person, course or project'),
	TypeNameId: text('"<TypeName>-<Id>"'),
	UserName: text('Username (persons)'),
	ExtraUserInformation: text('Site-configured extra identifier'),
	Label: text('Name of the person or title of the course or project'),
	EncodedLabel: text('Label, JavaScript-encoded'),
	Organization: text('Organization'),
	ShortLabel: text('Initials (persons)'),
	SearchLabel: text('"FirstName LastName" (persons)'),
	SortField: int('Sort key'),
	ParticipantsCount: int('Members (courses and projects)', true),
	ProfileImageUrl: text('Avatar address'),
	ColorSchema: text('Colour scheme'),
	Code: text('Extra code shown after the name'),
	CanReceive: flag('Can receive new messages'),
	RoleInHierarchyTitle: text('Role in the home hierarchy'),
};
