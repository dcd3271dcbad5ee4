/**
 * Send and Wait for Response on itslearning: the message goes where Message → Send sends it (a
 * thread, people, courses or projects), through the same table row; the links are plain URLs on
 * their own lines (itslearning shows message text as is and makes URLs clickable).
 */
import type { SendAndWaitSpec } from '../shared/table/sendAndWait';

export const itslearningSendAndWait: SendAndWaitSpec = {
	resource: 'message',
	sendToDescription:
		'Where the question goes: into a thread that exists, or to people, courses or projects (a new thread)',
	targets: [
		{
			value: 'people',
			name: 'People',
			description: 'Ask one or more people',
			sdkMethod: 'sendInstantMessageV2',
			param: 'toPersonIds',
		},
		{
			value: 'thread',
			name: 'Existing Thread',
			description: 'Ask in a thread the user already has',
			sdkMethod: 'sendInstantMessageV2',
			param: 'instantMessageThreadId',
		},
		{
			value: 'course',
			name: 'Course',
			description: 'Ask the members of one or more courses',
			sdkMethod: 'sendInstantMessageV2',
			param: 'courseIds',
		},
		{
			value: 'project',
			name: 'Project',
			description: 'Ask the members of one or more projects',
			sdkMethod: 'sendInstantMessageV2',
			param: 'projectIds',
		},
	],
	textParam: 'text',
	links: 'plain',
};
