import { enterNetns } from './harness.mjs';
import { chatAndMonitoring } from './chat-monitor.mjs';

enterNetns();
chatAndMonitoring('standby');
