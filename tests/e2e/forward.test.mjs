import { enterNetns } from './harness.mjs';
import { multiCallScenarios } from './scenarios.mjs';
import { manyCallsScenario } from './many-calls.mjs';

enterNetns();
multiCallScenarios('forward');
manyCallsScenario();
