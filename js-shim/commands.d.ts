// The commands the engine returns (src/engine/command.rs, serialized with
// `#[serde(tag = "type", rename_all = "camelCase")]`, made into objects by
// serde-wasm-bindgen: variant names are camelCase, field names stay snake_case).
// `Host.run` in index.js switches over exactly these; `startTimer` stays in
// the binding (src/wasm/), which arms the timer itself.

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
  | { type: 'disconnectCall'; call: string }
  | { type: 'holdParticipant'; task: string; target: string }
  | { type: 'setActiveCall'; call: string }
  | { type: 'clearActiveCall' }
  | { type: 'updateToken'; device: number }
  | { type: 'applyAudio'; device: number };

// The events index.js sends (`Host.feed`, plain objects into the wasm's
// `handle`; read by src/decode.rs). Absent or null fields are none / false / 0.
// `timerFired` comes from the binding, through the `wake` function.
type Raw = null | boolean | number | string | unknown[] | Record<string, unknown>;

export interface Participant {
  callSid?: string; workerSid?: string; participantType?: string; status?: string;
  isCurrentWorker?: boolean; onHold?: boolean; sequenceNumber?: number;
}

export type Event =
  | { type: 'start'; feature?: Raw; flexVersion?: string; sdkVersion?: string; deviceClass: boolean; allowIncomingWhileBusy?: Raw }
  | { type: 'taskChanged'; sid: string; isCall: boolean; status: string; participants: Participant[] }
  | { type: 'taskRemoved'; task: string }
  | { type: 'taskSelected'; task?: string }
  | { type: 'activeCallChanged'; call?: string }
  | { type: 'acceptingTask'; task: string; isCall: boolean }
  | { type: 'unholding'; task: string }
  | { type: 'monitoring' }
  | { type: 'stoppingMonitoring' }
  | { type: 'togglingMute' }
  | { type: 'holdSettled'; task: string; target: string; error?: string }
  | { type: 'notificationAdding'; id: string }
  | { type: 'callIncoming'; device: number; call: string; busy: boolean }
  | { type: 'callAccepted'; device: number; call: string }
  | { type: 'callEnded'; device: number; call: string }
  | { type: 'callMuted'; device: number; call: string; muted: boolean }
  | { type: 'deviceRegistered'; device: number }
  | { type: 'deviceFailed'; device: number; code: number; message: string }
  | { type: 'flexDeviceReplaced' }
  | { type: 'tokenUpdated' }
  | { type: 'audioDevicesChanged' }
  | { type: 'timerFired'; timer: number };
