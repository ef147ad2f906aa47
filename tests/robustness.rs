//! Behaviour 8: failing Devices are retried, then left to Flex; never lost.

mod common;

use common::World;
use multi_call::{Command, Event, Mode, FLEX_DEVICE};

#[test]
fn a_failed_forward_is_retried_with_backoff_and_then_left_to_flexs_prompt() {
    let mut w = World::new(Mode::Forward, None);
    w.offer("WR-A");
    w.accept("WR-A");
    w.fail_next_connects = 10;
    w.offer("WR-B");
    w.accept("WR-B");
    let mut delays = vec![];
    for _ in 0..5 {
        delays.extend(w.timers.values().copied());
        w.fire_timers();
    }
    assert_eq!(delays, vec![250, 500], "two retries with growing delays");
    let b = World::call_of("WR-B");
    assert_eq!(w.restored_prompts, vec![b.clone()], "Flex's own prompt comes back");
    assert!(w.notifications.contains(&"forward-failed"));
    assert!(w.extra_devices().is_empty(), "failed Devices are destroyed");
    // The restored prompt is not cancelled again.
    let out = w.send(Event::NotificationAdding { id: "SecondVoiceCallIncoming".into() });
    assert!(!out.contains(&Command::Cancel));
}

#[test]
fn a_forward_that_succeeds_on_retry_takes_the_call() {
    let mut w = World::new(Mode::Forward, None);
    w.offer("WR-A");
    w.accept("WR-A");
    w.fail_next_connects = 1;
    w.offer("WR-B");
    w.accept("WR-B");
    w.fire_timers();
    assert!(w.audible(&World::call_of("WR-B")));
    assert!(w.restored_prompts.is_empty());
}

#[test]
fn a_forwarded_call_that_ends_before_it_opens_is_retried_then_left_to_flexs_prompt() {
    let mut w = World::new(Mode::Forward, None);
    w.offer("WR-A");
    w.accept("WR-A");
    w.drop_next_forwards = 10;
    w.offer("WR-B");
    w.accept("WR-B");
    for _ in 0..5 {
        w.fire_timers();
    }
    let b = World::call_of("WR-B");
    assert_eq!(w.restored_prompts, vec![b.clone()], "the call still rings on Flex's Device: its prompt comes back");
    assert!(w.notifications.contains(&"forward-failed"), "the agent is told");
    assert!(w.extra_devices().is_empty(), "the Devices that lost it are destroyed");
    assert!(w.calls[&World::call_of("WR-A")].open, "A stays up");
}

#[test]
fn a_forwarded_call_that_ends_once_before_it_opens_is_taken_on_retry() {
    let mut w = World::new(Mode::Forward, None);
    w.offer("WR-A");
    w.accept("WR-A");
    w.drop_next_forwards = 1;
    w.offer("WR-B");
    w.accept("WR-B");
    w.fire_timers();
    assert!(w.audible(&World::call_of("WR-B")), "the retry took the call");
    assert!(w.restored_prompts.is_empty());
}

#[test]
fn a_standby_that_cannot_register_is_retried_then_the_agent_is_told() {
    let mut w = World::new(Mode::Standby, None);
    w.fail_next_registers = 10;
    w.offer("WR-A");
    w.accept("WR-A");
    for _ in 0..5 {
        w.fire_timers();
    }
    assert!(w.notifications.contains(&"standby-failed"));
    assert!(w.extra_devices().is_empty());
    assert!(w.audible(&World::call_of("WR-A")), "the first call is untouched");
}

#[test]
fn flex_replacing_its_device_forgets_its_calls_and_keeps_extra_ones() {
    let mut w = World::new(Mode::Forward, None);
    w.take(&["WR-A", "WR-B"]);
    let b = World::call_of("WR-B");
    w.calls.get_mut(&World::call_of("WR-A")).unwrap().open = false;
    let b_device = w.calls[&b].device;
    let out = w.send(Event::FlexDeviceReplaced);
    assert!(w.calls[&b].open && w.calls[&b].device != FLEX_DEVICE);
    assert_eq!(w.active.as_deref(), Some(b.as_str()));
    assert!(
        out.contains(&Command::ApplyAudio { device: b_device }),
        "the agent's speaker and microphone, as the new Flex Device has them, reach B's Device: {out:?}"
    );
}

#[test]
fn stale_events_from_unknown_devices_change_nothing() {
    let mut w = World::new(Mode::Forward, None);
    for e in [
        Event::CallAccepted { device: 42, call: "CA-x".into() },
        Event::CallEnded { device: 42, call: "CA-x".into() },
        Event::DeviceFailed { device: 42, code: 1, message: "x".into() },
        Event::DeviceRegistered { device: 42 },
        Event::CallMuted { device: 42, call: "CA-x".into(), muted: false },
        Event::TimerFired { timer: 99 },
    ] {
        let out = w.send(e);
        assert!(out.iter().all(|c| matches!(c, Command::Log { .. })), "{out:?}");
    }
}
