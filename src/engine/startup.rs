//! Start-up: the configuration, read once, and the mode it chose.

use alloc::format;

use super::command::{Command, Level};
use super::config::{self, Mode};
use super::Engine;

impl Engine {
    pub(super) fn start(&mut self, raw: &config::RawConfig, host: &config::HostInfo) {
        if self.started {
            self.log(Level::Warning, "init ran twice; the second run is ignored".into());
            return;
        }
        self.started = true;
        let report = config::read(raw, host);
        for w in report.warnings {
            self.log(Level::Warning, w);
        }
        for e in report.errors {
            self.log(Level::Error, e);
        }
        if let Some(msg) = report.unworkable {
            self.log(Level::Error, msg.clone());
            self.notify("config", Level::Error, msg);
        }
        if let Some(cfg) = report.config {
            let limit = match cfg.max_calls {
                Some(n) => format!("at most {n} calls"),
                None => "no call limit".into(),
            };
            let mode = match cfg.mode {
                Mode::Standby => "standby",
                Mode::Forward => "forward",
            };
            self.log(Level::Info, format!("on: {mode} mode, {limit}"));
            self.out.push(Command::Enable { mode: cfg.mode });
            self.config = Some(cfg);
        }
    }

    pub(super) fn mode(&self) -> Option<Mode> {
        self.config.as_ref().map(|c| c.mode)
    }
}
