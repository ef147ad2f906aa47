// The commands the engine returns (src/engine/command.rs, serialized with
// `#[serde(tag = "type", rename_all = "camelCase")]`, written as JSON text by
// src/wire.rs: variant names are camelCase, field names stay snake_case).
// `Host.run` in index.js switches over exactly these.

type Level = 'info' | 'warning' | 'error';
type Mode = 'standby' | 'forward';

export type Command =
  | { type: 'log'; level: Level; message: string }
  | { type: 'notify'; id: string; level: Level; message: string }
  | { type: 'enable'; mode: Mode }
  | { type: 'cancel' }
  | { type: 'createDevice'; device: number; register: boolean }
  | { type: 'destroyDevice'; device: number }
  | { type: 'acceptCall'; device: number; call: string }
  | { type: 'forwardCall'; device: number; call: string }
  | { type: 'restoreFlexPrompt'; call: string }
  | { type: 'muteCall'; call: string; muted: boolean }
  | { type: 'holdParticipant'; task: string; target: string }
  | { type: 'setActiveCall'; call: string }
  | { type: 'clearActiveCall' }
  | { type: 'updateToken'; device: number }
  | { type: 'applyAudio'; device: number }
  | { type: 'startTimer'; timer: number; after_ms: number };
