import { enterNetns } from './harness.mjs';
import { multiCallScenarios } from './scenarios.mjs';

enterNetns();
multiCallScenarios('standby');
