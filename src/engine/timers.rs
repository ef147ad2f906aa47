//! Timers the host arms for the engine.

use super::command::Command;
use super::{Engine, Timer};

impl Engine {
    pub(super) fn start_timer(&mut self, purpose: Timer, after_ms: u32) {
        self.next_timer += 1;
        self.timers.insert(self.next_timer, purpose);
        self.out.push(Command::StartTimer { timer: self.next_timer, after_ms });
    }
}
