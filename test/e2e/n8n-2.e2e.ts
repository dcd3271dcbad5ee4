import { defineN8nSuite } from './suite';

defineN8nSuite('2.41.1');
