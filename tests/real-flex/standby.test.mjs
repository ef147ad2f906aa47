// multi-call's standby mode inside the real Flex UI (see scenarios.mjs).
import { multiCallScenarios } from './scenarios.mjs';

multiCallScenarios('standby');
