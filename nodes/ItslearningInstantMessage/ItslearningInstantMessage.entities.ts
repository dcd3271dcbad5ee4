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
