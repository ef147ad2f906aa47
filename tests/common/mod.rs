//! A tiny simulated Flex page for driving the engine in tests and benches.
//!
//! `World` carries out the engine's commands the way Flex and the Voice SDK
//! would (a Device registers, an accepted call opens, a mute is reported back,
//! Flex re-sets its active call on a Flex-Device mute, …) and feeds the
//! resulting events back in, so a test reads as a story of agent actions.
//! For `benches/decisions.rs` it can time one chosen event's `handle` call
//! (`probe`) and skip the invariant checks while measuring (`checks`).
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use multi_call::{Command, Engine, Event, HostInfo, Mode, Participant, Raw, RawConfig, TaskSnapshot, FLEX_DEVICE};

/// A call as the simulated page sees it.
#[derive(Clone, Debug)]
pub struct SimCall {
    pub device: u32,
    pub open: bool,
    pub muted: bool,
    pub task: String,
}

/// The simulated Flex page plus the engine under test.
pub struct World {
    pub engine: Engine,
    pub mode: Mode,
    pub tasks: BTreeMap<String, TaskSnapshot>,
    pub selected: Option<String>,
    pub active: Option<String>,
    pub calls: BTreeMap<String, SimCall>,
    /// Calls ringing on Flex's Device (forward mode) with their task.
    pub ringing_on_flex: BTreeMap<String, String>,
    pub devices: BTreeMap<u32, bool>,
    pub timers: BTreeMap<u32, u32>,
    pub log: Vec<Command>,
    pub notifications: Vec<&'static str>,
    pub fail_next_connects: u32,
    /// Forwards whose `connect()` resolves but whose call then ends before it opens.
    pub drop_next_forwards: u32,
    pub fail_next_registers: u32,
    queue: VecDeque<Event>,
    seq: f64,
    pub restored_prompts: Vec<String>,
    /// When set, the first event matching it has its `handle` call timed.
    pub probe: Option<fn(&Event) -> bool>,
    /// The time of the probed `handle` call.
    pub probed: Option<Duration>,
    /// Check the invariants after every event (off while measuring).
    pub checks: bool,
}

/// The raw feature config `{ enabled: true, mode, max_calls? }`.
pub fn feature(mode: &str, max_calls: Option<f64>) -> RawConfig {
    let mut entries = vec![
        ("enabled".to_string(), Raw::Bool(true)),
        ("mode".to_string(), Raw::Text(mode.into())),
    ];
    if let Some(m) = max_calls {
        entries.push(("max_calls".into(), Raw::Number(m)));
    }
    RawConfig { root: Raw::Object, entries }
}

/// A Flex 2.17 page with Voice SDK 2.11.1 and the given `allowIncomingWhileBusy`.
pub fn host(aiwb: Raw) -> HostInfo {
    HostInfo {
        flex_version: Some("2.17.1".into()),
        sdk_version: Some("2.11.1".into()),
        device_class: true,
        allow_incoming_while_busy: aiwb,
    }
}

impl World {
    /// A page where multi-call starts in `mode` with an optional call limit.
    pub fn new(mode: Mode, max_calls: Option<f64>) -> World {
        let (name, aiwb) = match mode {
            Mode::Standby => ("standby", Raw::Bool(false)),
            Mode::Forward => ("forward", Raw::Absent),
        };
        let mut w = World {
            engine: Engine::new(),
            mode,
            tasks: BTreeMap::new(),
            selected: None,
            active: None,
            calls: BTreeMap::new(),
            ringing_on_flex: BTreeMap::new(),
            devices: BTreeMap::new(),
            timers: BTreeMap::new(),
            log: Vec::new(),
            notifications: Vec::new(),
            fail_next_connects: 0,
            drop_next_forwards: 0,
            fail_next_registers: 0,
            queue: VecDeque::new(),
            seq: 0.0,
            restored_prompts: Vec::new(),
            probe: None,
            probed: None,
            checks: true,
        };
        let out = w.engine.handle(Event::Start { config: feature(name, max_calls), host: host(aiwb) });
        assert!(out.iter().any(|c| matches!(c, Command::Enable { .. })), "multi-call did not enable: {out:?}");
        w.log.extend(out);
        w
    }

    /// Feeds one event and everything it causes; checks the invariants after.
    pub fn send(&mut self, event: Event) -> Vec<Command> {
        self.queue.push_back(event);
        let mut all = Vec::new();
        while let Some(e) = self.queue.pop_front() {
            let timed = self.probed.is_none() && self.probe.is_some_and(|p| p(&e));
            let t0 = Instant::now();
            let out = self.engine.handle(e);
            if timed {
                self.probed = Some(t0.elapsed());
            }
            let out = std::hint::black_box(out);
            for c in &out {
                self.carry_out(c);
                // "At no moment": checked after every single command.
                if self.checks {
                    self.check_one_audible();
                }
            }
            all.extend(out.iter().cloned());
            self.log.extend(out);
        }
        if self.checks {
            self.check_invariants();
        }
        all
    }

    /// An assigned chat task (no conference participants).
    pub fn add_chat(&mut self, task: &str) {
        let snap = TaskSnapshot { sid: task.into(), is_call: false, status: "assigned".into(), participants: Vec::new() };
        self.tasks.insert(task.into(), snap.clone());
        self.send(Event::TaskChanged(snap));
    }

    /// `task` leaves `flex.worker.tasks`; its closed calls are forgotten.
    pub fn remove(&mut self, task: &str) {
        self.tasks.remove(task);
        self.calls.retain(|_, c| c.open || c.task != task);
        if self.selected.as_deref() == Some(task) {
            self.selected = None;
        }
        self.send(Event::TaskRemoved { task: task.into() });
    }

    fn carry_out(&mut self, c: &Command) {
        match c {
            Command::CreateDevice { device, register } => {
                assert!(!self.devices.contains_key(device), "Device {device} created twice");
                self.devices.insert(*device, false);
                if *register {
                    if self.fail_next_registers > 0 {
                        self.fail_next_registers -= 1;
                        self.queue.push_back(Event::DeviceFailed { device: *device, code: 31005, message: "register failed".into() });
                    } else {
                        self.devices.insert(*device, true);
                        self.queue.push_back(Event::DeviceRegistered { device: *device });
                    }
                }
            }
            Command::DestroyDevice { device } => {
                assert!(self.devices.remove(device).is_some(), "destroyed unknown Device {device}");
                assert!(
                    !self.calls.values().any(|c| c.open && c.device == *device),
                    "destroyed Device {device} while its call was open"
                );
            }
            Command::AcceptCall { device, call } => {
                assert!(self.devices.contains_key(device), "accept on unknown Device {device}");
                let task = self.task_of_agent_call(call);
                self.calls.insert(call.clone(), SimCall { device: *device, open: true, muted: false, task });
                self.queue.push_back(Event::CallAccepted { device: *device, call: call.clone() });
            }
            Command::ForwardCall { device, call } => {
                assert!(self.devices.contains_key(device), "forward to unknown Device {device}");
                let task = self.ringing_on_flex.get(call).cloned().expect("forwarded a call not ringing on Flex");
                if self.fail_next_connects > 0 {
                    self.fail_next_connects -= 1;
                    self.queue.push_back(Event::DeviceFailed { device: *device, code: 31000, message: "connect failed".into() });
                    return;
                }
                if self.drop_next_forwards > 0 {
                    // As seen in real Flex: the microphone could not be
                    // acquired, so the new call disconnects; the original
                    // still rings on Flex's Device.
                    self.drop_next_forwards -= 1;
                    self.queue.push_back(Event::CallEnded { device: *device, call: call.clone() });
                    return;
                }
                self.ringing_on_flex.remove(call);
                self.calls.insert(call.clone(), SimCall { device: *device, open: true, muted: false, task });
                self.queue.push_back(Event::CallEnded { device: FLEX_DEVICE, call: call.clone() });
                self.queue.push_back(Event::CallAccepted { device: *device, call: call.clone() });
            }
            Command::RestoreFlexPrompt { call } => self.restored_prompts.push(call.clone()),
            Command::MuteCall { call, muted } => {
                let c = self.calls.get_mut(call).unwrap_or_else(|| panic!("muted unknown call {call}"));
                assert!(c.open, "muted call {call} that is not open");
                c.muted = *muted;
                let device = c.device;
                self.queue.push_back(Event::CallMuted { device, call: call.clone(), muted: *muted });
                if device == FLEX_DEVICE {
                    // Flex's own mute listener makes a muted Flex call active again.
                    self.active = Some(call.clone());
                    self.queue.push_back(Event::ActiveCallChanged { call: Some(call.clone()) });
                }
            }
            Command::HoldParticipant { task, target, .. } => {
                let t = self.tasks.get_mut(task).unwrap_or_else(|| panic!("hold on unknown task {task}"));
                let p = t
                    .participants
                    .iter_mut()
                    .find(|p| p.call_sid.as_deref() == Some(target) || p.worker_sid.as_deref() == Some(target))
                    .unwrap_or_else(|| panic!("hold of unknown participant {target}"));
                p.on_hold = true;
                let snap = t.clone();
                self.queue.push_back(Event::TaskChanged(snap));
                self.queue.push_back(Event::HoldSettled { task: task.clone(), target: target.clone(), error: None });
            }
            Command::SetActiveCall { call } => {
                assert!(self.calls.get(call).is_some_and(|c| c.open), "set active call {call} that is not open");
                self.active = Some(call.clone());
                self.queue.push_back(Event::ActiveCallChanged { call: Some(call.clone()) });
            }
            Command::DisconnectCall { call } => {
                let c = self.calls.get_mut(call).unwrap_or_else(|| panic!("disconnected unknown call {call}"));
                assert!(c.open, "disconnected call {call} that is not open");
                c.open = false;
                let device = c.device;
                self.queue.push_back(Event::CallEnded { device, call: call.clone() });
            }
            Command::ClearActiveCall => {
                self.active = None;
                self.queue.push_back(Event::ActiveCallChanged { call: None });
            }
            Command::UpdateToken { device } | Command::ApplyAudio { device } => {
                assert!(self.devices.contains_key(device), "{c:?} names unknown Device");
            }
            Command::StartTimer { timer, after_ms } => {
                self.timers.insert(*timer, *after_ms);
            }
            Command::Notify { id, .. } => self.notifications.push(id),
            Command::Log { .. } | Command::Enable { .. } | Command::Cancel => {}
        }
    }

    fn task_of_agent_call(&self, call: &str) -> String {
        call.strip_prefix("CA-agent-").map(|t| t.to_string()).unwrap_or_default()
    }

    fn check_one_audible(&self) {
        let unmuted: Vec<_> = self.calls.iter().filter(|(_, c)| c.open && !c.muted).map(|(s, _)| s).collect();
        assert!(unmuted.len() <= 1, "two calls unmuted at once: {unmuted:?}");
    }

    /// The invariants that must hold after every step.
    pub fn check_invariants(&self) {
        self.check_one_audible();
        if let Some(a) = &self.active {
            assert!(self.calls.get(a).is_some_and(|c| c.open), "active call {a} is not live");
        }
        if let Some(sel) = self.selected.as_ref().and_then(|s| self.tasks.get(s)) {
            if let Some(call) = sel.agent_call().filter(|c| self.calls.get(*c).is_some_and(|c| c.open)) {
                assert_eq!(self.active.as_deref(), Some(call), "active call is not the selected task's call");
            }
        }
        let idle: Vec<_> = self
            .devices
            .keys()
            .filter(|d| !self.calls.values().any(|c| c.open && c.device == **d))
            .collect();
        // One idle line at most: a standby (standby mode) or a spare (forward mode).
        let taking = self.engine.extra_devices().iter().filter(|(_, c)| c.is_some_and(|c| !self.calls.get(c).is_some_and(|x| x.open))).count();
        assert!(idle.len() <= 1 + taking, "idle extra Devices left behind: {idle:?}");
        let (standby, spare) = (self.engine.standby_devices().len(), self.engine.spare_devices().len());
        assert!(standby + spare <= 1, "two idle lines: {standby} standby, {spare} spare");
        match self.mode {
            Mode::Standby => assert_eq!(spare, 0, "a spare in standby mode"),
            Mode::Forward => assert_eq!(standby, 0, "a registered standby in forward mode would ring"),
        }
    }

    // ----- the agent's and callers' actions -----

    /// A customer call `task` is offered to the agent (reserved).
    pub fn offer(&mut self, task: &str) {
        let snap = TaskSnapshot {
            sid: task.into(),
            is_call: true,
            status: "reserved".into(),
            participants: vec![self.participant("customer", Some(&format!("CA-cust-{task}")), None, false)],
        };
        self.tasks.insert(task.into(), snap.clone());
        self.send(Event::TaskChanged(snap));
    }

    fn participant(&mut self, kind: &str, call: Option<&str>, worker: Option<&str>, me: bool) -> Participant {
        self.seq += 1.0;
        Participant {
            call_sid: call.map(Into::into),
            worker_sid: worker.map(Into::into),
            kind: kind.into(),
            status: "joined".into(),
            is_current_worker: me,
            on_hold: false,
            sequence: self.seq,
        }
    }

    /// Each of `tasks` is offered and accepted, in turn.
    pub fn take(&mut self, tasks: &[&str]) {
        for t in tasks {
            self.offer(t);
            self.accept(t);
        }
    }

    /// The agent accepts `task`: before-listener, then Flex selects the task
    /// and the agent's leg rings on whichever Device takes it.
    pub fn accept(&mut self, task: &str) {
        self.send(Event::AcceptingTask { task: task.into(), is_call: true });
        if let Some(t) = self.tasks.get_mut(task) {
            t.status = "assigned".into();
            let snap = t.clone();
            self.send(Event::TaskChanged(snap));
        }
        self.select(task);
        let call = format!("CA-agent-{task}");
        self.ring_agent(&call, task);
        if self.calls.get(&call).is_some_and(|c| c.open) {
            let p = self.participant("worker", Some(&call), Some("WK-me"), true);
            let t = self.tasks.get_mut(task).unwrap();
            t.participants.push(p);
            let snap = t.clone();
            self.send(Event::TaskChanged(snap));
        }
    }

    fn flex_busy(&self) -> bool {
        self.calls.values().any(|c| c.open && c.device == FLEX_DEVICE)
    }

    fn ring_agent(&mut self, call: &str, task: &str) {
        let busy = self.flex_busy();
        if !busy {
            self.send(Event::CallIncoming { device: FLEX_DEVICE, call: call.into(), busy: false });
            self.calls.insert(call.into(), SimCall { device: FLEX_DEVICE, open: true, muted: false, task: task.into() });
            self.send(Event::CallAccepted { device: FLEX_DEVICE, call: call.into() });
            // Flex's accept listener: PHONE_ADD_CALL.
            self.active = Some(call.into());
            self.send(Event::ActiveCallChanged { call: Some(call.into()) });
            return;
        }
        match self.mode {
            Mode::Standby => {
                // Flex's busy Device ignores the invite; registered standbys ring.
                let ringing: Vec<u32> = self.devices.iter().filter(|(_, r)| **r).map(|(d, _)| *d).filter(|d| !self.calls.values().any(|c| c.open && c.device == *d)).collect();
                for d in ringing {
                    self.send(Event::CallIncoming { device: d, call: call.into(), busy: false });
                }
            }
            Mode::Forward => {
                self.ringing_on_flex.insert(call.into(), task.into());
                let out = self.send(Event::NotificationAdding { id: "SecondVoiceCallIncoming".into() });
                let cancelled = out.contains(&Command::Cancel);
                if !cancelled {
                    self.notifications.push("SecondVoiceCallIncoming");
                }
                self.send(Event::CallIncoming { device: FLEX_DEVICE, call: call.into(), busy: true });
            }
        }
    }

    /// The agent selects `task`.
    pub fn select(&mut self, task: &str) {
        self.selected = Some(task.into());
        self.send(Event::TaskSelected { task: Some(task.into()) });
    }

    /// The agent un-holds `task` (UnholdCall).
    pub fn unhold(&mut self, task: &str) {
        self.send(Event::Unholding { task: task.into() });
        if let Some(t) = self.tasks.get_mut(task) {
            for p in t.participants.iter_mut() {
                p.on_hold = false;
            }
            let snap = t.clone();
            self.send(Event::TaskChanged(snap));
        }
    }

    /// The call `call` ends (either side hangs up), as its Device reports it.
    pub fn hang_up(&mut self, call: &str) {
        let Some(c) = self.calls.get_mut(call) else { return };
        if !c.open {
            return;
        }
        c.open = false;
        let device = c.device;
        let task = c.task.clone();
        if device == FLEX_DEVICE {
            // Flex's disconnect listener runs first: PHONE_REMOVE_CALL,
            // whichever call is active; then the call reports its end.
            self.active = None;
            self.queue.push_back(Event::ActiveCallChanged { call: None });
        }
        self.send(Event::CallEnded { device, call: call.into() });
        if let Some(t) = self.tasks.get_mut(&task) {
            t.status = "wrapping".into();
            for p in t.participants.iter_mut() {
                p.status = "left".into();
            }
            let snap = t.clone();
            self.send(Event::TaskChanged(snap));
        }
    }

    /// Fires every pending timer.
    pub fn fire_timers(&mut self) {
        let timers: Vec<u32> = std::mem::take(&mut self.timers).into_keys().collect();
        for timer in timers {
            self.send(Event::TimerFired { timer });
        }
    }

    /// The agent's call for `task`.
    pub fn call_of(task: &str) -> String {
        format!("CA-agent-{task}")
    }

    /// Whether `call` is open and unmuted.
    pub fn audible(&self, call: &str) -> bool {
        self.calls.get(call).is_some_and(|c| c.open && !c.muted)
    }

    /// Participants of `task` that are on hold.
    pub fn held(&self, task: &str) -> BTreeSet<String> {
        self.tasks[task]
            .participants
            .iter()
            .filter(|p| p.on_hold)
            .filter_map(|p| p.call_sid.clone().or(p.worker_sid.clone()))
            .collect()
    }

    /// Extra Devices that exist now.
    pub fn extra_devices(&self) -> Vec<u32> {
        self.devices.keys().copied().collect()
    }
}
