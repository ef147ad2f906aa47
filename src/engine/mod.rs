//! The decision engine: every choice multi-call makes lives here.

pub mod command;
pub mod config;
pub mod event;
mod vecmap;

mod active;
mod calls;
mod devices;
mod holds;
mod monitoring;
mod notifications;
mod startup;
mod timers;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use vecmap::VecMap;

use command::{Command, Level};
use config::Config;
use event::{Event, TaskSnapshot};

/// Identifies a Device: [`FLEX_DEVICE`] or an extra Device the engine asked for.
pub type DeviceId = u32;

/// Flex's own Device, `manager.voiceClient`.
pub const FLEX_DEVICE: DeviceId = 0;

/// What an extra Device is for.
#[derive(Clone, Debug, PartialEq)]
enum Role {
    /// Registered (or registering) and idle, waiting for the next invite.
    Standby { registered: bool },
    /// Forward mode: made ahead, unregistered, its audio applied, for the next takeover.
    Spare,
    /// Answering `call` that rang on it as a standby.
    Accepting(String),
    /// Taking `call` over from Flex's Device; the `u32` counts earlier failed tries.
    Forwarding(String, u32),
    /// Carrying `call`.
    InCall(String),
}

impl Role {
    fn call(&self) -> Option<&str> {
        match self {
            Role::Standby { .. } | Role::Spare => None,
            Role::Accepting(c) | Role::Forwarding(c, _) | Role::InCall(c) => Some(c),
        }
    }
}

/// One of the agent's calls, on some Device.
#[derive(Clone, Debug, PartialEq)]
struct Call {
    device: DeviceId,
    live: bool,
    muted: bool,
    /// Order in which calls opened; the newest live call wins ties.
    order: u64,
}

/// Why a timer was started.
#[derive(Clone, Debug, PartialEq)]
enum Timer {
    StandbyRetry,
    Reconcile,
    /// Forward `call` again; the `u32` counts failed tries so far.
    ForwardRetry(String, u32),
}

/// The multi-call state machine. Feed it [`Event`]s with [`Engine::handle`]
/// and carry out the [`Command`]s it returns, in order.
#[derive(Debug, Default)]
pub struct Engine {
    config: Option<Config>,
    started: bool,
    tasks: VecMap<String, TaskSnapshot>,
    selected: Option<String>,
    /// Flex's active call as last seen or set.
    active: Option<String>,
    calls: VecMap<String, Call>,
    /// Calls ringing on Flex's Device, not yet answered or gone.
    flex_ringing: Vec<String>,
    devices: VecMap<DeviceId, Role>,
    next_device: DeviceId,
    timers: VecMap<u32, Timer>,
    next_timer: u32,
    standby_failures: u32,
    standby_given_up: bool,
    /// A spare Device failed: forward mode makes each takeover's Device then.
    spare_given_up: bool,
    holds_in_flight: Vec<(String, String)>,
    /// Call tasks the agent moved away from (the last hold of the others):
    /// a participant Flex reports joining one of them later is held then.
    away: Vec<String>,
    prompts_to_allow: u32,
    /// `MonitorCall` was invoked and its call has not rung yet.
    monitor_expected: bool,
    /// The call that rang after `MonitorCall`: the supervisor's monitoring
    /// call (checked to be live and no task's before it is used; sids are unique, so it may go stale).
    monitor_call: Option<String>,
    opened: u64,
    out: Vec<Command>,
}

impl Engine {
    /// A new engine; nothing happens until [`Event::Start`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Handles one host fact and returns what the host must do, in order.
    /// Call it for every event, synchronously, and carry the commands out
    /// after it returns; events raised meanwhile are handled afterwards.
    pub fn handle(&mut self, event: Event) -> Vec<Command> {
        if let Event::Start { config, host } = event {
            self.start(&config, &host);
        } else if self.config.is_some() && self.step(event) {
            self.reconcile_active();
        }
        core::mem::take(&mut self.out)
    }

    /// The resolved configuration, `None` while the feature is off.
    pub fn config(&self) -> Option<&Config> {
        self.config.as_ref()
    }

    /// Flex's active call as the engine last saw or set it.
    pub fn active_call(&self) -> Option<&str> {
        self.active.as_deref()
    }

    /// The agent's live calls with their mute state, oldest first.
    pub fn live_calls(&self) -> Vec<(&str, DeviceId, bool)> {
        let mut v: Vec<_> = self.calls.iter().filter(|(_, c)| c.live).collect();
        v.sort_by_key(|(_, c)| c.order);
        v.into_iter().map(|(s, c)| (s.as_str(), c.device, c.muted)).collect()
    }

    /// Extra Devices that exist, with the call each carries or takes.
    pub fn extra_devices(&self) -> Vec<(DeviceId, Option<&str>)> {
        self.devices.iter().map(|(d, r)| (*d, r.call())).collect()
    }

    /// The idle standby Devices (never more than one).
    pub fn standby_devices(&self) -> Vec<DeviceId> {
        self.devices
            .iter()
            .filter(|(_, r)| matches!(r, Role::Standby { .. }))
            .map(|(d, _)| *d)
            .collect()
    }

    /// The spare Devices made ahead for the next takeover in forward mode (never more than one).
    pub fn spare_devices(&self) -> Vec<DeviceId> {
        self.devices.iter().filter(|(_, r)| matches!(r, Role::Spare)).map(|(d, _)| *d).collect()
    }

    /// The selected task's live call, if it has one.
    pub fn selected_call(&self) -> Option<&str> {
        let task = self.tasks.get(self.selected.as_deref()?)?;
        task.agent_call().filter(|c| self.is_live(c))
    }

    // ----- events -----

    /// Handles one event; false when the active call must not be touched yet.
    // Not inlined (nor is `reconcile_active`): V8 compiles wasm functions on
    // first call, and start-up then compiles `start` without every event.
    #[inline(never)]
    fn step(&mut self, event: Event) -> bool {
        match event {
            Event::Start { .. } => {}
            Event::TaskChanged(task) => {
                self.forget_holds(&|t, target| {
                    t == task.sid
                        && task.participants.iter().any(|p| {
                            p.on_hold
                                && (p.worker_sid.as_deref() == Some(target) || p.call_sid.as_deref() == Some(target))
                        })
                });
                let sid = task.sid.clone();
                let before = self.tasks.insert(sid.clone(), task);
                if self.away.contains(&sid) {
                    // Reported after the agent moved on to another call: held now.
                    self.hold_arrivals(&sid, before.as_ref());
                }
            }
            Event::TaskRemoved { task } => {
                self.tasks.remove(&task);
                self.away.retain(|t| *t != task);
                self.forget_holds(&|t, _| t == task);
            }
            Event::TaskSelected { task } => self.selected = task,
            Event::ActiveCallChanged { call } => {
                let cleared_by_flex = call.is_none() && self.flex_busy();
                self.active = call;
                if cleared_by_flex {
                    // Flex clears its active call when one of its own calls
                    // disconnects, just before that call reports the end:
                    // decide after it, not now (it would revive a dead call).
                    self.start_timer(Timer::Reconcile, 50);
                    return false;
                }
            }
            Event::AcceptingTask { task, is_call } => {
                // The next call to ring is this task's, not a monitoring call.
                self.monitor_expected &= !is_call;
                if is_call && self.calls.values().any(|c| c.live) && !self.can_take_another() {
                    // No line is left for this call: holding the others would
                    // silence the agent for a call that cannot arrive here.
                    self.limit_reached(&format!("task {task}"));
                } else if is_call {
                    self.mute_all_except(None);
                    self.hold_others(Some(&task));
                }
            }
            Event::Unholding { task } => self.unhold(&task),
            Event::Monitoring => {
                self.monitor_expected = true;
                self.mute_all_except(None);
                self.hold_others(None);
            }
            Event::StoppingMonitoring => self.stop_monitoring(),
            Event::TogglingMute => {
                // The mute button is about to unmute the active call: silence
                // the others first so two calls are never open at once.
                if let Some(a) = self.active.clone() {
                    if self.calls.get(&a).is_some_and(|c| c.live && c.muted) {
                        self.mute_all_except(Some(&a));
                    }
                }
            }
            Event::HoldSettled { task, target, error } => {
                self.forget_holds(&|t, g| t == task && g == target);
                if let Some(reason) = error {
                    let colon = if reason.is_empty() { "" } else { ": " };
                    if self.is_worker_participant(&task, &target) {
                        // Another agent, not a caller: the agent's microphone on
                        // that call is muted already, so there is nothing for the
                        // agent to do (and Flex may list a worker who has left
                        // after a cold transfer); a notification would only cover
                        // the task list.
                        self.log(
                            Level::Warning,
                            format!("could not hold worker {target} on task {task}{colon}{reason}; no caller is affected (the agent's microphone on that call is muted)"),
                        );
                        return true;
                    }
                    self.log(Level::Warning, format!("could not hold participant {target} on task {task}{colon}{reason}"));
                    self.notify(
                        "hold-failed",
                        Level::Warning,
                        "multi-call could not put a caller on hold. Your microphone on that call is muted, but the caller may still hear the line; hold them from the task's call controls.".into(),
                    );
                }
            }
            Event::NotificationAdding { id } => self.notification_adding(&id),
            Event::CallIncoming { device, call, busy } => self.incoming(device, call, busy),
            Event::CallAccepted { device, call } => self.accepted(device, call),
            Event::CallEnded { device, call } => self.ended(device, &call),
            Event::CallMuted { device, call, muted } => {
                let Some(c) = self.calls.get_mut(&call).filter(|c| c.device == device) else {
                    return true;
                };
                c.muted = muted;
                if !muted && c.live {
                    self.mute_all_except(Some(&call));
                }
            }
            Event::DeviceRegistered { device } => {
                if let Some(Role::Standby { registered }) = self.devices.get_mut(&device) {
                    *registered = true;
                    self.standby_failures = 0;
                }
            }
            Event::DeviceFailed { device, code, message } => self.device_failed(device, code, &message),
            Event::FlexDeviceReplaced => {
                // Calls on the old Device went with it.
                for c in self.calls.values_mut().filter(|c| c.device == FLEX_DEVICE) {
                    c.live = false;
                }
                self.flex_ringing.clear();
                self.log(Level::Info, "Flex replaced its voice Device; re-attached".into());
                // The new Device's speaker and microphone are the ones to follow.
                self.apply_audio_everywhere();
                self.ensure_spare_line();
            }
            Event::TokenUpdated => {
                for &device in self.devices.keys() {
                    self.out.push(Command::UpdateToken { device });
                }
            }
            Event::AudioDevicesChanged => self.apply_audio_everywhere(),
            Event::TimerFired { timer } => match self.timers.remove(&timer) {
                Some(Timer::StandbyRetry) => self.ensure_spare_line(),
                Some(Timer::ForwardRetry(call, failures)) => {
                    if self.flex_ringing.contains(&call) && self.flex_busy() {
                        self.start_forward(call, failures);
                    }
                }
                Some(Timer::Reconcile) | None => {}
            },
        }
        true
    }
}
