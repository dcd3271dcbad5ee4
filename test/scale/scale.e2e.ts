// The scale suite (test/scale/suite.ts) in n8n 2.41.1 queue mode.
import { defineScaleSuite } from './suite';

defineScaleSuite('2.41.1');
