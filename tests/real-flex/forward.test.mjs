// multi-call's forward mode inside the real Flex UI (see scenarios.mjs).
import { multiCallScenarios } from './scenarios.mjs';

multiCallScenarios('forward');
