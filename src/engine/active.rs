//! Flex's active call, kept on the selected task's call or the call the agent is heard on.

use alloc::string::ToString;

use super::command::Command;
use super::Engine;

impl Engine {
    /// Keeps Flex's active call equal to the selected task's live call; else
    /// the call the agent is heard on; else a live call; else none. A call the engine has never seen is Flex's own
    /// business and is left alone unless the selected task has a call.
    #[inline(never)]
    pub(super) fn reconcile_active(&mut self) {
        let desired = if let Some(sel) = self.selected_call() {
            Some(sel.to_string())
        } else {
            let current_ok = match self.active.as_deref() {
                Some(a) => self.calls.get(a).map_or(true, |c| c.live),
                None => false,
            };
            // The call the agent is heard on, so hangup and mute act on it.
            let audible = self.calls.iter().find(|(_, c)| c.live && !c.muted).map(|(s, _)| s.clone());
            if audible.is_some() && audible != self.active {
                audible
            } else if current_ok {
                return;
            } else {
                self.calls
                    .iter()
                    .filter(|(_, c)| c.live)
                    .max_by_key(|(_, c)| c.order)
                    .map(|(s, _)| s.clone())
            }
        };
        if desired == self.active {
            return;
        }
        match &desired {
            Some(call) => self.out.push(Command::SetActiveCall { call: call.clone() }),
            None => self.out.push(Command::ClearActiveCall),
        }
        self.active = desired;
    }
}
