/**
 * itslearning Instant Messages: one row per method of the itslearning-sdk `InstantMessagesAPI`
 * (45), with the HTTP method, path, parameters and paging of `test/spec/itslearning-instant-message.json`.
 * Parameter names are the camelCase of the API's own names; `wireName` keeps the API's spelling.
 */
import type { IDataObject } from 'n8n-workflow';

import { lowestInteger } from '../shared/table/json';
import { itslearningMessageShape, itslearningPersonShape, itslearningThreadShape, itslearningThreadWithMessagesShape } from '../shared/table/message';
import type { ChoiceDef, EndpointRow, ListSearchDef, LocatorDef, ParamDef, ResourceDef, Simplifier } from '../shared/table/types';

const IM = '/restapi/personal/instantmessages';
const SCOPE = 'InstantMessage';

// ── Pick from a list (resource locators) ────────────────────────────────────────────────────────
const PERSON_URL = { regex: '[?&][Pp]erson[Ii]d=(\\d+)', placeholder: 'https://yourschool.itslearning.com/Person/show.aspx?PersonId=12345', hint: 'The address of the person\'s profile page' };
const COURSE_URL = { regex: '[?&][Cc]ourse[Ii][Dd]=(\\d+)', placeholder: 'https://yourschool.itslearning.com/main.aspx?CourseID=12345', hint: 'The address of a page of the course' };
export const threadLocator: LocatorDef = { search: 'searchThreads', item: 'a thread', idPlaceholder: 'e.g. 4711' };
const personLocator: LocatorDef = { search: 'searchPeople', item: 'a person', searchRequired: true, idPlaceholder: 'e.g. 12345', url: PERSON_URL };
const peopleLocator: LocatorDef = { ...personLocator, idPlaceholder: 'e.g. 12345, 23456', idHint: 'One or more person IDs separated by commas' };
const courseLocator: LocatorDef = { search: 'searchCourses', item: 'a course', searchRequired: true, idPlaceholder: 'e.g. 100', url: COURSE_URL };
const projectLocator: LocatorDef = { search: 'searchProjects', item: 'a project', searchRequired: true, idPlaceholder: 'e.g. 200' };

// ── Parameters used by several rows ─────────────────────────────────────────────────────────────
export const threadId: ParamDef = { name: 'threadId', location: 'path', type: 'integer', label: 'Thread ID', required: true, description: 'The conversation thread', locator: threadLocator };
const instantMessageId: ParamDef = { name: 'instantMessageId', location: 'path', type: 'int64', label: 'Message ID', required: true, description: 'ID of the message (MessageId in the output of Message → Get Many)' };
const personId: ParamDef = { name: 'personId', location: 'path', type: 'integer', label: 'Person ID', required: true, description: 'The itslearning person', locator: personLocator };
const searchText: ParamDef = { name: 'searchText', location: 'query', type: 'string', label: 'Search Text', required: true, description: 'Text to look for' };
const maxMessagesPerThread: ParamDef = { name: 'maxMessages', location: 'query', type: 'integer', label: 'Max Messages per Thread', min: 0, description: 'How many recent messages to include with each thread' };

/** Body of the thread-update routes (InstantMessageThreadUpdateV1). */
function threadUpdateBody(personIdsRequired: boolean, personIdsDescription: string): ParamDef[] {
	return [
		{ name: 'personIds', wireName: 'PersonIds', location: 'body', type: 'integerList', label: 'People', required: personIdsRequired, description: personIdsDescription, locator: peopleLocator },
		{ name: 'instantMessageThreadId', wireName: 'InstantMessageThreadId', location: 'body', type: 'integer', label: 'Thread ID in Body', description: 'The thread ID repeated in the request body; the API uses the thread chosen above' },
		{ name: 'updateName', wireName: 'UpdateName', location: 'body', type: 'boolean', label: 'Update Name', description: 'Whether to rename the thread to Name' },
		{ name: 'name', wireName: 'Name', location: 'body', type: 'string', label: 'Name', description: 'New name of the thread' },
		{ name: 'updateParticipants', wireName: 'UpdateParticipants', location: 'body', type: 'boolean', label: 'Update Participants', description: 'Whether to replace the participants with People' },
		{ name: 'toggleEnableDisableReplies', wireName: 'ToggleEnableDisableReplies', location: 'body', type: 'boolean', label: 'Change Replies Setting', description: 'Whether to apply Replies Are Enabled' },
		{ name: 'repliesAreEnabled', wireName: 'RepliesAreEnabled', location: 'body', type: 'boolean', label: 'Replies Are Enabled', description: 'Whether students may reply in the thread' },
	];
}

/** Message-id window of the older thread-message routes. */
function messageWindow(max?: number): ParamDef[] {
	return [
		{ name: 'maxMessages', location: 'query', type: 'integer', label: 'Max Messages', min: 1, max, description: 'How many messages to fetch' },
		{ name: 'upperBoundInstantMessageId', location: 'query', type: 'int64', label: 'Older Than Message ID', description: 'Only messages with a lower ID; do not combine with Newer Than Message ID' },
		{ name: 'lowerBoundInstantMessageId', location: 'query', type: 'int64', label: 'Newer Than Message ID', description: 'Only messages with a higher ID; do not combine with Older Than Message ID' },
	];
}

const messageWindowPaging = { style: 'idBounds', olderParam: 'upperBoundInstantMessageId', newerParam: 'lowerBoundInstantMessageId', sizeParam: 'maxMessages', itemsPath: 'EntityArray', idField: 'MessageId', pageSize: 100 } as const;
const threadPagePaging = { style: 'pageIndex', pageParam: 'threadPage', sizeParam: 'maxThreadCount', itemsPath: 'EntityArray', totalPath: 'Total', pageSize: 100 } as const;
const threadPageParams: ParamDef[] = [
	{ name: 'maxThreadCount', location: 'query', type: 'integer', label: 'Threads per Page', min: 1, description: 'How many threads one request returns' },
	{ name: 'threadPage', location: 'query', type: 'integer', label: 'Page', min: 0, description: 'Page number, starting at 0' },
	maxMessagesPerThread,
];

// ── Simplify: the one shape of messages, threads and people (shared/table/message.ts) ─────────────────
const simpleMessage: Simplifier = itslearningMessageShape;
const simpleThread: Simplifier = itslearningThreadShape;
const simpleThreadWithMessages: Simplifier = itslearningThreadWithMessagesShape;
const simpleRecipient: Simplifier = itslearningPersonShape;

// ── "One of these is needed" ────────────────────────────────────────────────────────────────────
const sendTo = (courseParam: string, projectParam: string, coursesLabel: string, projectsLabel: string): ChoiceDef => ({
	name: 'sendTo',
	label: 'Send To',
	description: 'Where the message goes: into a thread that exists, or to people, a course or a project (a new thread)',
	prompt: 'Choose in "Send To" where the message goes; the field for the recipient then appears below',
	options: [
		{ value: 'thread', name: 'Existing Thread', description: 'Post in a thread the user already has', params: ['instantMessageThreadId'] },
		{ value: 'people', name: 'People', description: 'Start a conversation with one or more people', params: ['toPersonIds'] },
		{ value: 'course', name: 'Course', description: `Message the members of ${coursesLabel}`, params: [courseParam] },
		{ value: 'project', name: 'Project', description: `Message the members of ${projectsLabel}`, params: [projectParam] },
	],
});
const threadChanges: ChoiceDef = {
	name: 'updateFields',
	label: 'Update',
	description: 'What to change in the thread',
	prompt: 'Choose in "Update" what to change; the fields for it then appear below',
	multiple: true,
	options: [
		{ value: 'name', name: 'Name', description: 'Rename the thread', params: ['name'], set: { updateName: true } },
		{ value: 'participants', name: 'Participants', description: 'Replace the people in the thread', params: ['personIds'], set: { updateParticipants: true } },
		{ value: 'replies', name: 'Replies Setting', description: 'Allow or stop replies from students', params: ['repliesAreEnabled'], set: { toggleEnableDisableReplies: true } },
	],
};

const recipientRoleOptions = ['Guest', 'Student', 'Teacher', 'Administrator', 'Parent'].map((role) => ({ name: role, value: role }));

export const itslearningResources: ResourceDef[] = [
	{ value: 'thread', name: 'Thread', description: 'Conversation threads' },
	{ value: 'message', name: 'Message', description: 'Instant messages in threads' },
	{ value: 'unread', name: 'Unread', description: 'Unread counts and read markers' },
	{ value: 'participant', name: 'Participant', description: 'People in a thread' },
	{ value: 'attachment', name: 'Attachment', description: 'Files to send with messages' },
	{ value: 'recipient', name: 'Recipient', description: 'People, courses and projects that can be messaged' },
	{ value: 'person', name: 'Person', description: 'Privacy rules and blocking' },
	{ value: 'abuseReport', name: 'Abuse Report', description: 'Withdraw abuse reports' },
	{ value: 'settings', name: 'Settings', description: 'Messaging limits, permissions and push channels' },
];

export const itslearningInstantMessageTable: EndpointRow[] = [
	// ── Thread ──────────────────────────────────────────────────────────────────────────────────
	{
		resource: 'thread', operation: 'getMany', sdkMethod: 'getMessageThreadsV3', name: 'Get Many', action: 'Get many threads',
		description: 'List the user\'s threads, newest activity first',
		method: 'GET', path: `${IM}/messagethreads/v3`, scope: SCOPE,
		params: [
			{ name: 'fromSortIndex', location: 'query', type: 'int64', label: 'Older Than Sort Index', description: 'Start below this thread sort index (leave empty for the newest threads)' },
			{ name: 'pageSize', location: 'query', type: 'integer', label: 'Page Size', default: 100, sendDefault: true, description: 'How many threads one request returns' },
		],
		simplify: simpleThread,
		paging: { style: 'cursor', cursorParam: 'fromSortIndex', sizeParam: 'pageSize', itemsPath: 'Threads.EntityArray', hasMorePath: 'HasMore', cursorField: 'SortIndex', pageSize: 100 },
	},
	{
		resource: 'thread', operation: 'getManyV2', sdkMethod: 'getMessageThreadsV2', name: 'Get Many (Page Numbers)', action: 'Get many threads by page number',
		description: 'List the user\'s threads page by page, each with a few recent messages',
		method: 'GET', path: `${IM}/messagethreads/v2`, scope: SCOPE, params: threadPageParams, paging: threadPagePaging, simplify: simpleThread,
	},
	{
		resource: 'thread', operation: 'getManyV1', sdkMethod: 'getMessageThreadsV1', name: 'Get Many V1', action: 'Get many threads by page number, API version 1',
		description: 'List the user\'s threads page by page (old API version)', deprecated: 'use Thread → Get Many instead',
		method: 'GET', path: `${IM}/messagethreads/v1`, scope: SCOPE, params: threadPageParams, paging: threadPagePaging, simplify: simpleThread,
	},
	{
		resource: 'thread', operation: 'get', sdkMethod: 'getThreadAndMessagesV2', name: 'Get', action: 'Get a thread with its messages',
		description: 'Get one thread together with a window of its messages',
		method: 'GET', path: `${IM}/messagethreads/{threadId}/v2`, scope: SCOPE,
		params: [threadId, ...messageWindow(500).map((p) => (p.name === 'maxMessages' ? { ...p, default: 100, sendDefault: true } : p))],
		simplify: simpleThreadWithMessages,
	},
	{
		resource: 'thread', operation: 'update', sdkMethod: 'updateThread', name: 'Update', action: 'Update a thread',
		description: 'Rename a thread, replace its participants or change whether students may reply',
		method: 'PUT', path: `${IM}/messagethreads/{threadId}/v1`, scope: SCOPE, simplify: simpleThread, choice: threadChanges,
		params: [threadId, ...threadUpdateBody(false, 'The people the thread should have')],
	},
	{
		resource: 'thread', operation: 'delete', sdkMethod: 'deleteThread', name: 'Delete', action: 'Delete a thread',
		description: 'Delete a thread for the user (it can be restored)',
		method: 'DELETE', path: `${IM}/messagethreads/{threadId}/v1`, scope: SCOPE, params: [threadId], output: { kind: 'void' },
	},
	{
		resource: 'thread', operation: 'restore', sdkMethod: 'restoreThread', name: 'Restore', action: 'Restore a thread',
		description: 'Undo the deletion of a thread',
		method: 'PATCH', path: `${IM}/messagethreads/{threadId}/restore/v1`, scope: SCOPE, simplify: simpleThread, params: [threadId],
	},
	{
		resource: 'thread', operation: 'toggleReplies', sdkMethod: 'toggleThreadReplies', name: 'Toggle Replies', action: 'Toggle whether students may reply',
		description: 'Flip whether students may reply in a thread',
		method: 'PUT', path: `${IM}/messagethreads/{threadId}/toggleEnableDisableReplies/v1`, scope: SCOPE, simplify: simpleThread, params: [threadId],
	},
	{
		resource: 'thread', operation: 'search', sdkMethod: 'searchMessageThreads', name: 'Search', action: 'Search threads',
		description: 'Search the user\'s threads by text and filters',
		method: 'POST', path: `${IM}/messagethreads/search/v1`, scope: SCOPE,
		params: [
			{ name: 'maxThreadCount', wireName: 'MaxThreadCount', location: 'body', type: 'integer', label: 'Threads per Page', min: 1, description: 'How many threads one request returns' },
			{ name: 'threadPage', wireName: 'ThreadPage', location: 'body', type: 'integer', label: 'Page', min: 0, description: 'Page number, starting at 0' },
			{ name: 'searchText', wireName: 'SearchText', location: 'body', type: 'string', label: 'Search Text', description: 'Text to look for in messages' },
			{ name: 'maxMessages', wireName: 'MaxMessages', location: 'body', type: 'integer', label: 'Max Messages per Thread', description: 'How many recent messages to include with each thread' },
			{ name: 'personIdFilter', wireName: 'PersonIdFilter', location: 'body', type: 'integer', label: 'From Person ID', description: 'Only messages from this person' },
			{ name: 'threadIdFilter', wireName: 'ThreadIdFilter', location: 'body', type: 'integer', label: 'In Thread ID', description: 'Only messages in this thread' },
			{ name: 'attachmentFilter', wireName: 'AttachmentFilter', location: 'body', type: 'boolean', label: 'With Attachments Only', description: 'Whether to return only threads with an attachment' },
			{ name: 'sentFilter', wireName: 'SentFilter', location: 'body', type: 'boolean', label: 'Sent by Me Only', description: 'Whether to return only threads where the user sent a message' },
			{ name: 'unreadFilter', wireName: 'UnreadFilter', location: 'body', type: 'boolean', label: 'Unread Only', description: 'Whether to return only threads with unread messages' },
			{ name: 'starredFilter', wireName: 'StarredFilter', location: 'body', type: 'boolean', label: 'Starred Only', description: 'Whether to return only starred messages' },
		],
		paging: { style: 'pageIndex', pageParam: 'threadPage', sizeParam: 'maxThreadCount', itemsPath: 'EntityArray', totalPath: 'Total', pageSize: 50 },
		simplify: simpleThread,
	},
	{
		resource: 'thread', operation: 'getSuggestions', sdkMethod: 'getThreadSuggestions', name: 'Get Suggestions', action: 'Suggest threads by name',
		description: 'Suggest conversations whose name contains a text',
		method: 'GET', path: `${IM}/messagethreads/suggestions/v1`, scope: SCOPE, params: [{ ...searchText, description: 'Text to look for in thread names and participant names' }], simplify: simpleThread,
	},
	{
		resource: 'thread', operation: 'getFilterSuggestions', sdkMethod: 'getSuggestions', name: 'Get Filter Suggestions', action: 'Suggest people or threads to filter by',
		description: 'Suggest people or thread names matching a text, for use as search filters',
		method: 'GET', path: `${IM}/suggestions/v1`, scope: SCOPE,
		params: [searchText, { name: 'maxSuggestions', location: 'query', type: 'integer', label: 'Max Suggestions', min: 1, default: 10, sendDefault: true, description: 'How many suggestions to return' }],
	},
	{
		resource: 'thread', operation: 'getOneToOne', sdkMethod: 'getOneToOneThreadId', name: 'Get One-to-One Thread ID', action: 'Get the one-to-one thread ID with a person',
		description: 'Look up the ID of the one-to-one thread with a person (0 when none exists)',
		method: 'GET', path: `${IM}/messagethreads/onetoone/{personId}/v1`, scope: SCOPE, params: [personId], output: { kind: 'primitive', key: 'threadId', type: 'integer' },
	},
	{
		resource: 'thread', operation: 'getCollaboration', sdkMethod: 'getCollaborationThreadId', name: 'Get Collaboration Thread', action: 'Get the thread of a collaboration',
		description: 'Get (creating it on first use) the thread of a group-assignment collaboration',
		method: 'GET', path: `${IM}/messagethreads/collaborations/{collaborationId}/v1`, scope: SCOPE,
		params: [{ name: 'collaborationId', location: 'path', type: 'integer', label: 'Collaboration ID', required: true, description: 'ID of the group-assignment collaboration' }],
		simplify: simpleThread,
	},

	// ── Message ─────────────────────────────────────────────────────────────────────────────────
	{
		resource: 'message', operation: 'send', sdkMethod: 'sendInstantMessageV2', name: 'Send', action: 'Send a message',
		description: 'Send a message (text and/or uploaded files) to a thread or to new recipients; returns the thread',
		method: 'POST', path: `${IM}/v2`, scope: SCOPE, simplify: simpleThread, choice: sendTo('courseIds', 'projectIds', 'one or more courses', 'one or more projects'),
		params: [
			{ name: 'text', wireName: 'Text', location: 'body', type: 'string', label: 'Text', required: true, description: 'The message text' },
			{ name: 'instantMessageThreadId', wireName: 'InstantMessageThreadId', location: 'body', type: 'integer', label: 'Thread', description: 'The thread to post in', locator: threadLocator },
			{ name: 'toPersonIds', wireName: 'ToPersonIds', location: 'body', type: 'integerList', label: 'People', description: 'The people to message', locator: peopleLocator },
			{ name: 'courseIds', wireName: 'CourseIds', location: 'body', type: 'integerList', label: 'Courses', description: 'The courses whose members get the message', locator: { ...courseLocator, idPlaceholder: 'e.g. 100, 101' } },
			{ name: 'projectIds', wireName: 'ProjectIds', location: 'body', type: 'integerList', label: 'Projects', description: 'The projects whose members get the message', locator: { ...projectLocator, idPlaceholder: 'e.g. 200, 201' } },
			{ name: 'fileIds', wireName: 'FileIds', location: 'body', type: 'guidList', label: 'File IDs', description: 'Files to attach: the GUIDs (Item1) returned by Attachment → Upload' },
			{ name: 'sendAsIndividualMessages', wireName: 'SendAsIndividualMessages', location: 'body', type: 'boolean', label: 'Send as Individual Messages', description: 'Whether to send one message per recipient instead of a group thread' },
			{ name: 'instantMessageIdToReplyTo', wireName: 'InstantMessageIdToReplyTo', location: 'body', type: 'int64', label: 'Reply to Message ID', description: 'The message this one answers (use with Reference Type: Reply)' },
			{ name: 'instantMessageIdToShare', wireName: 'InstantMessageIdToShare', location: 'body', type: 'int64', label: 'Share Message ID', description: 'A message to forward with this one (use with Reference Type: Shared Message)' },
			{ name: 'originInstantMessageId', wireName: 'OriginInstantMessageId', location: 'body', type: 'int64', label: 'Origin Message ID', description: 'The message this one refers to' },
			{ name: 'originMessageThreadId', wireName: 'OriginMessageThreadId', location: 'body', type: 'integer', label: 'Origin Thread ID', description: 'The thread of the message this one refers to' },
			{
				name: 'referencedInstantMessageType', wireName: 'ReferencedInstantMessageType', location: 'body', type: 'options', label: 'Reference Type', default: 'None',
				description: 'How this message relates to the referenced one',
				options: [
					{ name: 'Abuse Report (Message)', value: 'AbuseReported', description: 'Reports the referenced message as abuse' },
					{ name: 'Abuse Report (Thread)', value: 'AbuseReportedThread', description: 'Reports the referenced thread as abuse' },
					{ name: 'None', value: 'None', description: 'A plain message' },
					{ name: 'Reply', value: 'Replied', description: 'Answers the referenced message' },
					{ name: 'Shared Message', value: 'Shared', description: 'Forwards the referenced message' },
				],
			},
			{ name: 'hasYourFilesAttachment', wireName: 'HasYourFilesAttachment', location: 'body', type: 'boolean', label: 'Has Your Files Attachment', description: 'Whether a file comes from the user\'s "Your files"' },
		],
	},
	{
		resource: 'message', operation: 'sendV1', sdkMethod: 'sendInstantMessageV1', name: 'Send V1', action: 'Send a message, API version 1',
		description: 'Send a message to a thread or to new recipients (old API version)', deprecated: 'use Message → Send instead',
		method: 'POST', path: `${IM}/v1`, scope: SCOPE, simplify: simpleThread, choice: sendTo('courseId', 'projectId', 'a course', 'a project'),
		params: [
			{ name: 'text', wireName: 'Text', location: 'body', type: 'string', label: 'Text', required: true, description: 'The message text' },
			{ name: 'instantMessageThreadId', wireName: 'InstantMessageThreadId', location: 'body', type: 'integer', label: 'Thread', description: 'The thread to post in', locator: threadLocator },
			{ name: 'toPersonIds', wireName: 'ToPersonIds', location: 'body', type: 'integerList', label: 'People', description: 'The people to message', locator: peopleLocator },
			{ name: 'courseId', wireName: 'CourseId', location: 'body', type: 'integer', label: 'Course', description: 'The course whose members get the message', locator: courseLocator },
			{ name: 'projectId', wireName: 'ProjectId', location: 'body', type: 'integer', label: 'Project', description: 'The project whose members get the message', locator: projectLocator },
			{ name: 'fileId', wireName: 'FileId', location: 'body', type: 'guidList', label: 'File IDs', description: 'Files to attach: the GUIDs (Item1) returned by Attachment → Upload' },
			{ name: 'sendAsIndividualMessages', wireName: 'SendAsIndividualMessages', location: 'body', type: 'boolean', label: 'Send as Individual Messages', description: 'Whether to send one message per recipient' },
		],
	},
	{
		resource: 'message', operation: 'update', sdkMethod: 'updateInstantMessageText', name: 'Update Text', action: 'Edit the text of a message',
		description: 'Edit the text of a message the user sent',
		method: 'PATCH', path: `${IM}/v1`, scope: SCOPE, simplify: simpleMessage,
		params: [
			{ name: 'instantMessageId', wireName: 'InstantMessageId', location: 'body', type: 'int64', label: 'Message ID', required: true, description: 'ID of the message to edit; only the sender can edit it' },
			{ name: 'text', wireName: 'Text', location: 'body', type: 'string', label: 'Text', required: true, description: 'The new message text' },
		],
	},
	{
		resource: 'message', operation: 'delete', sdkMethod: 'deleteInstantMessage', name: 'Delete', action: 'Delete a message',
		description: 'Delete one message (it can be restored)',
		method: 'DELETE', path: `${IM}/{instantMessageId}/v1`, scope: SCOPE, simplify: simpleMessage, params: [instantMessageId],
	},
	{
		resource: 'message', operation: 'restore', sdkMethod: 'restoreInstantMessage', name: 'Restore', action: 'Restore a message',
		description: 'Undo the deletion of a message',
		method: 'PATCH', path: `${IM}/{instantMessageId}/restore/v1`, scope: SCOPE, simplify: simpleMessage, params: [instantMessageId],
	},
	{
		resource: 'message', operation: 'getMany', sdkMethod: 'getThreadMessagesV3', name: 'Get Many', action: 'Get many messages of a thread',
		description: 'Page backwards through a thread\'s messages, newest first',
		method: 'GET', path: `${IM}/messagethreads/{threadId}/messages/v3`, scope: SCOPE,
		params: [
			threadId,
			{ name: 'pageSize', location: 'query', type: 'integer', label: 'Page Size', description: 'How many messages one request returns' },
			{ name: 'fromId', location: 'query', type: 'int64', label: 'Older Than Message ID', description: 'Start below this message ID (leave empty for the newest messages)' },
		],
		paging: { style: 'cursor', cursorParam: 'fromId', sizeParam: 'pageSize', itemsPath: 'Messages.EntityArray', hasMorePath: 'HasMore', cursorField: 'MessageId', pageSize: 100 },
		simplify: simpleMessage,
	},
	{
		resource: 'message', operation: 'getManyV2', sdkMethod: 'getThreadMessagesV2', name: 'Get Many V2', action: 'Get many messages of a thread by message ID window, API version 2',
		description: 'Get a window of messages from one thread, bounded by message ID', deprecated: 'use Message → Get Many instead',
		method: 'GET', path: `${IM}/messagethreads/{threadId}/messages/v2`, scope: SCOPE, params: [threadId, ...messageWindow(500)], paging: messageWindowPaging, simplify: simpleMessage,
	},
	{
		resource: 'message', operation: 'getManyV1', sdkMethod: 'getThreadMessagesV1', name: 'Get Many V1', action: 'Get many messages of a thread, API version 1',
		description: 'Get messages of a thread (oldest API version)', deprecated: 'use Message → Get Many instead',
		method: 'GET', path: `${IM}/messagethreads/{threadId}/v1`, scope: SCOPE, params: [threadId, ...messageWindow()], paging: messageWindowPaging, simplify: simpleMessage,
	},
	{
		resource: 'message', operation: 'search', sdkMethod: 'searchMessagesInThread', name: 'Search in Thread', action: 'Search messages in a thread',
		description: 'Find which messages of a thread contain a text (one item per matching message ID)',
		method: 'GET', path: `${IM}/messagethreads/{threadId}/messages/search/v1`, scope: SCOPE, params: [threadId, searchText], output: { kind: 'primitiveList', key: 'messageId', type: 'integer' },
	},
	{
		resource: 'message', operation: 'toggleStar', sdkMethod: 'toggleMessageStar', name: 'Toggle Star', action: 'Star or unstar a message',
		description: 'Flip the starred flag of a message (read IsStarred from the result)',
		method: 'PUT', path: `${IM}/togglemessagestar/{instantMessageId}/v1`, scope: SCOPE, simplify: simpleMessage, params: [instantMessageId],
	},
	{
		resource: 'message', operation: 'getStarredCount', sdkMethod: 'getStarredMessagesCount', name: 'Get Starred Count', action: 'Count starred messages',
		description: 'Count the messages the user has starred',
		method: 'GET', path: `${IM}/starred/count/v1`, scope: SCOPE, params: [], output: { kind: 'primitive', key: 'starredCount', type: 'integer' },
	},

	// ── Unread ──────────────────────────────────────────────────────────────────────────────────
	{
		resource: 'unread', operation: 'getThreadCount', sdkMethod: 'getThreadUnreadCount', name: 'Get Thread Unread Count', action: 'Count unread messages in a thread',
		description: 'Count the unread messages in one thread',
		method: 'GET', path: `${IM}/messagethreads/{threadId}/unread/count/v1`, scope: SCOPE, params: [threadId], output: { kind: 'primitive', key: 'unreadCount', type: 'integer' },
	},
	{
		resource: 'unread', operation: 'getThreadsCount', sdkMethod: 'getUnreadThreadsCount', name: 'Get Unread Threads Count', action: 'Count threads with unread messages',
		description: 'Count how many threads contain unread messages',
		method: 'GET', path: `${IM}/messagethreads/unread/count/v1`, scope: SCOPE, params: [], output: { kind: 'primitive', key: 'unreadThreadsCount', type: 'integer' },
	},
	{
		resource: 'unread', operation: 'markRead', sdkMethod: 'updateLastRead', name: 'Mark as Read', action: 'Mark a thread as read up to a message',
		description: 'Mark a thread as read up to a given message',
		method: 'PUT', path: `${IM}/messagethreads/{threadId}/updatelastread/{lastReadInstantMessageId}/v1`, scope: SCOPE,
		params: [
			threadId,
			{ name: 'lastReadInstantMessageId', location: 'path', type: 'int64', label: 'Last Read Message ID', required: true, description: 'Newest message the user has read' },
			{ name: 'sortIndex', location: 'query', type: 'int64', label: 'Sort Index', description: 'SortIndex of the thread, as in the output of Thread → Get Many' },
		],
		output: { kind: 'void' },
	},

	// ── Participant ─────────────────────────────────────────────────────────────────────────────
	{
		resource: 'participant', operation: 'add', sdkMethod: 'addParticipantsToThread', name: 'Add', action: 'Add people to a thread',
		description: 'Add people to an existing thread',
		method: 'PUT', path: `${IM}/messagethreads/{threadId}/participants/v1`, scope: SCOPE, simplify: simpleThread, params: [threadId, ...threadUpdateBody(true, 'People to add')],
	},
	{
		resource: 'participant', operation: 'remove', sdkMethod: 'removeParticipantsFromThread', name: 'Remove', action: 'Remove people from a thread',
		description: 'Remove people from a thread',
		method: 'DELETE', path: `${IM}/messagethreads/{threadId}/participants/v1`, scope: SCOPE, simplify: simpleThread, params: [threadId, ...threadUpdateBody(true, 'People to remove')],
	},
	{
		resource: 'participant', operation: 'addModerator', sdkMethod: 'addModeratorToThread', name: 'Add Moderator', action: 'Make people moderators of a thread',
		description: 'Make one or more people moderators of a thread',
		method: 'PUT', path: `${IM}/messagethreads/{threadId}/moderators/v1`, scope: SCOPE, simplify: simpleThread, params: [threadId, ...threadUpdateBody(true, 'People to make moderators')],
	},
	{
		resource: 'participant', operation: 'getDisabled', sdkMethod: 'getParticipantsWithDisabledMessages', name: 'Get With Messages Disabled', action: 'List participants with messaging turned off',
		description: 'List the thread participants who have messaging turned off',
		method: 'GET', path: `${IM}/messagethreads/{threadId}/participants/messages-disabled/v1`, scope: SCOPE, params: [threadId],
	},

	// ── Attachment ──────────────────────────────────────────────────────────────────────────────
	{
		resource: 'attachment', operation: 'upload', sdkMethod: 'uploadAttachment', name: 'Upload', action: 'Upload files to attach',
		description: 'Upload files to temporary storage; pass the returned GUIDs (Item1) as File IDs to Message → Send',
		method: 'POST', path: `${IM}/attachment/v1`, scope: SCOPE,
		params: [{ name: 'binaryPropertyName', location: 'binary', type: 'string', label: 'Input Binary Field', required: true, default: 'data', description: 'Name of the input binary field(s) holding the file(s)' }],
	},
	{
		resource: 'attachment', operation: 'delete', sdkMethod: 'deleteAttachment', name: 'Delete', action: 'Delete an uploaded file',
		description: 'Remove an uploaded file that was not sent yet',
		method: 'DELETE', path: `${IM}/attachment/v1`, scope: SCOPE,
		params: [{ name: 'fileId', location: 'query', type: 'guid', label: 'File ID', required: true, description: 'The GUID (Item1) returned by Attachment → Upload' }],
	},

	// ── Recipient ───────────────────────────────────────────────────────────────────────────────
	{
		resource: 'recipient', operation: 'resolve', sdkMethod: 'getRecipientsV2', name: 'Resolve', action: 'Resolve people, courses and projects to recipients',
		description: 'Resolve lists of people, courses and projects into recipient records',
		method: 'GET', path: `${IM}/recipients/v2`, scope: SCOPE,
		params: [
			{ name: 'personIds', location: 'query', type: 'integerList', label: 'Person IDs', description: 'People to look up' },
			{ name: 'courseIds', location: 'query', type: 'integerList', label: 'Course IDs', description: 'Courses to look up' },
			{ name: 'projectIds', location: 'query', type: 'integerList', label: 'Project IDs', description: 'Projects to look up' },
		],
		simplify: simpleRecipient,
	},
	{
		resource: 'recipient', operation: 'resolveV1', sdkMethod: 'getRecipientsV1', name: 'Resolve V1', action: 'Resolve people, a course or a project, API version 1',
		description: 'Resolve people, one course or one project into recipient records (old API version)',
		method: 'GET', path: `${IM}/recipients/v1`, scope: SCOPE,
		params: [
			{ name: 'courseId', location: 'query', type: 'integer', label: 'Course ID', description: 'A course to look up' },
			{ name: 'projectId', location: 'query', type: 'integer', label: 'Project ID', description: 'A project to look up' },
			{ name: 'personIds', location: 'query', type: 'integerList', label: 'Person IDs', description: 'People to look up' },
		],
		simplify: simpleRecipient,
	},
	{
		resource: 'recipient', operation: 'getPersons', sdkMethod: 'getRecipientPersons', name: 'Get Persons', action: 'Get recipient details for people',
		description: 'Fetch recipient details for a list of person IDs in one call',
		method: 'POST', path: `${IM}/recipients/persons/v1`, scope: SCOPE,
		params: [{ name: 'personIds', location: 'bodyRoot', type: 'integerList', label: 'People', required: true, description: 'The people to look up', locator: peopleLocator }],
		simplify: simpleRecipient,
	},
	{
		resource: 'recipient', operation: 'search', sdkMethod: 'searchRecipients', name: 'Search', action: 'Search people to message',
		description: 'Search people the user may message under the site\'s e-safety rules',
		method: 'GET', path: `${IM}/recipients/search/v1`, scope: SCOPE,
		params: [
			searchText,
			{ name: 'instantMessageThreadId', location: 'query', type: 'integer', label: 'Exclude Members of Thread ID', description: 'People already in this thread are left out' },
			{ name: 'recipientRoles', location: 'query', type: 'stringList', label: 'Recipient Roles', description: `Only people with these roles (${recipientRoleOptions.map((o) => o.name).join(', ')}); without roles, courses and projects are found too` },
		],
		simplify: simpleRecipient,
	},

	// ── Person ──────────────────────────────────────────────────────────────────────────────────
	{
		resource: 'person', operation: 'checkPrivacy', sdkMethod: 'checkPrivacyRules', name: 'Check Privacy Rules', action: 'Check whether a person may be messaged',
		description: 'Ask whether the user may start a conversation with a person',
		method: 'GET', path: `${IM}/privacy/{personId}/v1`, scope: SCOPE, params: [personId], output: { kind: 'primitive', key: 'allowed', type: 'boolean' },
	},
	{
		resource: 'person', operation: 'toggleBlock', sdkMethod: 'togglePersonBlock', name: 'Toggle Block', action: 'Block or unblock a person',
		description: 'Flip whether the user blocks messages from a person',
		method: 'PUT', path: `${IM}/togglepersonblock/{personId}/v1`, scope: SCOPE, params: [personId], output: { kind: 'primitive', key: 'result', type: 'boolean' },
	},

	// ── Abuse report ────────────────────────────────────────────────────────────────────────────
	{
		resource: 'abuseReport', operation: 'cancelMessageReport', sdkMethod: 'cancelAbuseReport', name: 'Cancel Message Report', action: 'Withdraw a message abuse report',
		description: 'Withdraw an abuse report filed against a single message',
		method: 'DELETE', path: `${IM}/{instantMessageId}/abusereport/v1`, scope: SCOPE, simplify: simpleMessage, params: [instantMessageId],
	},
	{
		resource: 'abuseReport', operation: 'cancelThreadReport', sdkMethod: 'cancelAbuseThreadReport', name: 'Cancel Thread Report', action: 'Withdraw a thread abuse report',
		description: 'Withdraw an abuse report filed against a whole thread',
		method: 'PUT', path: `${IM}/cancelabusethreadreport/{threadId}/v1`, scope: SCOPE, params: [threadId], output: { kind: 'void' },
	},

	// ── Settings ────────────────────────────────────────────────────────────────────────────────
	{
		resource: 'settings', operation: 'get', sdkMethod: 'getSettingsV2', name: 'Get', action: 'Get messaging settings',
		description: 'Read messaging limits for the user, including the SignalR service version',
		method: 'GET', path: `${IM}/settings/v2`, scope: SCOPE, params: [],
	},
	{
		resource: 'settings', operation: 'getV1', sdkMethod: 'getSettingsV1', name: 'Get V1', action: 'Get messaging settings, API version 1',
		description: 'Read messaging limits for the user (old API version)',
		method: 'GET', path: `${IM}/settings/v1`, scope: SCOPE, params: [],
	},
	{
		resource: 'settings', operation: 'getPermissions', sdkMethod: 'getInstantMessagePermissions', name: 'Get Permissions', action: 'Get messaging permissions',
		description: 'Read what the user is allowed to do in the messaging system',
		method: 'GET', path: `${IM}/permissions/v1`, scope: SCOPE, params: [],
	},
	{
		resource: 'settings', operation: 'registerChannel', sdkMethod: 'registerCommunicationChannel', name: 'Register Push Channel', action: 'Register a SignalR connection',
		description: 'Register a SignalR connection ID so the server can push messaging events to it',
		method: 'POST', path: `${IM}/communicationchannel/{channelId}/v1`, scope: SCOPE,
		params: [
			{ name: 'channelId', location: 'path', type: 'string', label: 'Channel ID', required: true, description: 'The connection ID of the SignalR client' },
			{ name: 'unregister', location: 'query', type: 'boolean', label: 'Unregister', default: false, sendDefault: true, description: 'Whether to remove the registration instead' },
		],
		output: { kind: 'void' },
	},
];

// ── Pick from a list: the node's methods.listSearch ─────────────────────────────────────────────
const ALL_ROLES = recipientRoleOptions.map((o) => o.value);
const LIST_PAGE_SIZE = 50;

/** People, courses or projects from searchRecipients (the API returns every match at once). */
function recipientSearch(typeName: 'Person' | 'Course' | 'Project', url?: (id: unknown, baseUrl: string) => string): ListSearchDef {
	return {
		sdkMethod: 'searchRecipients',
		needsFilter: true,
		// A role filter makes the API return people only; courses and projects come without one.
		values: ({ filter }) => ({ searchText: filter ?? '', recipientRoles: typeName === 'Person' ? ALL_ROLES : undefined }),
		items: '',
		toItem: (entry, { baseUrl }) => {
			if (entry.TypeName !== typeName || entry.Id === undefined || entry.Id === null) return undefined;
			const detail = typeName === 'Person' ? [entry.RoleInHierarchyTitle, entry.Organization] : [entry.Code];
			const extra = detail.filter((d) => typeof d === 'string' && d !== '').join(', ');
			return { name: `${String(entry.Label ?? entry.Id)}${extra ? ` (${extra})` : ''}`, value: String(entry.Id), ...(url && { url: url(entry.Id, baseUrl) }) };
		},
	};
}

const threadItem = (thread: IDataObject) => {
	const name = typeof thread.Name === 'string' && thread.Name.trim() ? thread.Name : typeof thread.Tooltip === 'string' && thread.Tooltip ? thread.Tooltip : `Thread ${String(thread.InstantMessageThreadId)}`;
	return { name, value: String(thread.InstantMessageThreadId) };
};

export const itslearningListSearch: Record<string, ListSearchDef> = {
	/** The user's threads, newest activity first (cursor: SortIndex); with search text, threads whose name or participants match. */
	searchThreads: {
		sdkMethod: ({ filter }) => (filter ? 'getThreadSuggestions' : 'getMessageThreadsV3'),
		values: ({ filter, token }) => (filter ? { searchText: filter } : { pageSize: LIST_PAGE_SIZE, fromSortIndex: token }),
		items: ({ filter }) => (filter ? '' : 'Threads.EntityArray'),
		toItem: (thread) => (thread.InstantMessageThreadId === undefined ? undefined : threadItem(thread)),
		next: (answer, threads, { filter }) => {
			if (filter || !(answer as IDataObject | undefined)?.HasMore) return undefined;
			// Exact: a SortIndex above 2^53 arrives as a digit string (the transport parses answers exactly).
			return lowestInteger(threads.map((t) => t.SortIndex));
		},
	},
	searchPeople: recipientSearch('Person', (id, baseUrl) => `${baseUrl}/Person/show.aspx?PersonId=${String(id)}`),
	searchCourses: recipientSearch('Course', (id, baseUrl) => `${baseUrl}/main.aspx?CourseID=${String(id)}`),
	searchProjects: recipientSearch('Project'),
};
