//! What the host tells the engine.

use alloc::string::String;
use alloc::vec::Vec;

use super::config::{HostInfo, RawConfig};
use super::DeviceId;

/// A conference participant, copied out of Flex's getter-backed object.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Participant {
    /// `callSid`, when the participant has a call leg.
    pub call_sid: Option<String>,
    /// `workerSid`, for worker participants.
    pub worker_sid: Option<String>,
    /// `participantType` (`customer`, `worker`, `agent`, `supervisor`, …).
    pub kind: String,
    /// `status` (`joined`, `left`, `recently_left`, …).
    pub status: String,
    /// `isCurrentWorker`: this is the agent's own leg.
    pub is_current_worker: bool,
    /// `onHold`.
    pub on_hold: bool,
    /// `mediaProperties.sequenceNumber`: larger is newer.
    pub sequence: f64,
}

impl Participant {
    /// Only joined participants are on the call (not `left` or `recently_left`).
    pub fn joined(&self) -> bool {
        self.status == "joined"
    }
}

/// A plain copy of one Flex task.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TaskSnapshot {
    /// Reservation sid (`WR…`), the key of `flex.worker.tasks`.
    pub sid: String,
    /// `TaskHelper.isCallTask(task)`.
    pub is_call: bool,
    /// `task.taskStatus` (`reserved`, `assigned`, `wrapping`, …).
    pub status: String,
    /// The conference participants.
    pub participants: Vec<Participant>,
}

impl TaskSnapshot {
    /// An accepted call task whose call is still going on.
    pub fn is_assigned_call(&self) -> bool {
        self.is_call && self.status == "assigned"
    }

    /// The agent's own leg: the newest joined current-worker participant with a call sid.
    pub fn agent_call(&self) -> Option<&str> {
        self.participants
            .iter()
            .filter(|p| p.joined() && p.is_current_worker && p.call_sid.is_some())
            .max_by(|a, b| a.sequence.total_cmp(&b.sequence))
            .and_then(|p| p.call_sid.as_deref())
    }
}

/// A fact from the host. Grouped by where it comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    // --- start-up ---
    /// The plugin's `init` ran: the raw configuration and the host facts.
    Start {
        /// `custom_data.features.multi_call`.
        config: RawConfig,
        /// Facts about Flex and its Device.
        host: HostInfo,
    },

    // --- Flex state (Redux) ---
    /// A task was added or changed.
    TaskChanged(TaskSnapshot),
    /// A task left `flex.worker.tasks`.
    TaskRemoved {
        /// Reservation sid.
        task: String,
    },
    /// The selected task changed (`flex.view.selectedTaskSid`, seen by the store listener).
    TaskSelected {
        /// Reservation sid, `None` when nothing is selected.
        task: Option<String>,
    },
    /// `flex.phone.activeCall` changed.
    ActiveCallChanged {
        /// Its `parameters.CallSid`, `None` when there is no active call.
        call: Option<String>,
    },

    // --- Flex actions (before-listeners; commands run before the action) ---
    /// `beforeAcceptTask`.
    AcceptingTask {
        /// Reservation sid.
        task: String,
        /// Whether it is a call task (others never hold anything).
        is_call: bool,
    },
    /// `beforeUnholdCall` or `beforeUnholdParticipant`.
    Unholding {
        /// Reservation sid.
        task: String,
    },
    /// `beforeMonitorCall`: a supervisor starts monitoring on Flex's Device.
    Monitoring,
    /// `beforeStopMonitoringCall`: Flex is about to end monitoring by
    /// disconnecting its active call.
    StoppingMonitoring,
    /// `beforeToggleMute`: the mute button acts on the active call.
    TogglingMute,
    /// A `HoldParticipant` invoked by the engine finished.
    HoldSettled {
        /// Reservation sid.
        task: String,
        /// Target sid.
        target: String,
        /// The rejection reason, when it failed.
        error: Option<String>,
    },
    /// `beforeAddNotification`: Flex is about to show notification `id`.
    NotificationAdding {
        /// Notification id.
        id: String,
    },

    // --- Devices and calls ---
    /// A call invite reached a Device.
    CallIncoming {
        /// The Device.
        device: DeviceId,
        /// `call.parameters.CallSid`.
        call: String,
        /// The Device already had an open call (`isBusy`).
        busy: bool,
    },
    /// A call opened on a Device (accepted or forwarded).
    CallAccepted {
        /// The Device.
        device: DeviceId,
        /// The call.
        call: String,
    },
    /// A call on a Device ended (`disconnect`, `cancel`, `reject`).
    CallEnded {
        /// The Device.
        device: DeviceId,
        /// The call.
        call: String,
    },
    /// A call reported its mute state.
    CallMuted {
        /// The Device.
        device: DeviceId,
        /// The call.
        call: String,
        /// The new state.
        muted: bool,
    },
    /// An extra Device registered.
    DeviceRegistered {
        /// The Device.
        device: DeviceId,
    },
    /// A Device failed: construction threw, `register`/`connect` rejected,
    /// or it emitted `error`.
    DeviceFailed {
        /// The Device.
        device: DeviceId,
        /// Twilio error code, 0 when none.
        code: u32,
        /// The error's message (never a token).
        message: String,
    },
    /// Flex replaced `manager.voiceClient`; the host re-attached to the new one.
    FlexDeviceReplaced,
    /// Flex got a new access token (`tokenUpdated`).
    TokenUpdated,
    /// The agent changed speaker or microphone on Flex's Device.
    AudioDevicesChanged,

    // --- time ---
    /// A timer from [`Command::StartTimer`](super::Command::StartTimer) fired.
    TimerFired {
        /// Timer id.
        timer: u32,
    },
}

