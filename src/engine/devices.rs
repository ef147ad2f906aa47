//! Extra Devices: the standby line, the forward spare, forwarding (taking a call over from Flex's Device), retries.

use alloc::format;
use alloc::string::{String, ToString};

use super::command::{Command, Level};
use super::config::Mode;
use super::{DeviceId, Engine, Role, Timer, FLEX_DEVICE};

/// Attempts per forwarded call and per standby registration before giving up.
const MAX_ATTEMPTS: u32 = 3;
/// Flex's notification for a second call on its busy Device.
const SECOND_CALL_PROMPT: &str = "SecondVoiceCallIncoming";

impl Engine {
    pub(super) fn notification_adding(&mut self, id: &str) {
        if id != SECOND_CALL_PROMPT {
            return;
        }
        if self.prompts_to_allow > 0 {
            self.prompts_to_allow -= 1;
            return;
        }
        if self.mode() == Some(Mode::Forward) && self.can_take_another() {
            self.out.push(Command::Cancel);
        }
    }

    pub(super) fn device_failed(&mut self, device: DeviceId, code: u32, message: &str) {
        let what = if code == 0 { message.to_string() } else { format!("error {code}: {message}") };
        if device == FLEX_DEVICE {
            self.log(Level::Info, format!("Flex's Device reported {what}"));
            return;
        }
        match self.devices.get(&device) {
            None => return,
            Some(Role::InCall(call)) => {
                let message = format!("Device {device} carrying call {call} reported {what}");
                return self.log(Level::Warning, message);
            }
            Some(_) => {}
        }
        // A Device that fails while standing by or taking a call is done with.
        let Some(role) = self.devices.remove(&device) else { return };
        self.out.push(Command::DestroyDevice { device });
        match role {
            Role::Spare => {
                // Takeovers make their own Device again, as before spares.
                self.spare_given_up = true;
                self.log(Level::Warning, format!("spare Device {device} failed ({what}); the next call is taken on a Device made then"));
            }
            Role::Standby { .. } => {
                self.standby_failures += 1;
                if self.standby_failures < MAX_ATTEMPTS {
                    let after = 1000 << (self.standby_failures - 1);
                    self.log(
                        Level::Warning,
                        format!("standby Device {device} failed ({what}); retrying in {after} ms"),
                    );
                    self.start_timer(Timer::StandbyRetry, after);
                } else {
                    self.standby_given_up = true;
                    self.log(
                        Level::Error,
                        format!("standby Device failed {MAX_ATTEMPTS} times ({what}); no line is ready for another call"),
                    );
                    self.notify(
                        "standby-failed",
                        Level::Error,
                        "multi-call could not prepare a line for a second call. A call sent to you while you are on a call will not ring here; reload Flex to try again.".into(),
                    );
                }
            }
            Role::Accepting(call) => {
                self.calls.remove(&call);
                self.log(Level::Error, format!("could not answer call {call} on standby Device {device} ({what})"));
                self.notify(
                    "answer-failed",
                    Level::Error,
                    "multi-call could not answer a call on a second line. The caller is still waiting; ask a colleague to take it, or end your current call.".into(),
                );
                self.ensure_spare_line();
            }
            Role::Forwarding(call, failures) => {
                let attempts = failures + 1;
                if !self.flex_ringing.contains(&call) {
                    self.log(Level::Info, format!("forwarding call {call} failed ({what}); it no longer rings"));
                } else if attempts < MAX_ATTEMPTS {
                    let after = 250 << (attempts - 1);
                    self.log(
                        Level::Warning,
                        format!("forwarding call {call} failed ({what}); retrying in {after} ms"),
                    );
                    self.start_timer(Timer::ForwardRetry(call, attempts), after);
                } else {
                    self.log(
                        Level::Error,
                        format!("could not take call {call} on a new Device after {MAX_ATTEMPTS} tries ({what}); left to Flex's prompt"),
                    );
                    self.notify(
                        "forward-failed",
                        Level::Error,
                        "multi-call could not take the new call on a second line. It is still ringing: answer or reject it from Flex's prompt.".into(),
                    );
                    self.prompts_to_allow += 1;
                    self.out.push(Command::RestoreFlexPrompt { call });
                }
            }
            Role::InCall(_) => {} // reported above; its Device stays
        }
    }

    pub(super) fn apply_audio_everywhere(&mut self) {
        for &device in self.devices.keys() {
            self.out.push(Command::ApplyAudio { device });
        }
    }

    /// Takes `call` over on the spare Device, or on a new one; `failures` earlier tries failed.
    pub(super) fn start_forward(&mut self, call: String, failures: u32) {
        self.mute_all_except(None);
        if let Some(device) = self.spare_devices().first().copied() {
            self.devices.insert(device, Role::Forwarding(call.clone(), failures));
            self.log(Level::Info, format!("taking call {call} over on Device {device}, made ahead"));
            self.out.push(Command::ForwardCall { device, call });
            return;
        }
        let device = self.new_device(Role::Forwarding(call.clone(), failures));
        self.log(Level::Info, format!("taking call {call} over on new Device {device}"));
        self.out.push(Command::CreateDevice { device, register: false });
        self.out.push(Command::ForwardCall { device, call });
    }

    /// While Flex's Device is busy and another call fits, keeps exactly one
    /// idle line ready for it, none otherwise. Standby mode: a registered
    /// Device (two idle registered Devices would both ring). Forward mode: an
    /// unregistered spare with the agent's audio applied, so a takeover
    /// skips making a Device and applying audio.
    pub(super) fn ensure_spare_line(&mut self) {
        let (usable, idle) = match self.mode() {
            Some(Mode::Standby) => {
                if self.timers.values().any(|t| *t == Timer::StandbyRetry) {
                    return;
                }
                (!self.standby_given_up, self.standby_devices())
            }
            Some(Mode::Forward) => (!self.spare_given_up, self.spare_devices()),
            None => return,
        };
        let need = usable && self.flex_busy() && self.can_take_another();
        if need && idle.is_empty() {
            let register = self.mode() == Some(Mode::Standby);
            let role = if register { Role::Standby { registered: false } } else { Role::Spare };
            let device = self.new_device(role);
            self.out.push(Command::CreateDevice { device, register });
        }
        let keep = if need { 1 } else { 0 };
        for device in idle.into_iter().skip(keep) {
            self.destroy(device);
        }
    }

    fn new_device(&mut self, role: Role) -> DeviceId {
        self.next_device += 1;
        let device = self.next_device;
        self.devices.insert(device, role);
        device
    }

    pub(super) fn destroy(&mut self, device: DeviceId) {
        if self.devices.remove(&device).is_some() {
            self.out.push(Command::DestroyDevice { device });
        }
    }
}
