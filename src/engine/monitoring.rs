//! Supervisor monitoring: which call stopping it ends.

use alloc::format;

use super::command::{Command, Level};
use super::Engine;

impl Engine {
    /// Flex ends monitoring by disconnecting its active call, which with
    /// several calls is usually the agent's own call to a customer: end the
    /// monitoring call instead (the call that rang after MonitorCall, while
    /// it is live and no task's; Flex keeps supervisor participants out of
    /// its tasks, so it cannot name it), and never hang up any other call.
    pub(super) fn stop_monitoring(&mut self) {
        let active = self.active.clone();
        let monitor = self
            .monitor_call
            .clone()
            .filter(|m| self.calls.get(m).is_some_and(|c| c.live) && !self.tasks.values().any(|t| t.agent_call() == Some(m.as_str())));
        match monitor {
            // Flex's active call is the monitoring call: stock behaviour is right.
            Some(m) if active.as_deref() == Some(m.as_str()) => {}
            Some(m) => {
                self.out.push(Command::Cancel);
                self.log(Level::Info, format!("ending monitoring call {m}, not Flex's active call"));
                self.out.push(Command::DisconnectCall { call: m });
            }
            // With one call this is stock Flex; with several, the active one
            // is as likely a customer's as the monitoring call: hang up nobody.
            None => {
                let live = self.calls.values().filter(|c| c.live).count();
                if live > 1 && active.as_deref().is_some_and(|a| self.calls.get(a).is_some_and(|c| c.live)) {
                    self.out.push(Command::Cancel);
                    self.log(
                        Level::Warning,
                        "stop monitoring: no call is known to be the monitoring call, and Flex's active call is one of the agent's; nothing was hung up".into(),
                    );
                }
            }
        }
    }
}
