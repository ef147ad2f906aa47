//! What the engine tells the console (logs) and the agent (notifications).

use alloc::string::String;

use super::command::{Command, Level};
use super::Engine;

impl Engine {
    pub(super) fn log(&mut self, level: Level, message: String) {
        self.out.push(Command::Log { level, message });
    }

    pub(super) fn notify(&mut self, id: &'static str, level: Level, message: String) {
        self.out.push(Command::Notify { id, level, message });
    }
}
