//! What the engine asks the host to do.

use alloc::string::String;

use serde::Serialize;

use super::DeviceId;

/// Severity of a log line or a notification shown to the agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    /// Routine progress, console only.
    Info,
    /// Something the admin or agent should know; the feature still works.
    Warning,
    /// Something failed; the message says what and how to fix it.
    Error,
}

/// A request to the host. Commands are carried out in order, after
/// [`Engine::handle`](super::Engine::handle) returns; outcomes come back as
/// events, because holds, mutes and Devices can fail or race.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Command {
    /// Write a console line (the host adds the `[multi-call]` prefix).
    Log {
        /// Console level.
        level: Level,
        /// The text; never contains a token.
        message: String,
    },
    /// Show a Flex notification to the agent (registered once per `id`).
    Notify {
        /// Stable notification id, without the host's prefix.
        id: &'static str,
        /// Notification type.
        level: Level,
        /// Text shown to the agent.
        message: String,
    },
    /// Install multi-call's Flex hooks: the feature is on in `mode`.
    Enable {
        /// The resolved mode.
        mode: Mode,
    },
    /// Cancel the action or notification the current event asked about.
    Cancel,
    /// Build a Device from Flex's Device class, with Flex's options, the
    /// agent's audio devices and an error listener; register it if asked.
    CreateDevice {
        /// Id the host uses for this Device in later events.
        device: DeviceId,
        /// True for a standby Device that must receive invites.
        register: bool,
    },
    /// Destroy an extra Device (its call, if any, has ended).
    DestroyDevice {
        /// The Device.
        device: DeviceId,
    },
    /// Accept the incoming call on a standby Device with Flex's accept options.
    AcceptCall {
        /// The standby Device that rings.
        device: DeviceId,
        /// Its incoming call.
        call: String,
    },
    /// Take the call ringing on Flex's busy Device over on `device` with
    /// `connect({ connectToken, rtcConfiguration, rtcConstraints })`.
    ForwardCall {
        /// The new, unregistered Device.
        device: DeviceId,
        /// The call ringing on Flex's Device.
        call: String,
    },
    /// Show Flex's own second-call prompt again for a call multi-call could
    /// not take, so the agent can still answer or reject it the stock way.
    RestoreFlexPrompt {
        /// The call still ringing on Flex's Device.
        call: String,
    },
    /// Mute or unmute the agent's leg of a call.
    MuteCall {
        /// The call.
        call: String,
        /// True to mute.
        muted: bool,
    },
    /// Hang up the agent's leg of a call (`call.disconnect()`).
    DisconnectCall {
        /// The call.
        call: String,
    },
    /// `invokeAction('HoldParticipant', { task, targetSid })`. No Flex action
    /// waits for it: the agent's microphone on that call is muted at once, and
    /// the hold, asked for before the action's own request, lands before a new
    /// call's media is up; waiting made a second call one Twilio round trip slower.
    HoldParticipant {
        /// Reservation sid of the task.
        task: String,
        /// `workerSid` for worker participants, `callSid` otherwise.
        target: String,
    },
    /// Dispatch `PHONE_ADD_CALL` with this call, making it Flex's active call.
    SetActiveCall {
        /// The call.
        call: String,
    },
    /// Dispatch `PHONE_REMOVE_CALL`: no call is active.
    ClearActiveCall,
    /// Give `device` the newest access token.
    UpdateToken {
        /// The Device.
        device: DeviceId,
    },
    /// Apply the agent's current speaker and microphone to `device`.
    ApplyAudio {
        /// The Device.
        device: DeviceId,
    },
    /// Call back with [`Event::TimerFired`](super::Event::TimerFired) after `after_ms`.
    StartTimer {
        /// Timer id.
        timer: u32,
        /// Delay in milliseconds.
        after_ms: u32,
    },
}

use super::config::Mode;
