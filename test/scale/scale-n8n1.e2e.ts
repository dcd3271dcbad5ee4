// The scale suite (test/scale/suite.ts) in n8n 1.123.81 queue mode: n8n 1.x refreshes OAuth2 tokens
// without a cross-process lock, so the pack's own store re-read and rotation wait are what keep a
// rotating refresh token valid across workers. 600 sends instead of 2,000, to keep CI short.
import { defineScaleSuite } from './suite';

defineScaleSuite('1.123.81', { sends: 600 });
