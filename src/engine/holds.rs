//! Holding the agent's other calls: mutes, holds in flight, the `away` tasks, un-holding.

use alloc::format;
use alloc::string::ToString;
use alloc::vec::Vec;

use super::command::{Command, Level};
use super::event::TaskSnapshot;
use super::Engine;

impl Engine {
    /// Un-holding `task`: the others go silent first, then its leg opens.
    pub(super) fn unhold(&mut self, task: &str) {
        let keep = self
            .tasks
            .get(task)
            .and_then(|t| t.agent_call())
            .filter(|c| self.is_live(c))
            .map(str::to_string);
        let Some(keep) = keep else { return };
        self.mute_all_except(Some(&keep));
        if self.calls.get(&keep).is_some_and(|c| c.muted) {
            self.set_muted(&keep, false);
        }
        self.hold_others(Some(task));
    }

    /// Mutes every live, unmuted call except `keep`.
    pub(super) fn mute_all_except(&mut self, keep: Option<&str>) {
        for (call, c) in self.calls.iter_mut() {
            if c.live && !c.muted && Some(call.as_str()) != keep {
                c.muted = true;
                self.out.push(Command::MuteCall { call: call.clone(), muted: true });
            }
        }
    }

    fn set_muted(&mut self, call: &str, muted: bool) {
        if let Some(c) = self.calls.get_mut(call) {
            c.muted = muted;
        }
        self.out.push(Command::MuteCall { call: call.to_string(), muted });
    }

    /// Holds every joined, not-held participant other than the agent on
    /// every assigned call task except `except`, and remembers those tasks.
    pub(super) fn hold_others(&mut self, except: Option<&str>) {
        self.away = self
            .tasks
            .values()
            .filter(|t| t.is_assigned_call() && Some(t.sid.as_str()) != except)
            .map(|t| t.sid.clone())
            .collect();
        for sid in self.away.clone() {
            self.hold_arrivals(&sid, None);
        }
    }

    /// Holds the participants of call task `sid` that joined since `before`
    /// (all of them without it): joined, not held, not the agent.
    pub(super) fn hold_arrivals(&mut self, sid: &str, before: Option<&TaskSnapshot>) {
        let Some(t) = self.tasks.get(sid).filter(|t| t.is_assigned_call()) else { return };
        let known = |target: &str| {
            before.is_some_and(|b| {
                b.participants.iter().any(|p| p.joined() && (p.call_sid.as_deref() == Some(target) || p.worker_sid.as_deref() == Some(target)))
            })
        };
        let mut holds = Vec::new();
        for p in t.participants.iter().filter(|p| p.joined() && !p.on_hold && !p.is_current_worker) {
            let target = if p.kind == "worker" { &p.worker_sid } else { &p.call_sid };
            let Some(target) = target else {
                let message = format!("a {} participant on task {} has no sid to hold", p.kind, t.sid);
                self.out.push(Command::Log { level: Level::Warning, message });
                continue;
            };
            if !known(target) {
                holds.push((t.sid.clone(), target.clone()));
            }
        }
        for key in holds {
            if !self.holds_in_flight.contains(&key) {
                self.holds_in_flight.push(key.clone());
                self.out.push(Command::HoldParticipant { task: key.0, target: key.1 });
            }
        }
    }

    /// Whether `target` is a worker participant (another agent) on task `sid`, as Flex last listed it.
    pub(super) fn is_worker_participant(&self, sid: &str, target: &str) -> bool {
        self.tasks
            .get(sid)
            .is_some_and(|t| t.participants.iter().any(|p| p.kind == "worker" && p.worker_sid.as_deref() == Some(target)))
    }

    /// Forgets the holds in flight that `settled(task, target)` says are done.
    pub(super) fn forget_holds(&mut self, settled: &dyn Fn(&str, &str) -> bool) {
        self.holds_in_flight.retain(|(t, g)| !settled(t, g));
    }
}
