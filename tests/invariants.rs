//! Property tests: random sequences of arrivals, accepts, selections, holds,
//! hang-ups, Device failures, token refreshes and timers, in both modes.
//! After every step `World::check_invariants` asserts: at most one unmuted
//! live call; the active call is live and is the selected task's call when
//! that task has one; no Device is left idle except the one standby; and
//! (inside `World`) no command names an unknown call or Device.

mod common;

use common::World;
use multi_call::{Command, Event, Mode, FLEX_DEVICE};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Step {
    NewCall,
    Select(usize),
    Unhold(usize),
    CustomerHangsUp(usize),
    AgentHangsUpActive,
    DeviceError(usize),
    ConnectsFail(u32),
    RegistersFail(u32),
    Token,
    Audio,
    Timers,
    Monitor,
    StopMonitor,
    ToggleMute,
    FlexReSetsActive(usize),
    Chat,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => Just(Step::NewCall),
        3 => (0..8usize).prop_map(Step::Select),
        2 => (0..8usize).prop_map(Step::Unhold),
        2 => (0..8usize).prop_map(Step::CustomerHangsUp),
        1 => Just(Step::AgentHangsUpActive),
        1 => (0..6usize).prop_map(Step::DeviceError),
        1 => (0..3u32).prop_map(Step::ConnectsFail),
        1 => (0..3u32).prop_map(Step::RegistersFail),
        1 => Just(Step::Token),
        1 => Just(Step::Audio),
        2 => Just(Step::Timers),
        1 => Just(Step::Monitor),
        1 => Just(Step::StopMonitor),
        1 => Just(Step::ToggleMute),
        1 => (0..8usize).prop_map(Step::FlexReSetsActive),
        1 => Just(Step::Chat),
    ]
}

fn run(mode: Mode, max: Option<f64>, steps: Vec<Step>) {
    let mut w = World::new(mode, max);
    let mut next = 0;
    for s in steps {
        let tasks: Vec<String> = w.tasks.keys().cloned().collect();
        let pick = |i: usize| tasks.get(i % tasks.len().max(1)).cloned();
        match s {
            Step::NewCall => {
                next += 1;
                let t = format!("WR-{next}");
                w.offer(&t);
                w.accept(&t);
            }
            Step::Select(i) => {
                if let Some(t) = pick(i) {
                    w.select(&t);
                }
            }
            Step::Unhold(i) => {
                if let Some(t) = pick(i) {
                    w.unhold(&t);
                }
            }
            Step::CustomerHangsUp(i) => {
                if let Some(t) = pick(i) {
                    w.hang_up(&World::call_of(&t));
                }
            }
            Step::AgentHangsUpActive => {
                if let Some(a) = w.active.clone() {
                    w.hang_up(&a);
                }
            }
            Step::DeviceError(i) => {
                let devices = w.extra_devices();
                if let Some(d) = devices.get(i % devices.len().max(1)) {
                    w.send(Event::DeviceFailed { device: *d, code: 31009, message: "transport error".into() });
                }
            }
            Step::ConnectsFail(n) => w.fail_next_connects = n,
            Step::RegistersFail(n) => w.fail_next_registers = n,
            Step::Token => {
                w.send(Event::TokenUpdated);
            }
            Step::Audio => {
                w.send(Event::AudioDevicesChanged);
            }
            Step::Timers => w.fire_timers(),
            Step::Monitor => {
                w.send(Event::Monitoring);
            }
            Step::StopMonitor => {
                // Every call here is a customer's: stopping monitoring ends none.
                let out = w.send(Event::StoppingMonitoring);
                assert!(!out.iter().any(|c| matches!(c, Command::DisconnectCall { .. })), "a customer's call was hung up: {out:?}");
            }
            Step::ToggleMute => {
                // Flex's mute button: the engine speaks first, then Flex toggles.
                w.send(Event::TogglingMute);
                if let Some(a) = w.active.clone() {
                    let c = w.calls.get_mut(&a).unwrap();
                    c.muted = !c.muted;
                    let (device, muted) = (c.device, c.muted);
                    w.send(Event::CallMuted { device, call: a, muted });
                }
            }
            Step::FlexReSetsActive(i) => {
                // A mute on Flex's own Device makes that call active again.
                if let Some(t) = pick(i) {
                    let call = World::call_of(&t);
                    if w.calls.get(&call).is_some_and(|c| c.open && c.device == FLEX_DEVICE) {
                        w.active = Some(call.clone());
                        w.send(Event::ActiveCallChanged { call: Some(call) });
                    }
                }
            }
            Step::Chat => {
                w.send(Event::AcceptingTask { task: "WR-chat".into(), is_call: false });
            }
        }
    }
    // Once every call ends nothing is left behind.
    let open: Vec<String> = w.calls.iter().filter(|(_, c)| c.open).map(|(s, _)| s.clone()).collect();
    for c in open {
        w.hang_up(&c);
    }
    w.fire_timers();
    assert_eq!(w.active, None, "no active call once every call ended");
    assert!(w.extra_devices().is_empty(), "extra Devices left after every call ended");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn standby_mode_keeps_its_invariants(steps in prop::collection::vec(step(), 1..60)) {
        run(Mode::Standby, None, steps);
    }

    #[test]
    fn forward_mode_keeps_its_invariants(steps in prop::collection::vec(step(), 1..60)) {
        run(Mode::Forward, None, steps);
    }

    #[test]
    fn a_call_limit_keeps_the_invariants(steps in prop::collection::vec(step(), 1..60), max in 2u32..4) {
        run(Mode::Forward, Some(max as f64), steps.clone());
        run(Mode::Standby, Some(max as f64), steps);
    }
}
