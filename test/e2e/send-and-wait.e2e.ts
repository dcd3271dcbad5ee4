import { defineSendAndWaitSuite } from './send-and-wait';

// n8n 2.x first (signed links checked by n8n itself, Human Review tool), then the latest 1.x.
defineSendAndWaitSuite('2.41.1');
defineSendAndWaitSuite('1.123.81');
