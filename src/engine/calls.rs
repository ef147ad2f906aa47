//! The agent's calls: ringing, opening and ending, and the `max_calls` limit.

use alloc::format;
use alloc::string::String;

use super::command::{Command, Level};
use super::config::Mode;
use super::{Call, DeviceId, Engine, Role, FLEX_DEVICE};

/// Ended calls remembered (to tell a stale active call from a foreign one).
const ENDED_KEPT: usize = 64;

impl Engine {
    pub(super) fn incoming(&mut self, device: DeviceId, call: String, busy: bool) {
        if core::mem::take(&mut self.monitor_expected) {
            self.monitor_call = Some(call.clone());
        }
        if device == FLEX_DEVICE {
            if !self.flex_ringing.contains(&call) {
                self.flex_ringing.push(call.clone());
            }
            let busy = busy || self.flex_busy();
            if !busy {
                // Flex answers it itself; make sure no other leg stays open.
                self.mute_all_except(None);
            } else if self.mode() != Some(Mode::Forward) {
                self.log(
                    Level::Warning,
                    format!("call {call} rang on Flex's busy Device; Flex's own prompt handles it"),
                );
            } else if self.can_take_another() {
                self.start_forward(call, 0);
            } else {
                self.limit_reached(&format!("call {call}"));
            }
            return;
        }
        match self.devices.get(&device) {
            Some(Role::Standby { .. }) if self.flex_busy() && self.can_take_another() => {
                self.mute_all_except(None);
                self.devices.insert(device, Role::Accepting(call.clone()));
                self.log(Level::Info, format!("answering call {call} on standby Device {device}"));
                self.out.push(Command::AcceptCall { device, call });
            }
            Some(Role::Standby { .. }) if self.flex_busy() => self.limit_reached(&format!("call {call}")),
            Some(Role::Standby { .. }) => self.log(
                Level::Info,
                format!("call {call} also rang on standby Device {device}; Flex's own Device answers it"),
            ),
            _ => self.log(
                Level::Warning,
                format!("call {call} rang on Device {device}, which is not waiting for one; ignored"),
            ),
        }
    }

    /// `what` ("call CA…", "task WR…") is not taken: the agent is at `max_calls`.
    pub(super) fn limit_reached(&mut self, what: &str) {
        let max = self.config.as_ref().and_then(|c| c.max_calls).unwrap_or(0);
        self.log(
            Level::Warning,
            format!("{what} not taken: already at max_calls ({max}); nothing is held"),
        );
        self.notify(
            "limit",
            Level::Warning,
            format!("You already have {max} calls, the most multi-call allows here. End one to take another; the new call is left to Flex."),
        );
    }

    pub(super) fn accepted(&mut self, device: DeviceId, call: String) {
        if self.calls.get(&call).is_some_and(|c| c.live && c.device == device) {
            return; // a repeated `accept` for a call already open
        }
        if device == FLEX_DEVICE {
            self.stop_ringing(&call);
        } else {
            match self.devices.get(&device) {
                Some(Role::Accepting(c) | Role::Forwarding(c, _)) if c == &call => {
                    self.devices.insert(device, Role::InCall(call.clone()));
                }
                _ => {
                    self.log(
                        Level::Warning,
                        format!("call {call} opened on Device {device}, which was not taking it; ignored"),
                    );
                    return;
                }
            }
        }
        self.mute_all_except(Some(&call));
        self.opened += 1;
        self.calls.insert(call, Call { device, live: true, muted: false, order: self.opened });
        self.ensure_spare_line();
    }

    pub(super) fn ended(&mut self, device: DeviceId, call: &str) {
        if device == FLEX_DEVICE {
            self.stop_ringing(call);
        }
        // A takeover whose new call ended before it opened (in real Flex, a
        // microphone that could not be acquired) failed: the original may
        // still ring on Flex's Device, with its prompt cancelled.
        if let Some(Role::Forwarding(c, _)) = self.devices.get(&device) {
            if c == call && self.calls.get(call).is_none() {
                return self.device_failed(device, 0, "the new call ended before it opened");
            }
        }
        if let Some(c) = self.calls.get_mut(call) {
            if c.device == device {
                c.live = false;
            }
        }
        if device != FLEX_DEVICE && self.devices.get(&device).and_then(Role::call) == Some(call) {
            self.destroy(device);
        }
        self.prune_ended();
        self.ensure_spare_line();
    }

    /// `call` no longer rings on Flex's Device.
    fn stop_ringing(&mut self, call: &str) {
        self.flex_ringing.retain(|c| c != call);
    }

    pub(super) fn is_live(&self, call: &str) -> bool {
        self.calls.get(call).is_some_and(|c| c.live)
    }

    pub(super) fn flex_busy(&self) -> bool {
        self.calls.values().any(|c| c.live && c.device == FLEX_DEVICE)
    }

    /// Whether one more call fits under `max_calls`, counting calls being taken.
    pub(super) fn can_take_another(&self) -> bool {
        let Some(max) = self.config.as_ref().and_then(|c| c.max_calls) else { return true };
        let live = self.calls.values().filter(|c| c.live).count();
        let taking = self
            .devices
            .values()
            .filter(|r| matches!(r, Role::Accepting(_) | Role::Forwarding(..)))
            .count();
        ((live + taking) as u32) < max
    }

    fn prune_ended(&mut self) {
        while self.calls.values().filter(|c| !c.live).count() > ENDED_KEPT {
            let oldest = self
                .calls
                .iter()
                .filter(|(s, c)| !c.live && Some(*s) != self.active.as_ref())
                .min_by_key(|(_, c)| c.order)
                .map(|(s, _)| s.clone());
            match oldest {
                Some(s) => {
                    self.calls.remove(&s);
                }
                None => break,
            }
        }
    }
}
