//! Behaviour 2: standby mode, the seed's design.

mod common;

use common::World;
use multi_call::{Command, Mode, FLEX_DEVICE};

#[test]
fn first_call_prepares_one_registered_standby_that_takes_the_transfer() {
    let mut w = World::new(Mode::Standby, None);
    assert!(w.extra_devices().is_empty(), "no standby before the first call");

    w.offer("WR-A");
    w.accept("WR-A");
    assert_eq!(w.extra_devices().len(), 1, "one standby once the agent is on a call");
    assert!(w.devices.values().all(|registered| *registered));

    w.offer("WR-B");
    w.accept("WR-B");
    let b = World::call_of("WR-B");
    assert_ne!(w.calls[&b].device, FLEX_DEVICE, "B is answered by the standby Device");
    assert!(w.log.iter().any(|c| matches!(c, Command::AcceptCall { call, .. } if *call == b)));
    assert!(w.audible(&b) && !w.audible(&World::call_of("WR-A")));
    assert_eq!(w.engine.standby_devices().len(), 1, "a fresh standby waits for a third call");
    assert_eq!(w.extra_devices().len(), 2);
}

#[test]
fn standby_is_destroyed_when_flex_device_is_free_again() {
    let mut w = World::new(Mode::Standby, None);
    w.offer("WR-A");
    w.accept("WR-A");
    w.hang_up(&World::call_of("WR-A"));
    assert!(w.extra_devices().is_empty(), "no idle standby once the agent has no call");
}

#[test]
fn the_extra_devices_call_ending_destroys_it() {
    let mut w = World::new(Mode::Standby, None);
    w.offer("WR-A");
    w.accept("WR-A");
    w.offer("WR-B");
    w.accept("WR-B");
    let b_device = w.calls[&World::call_of("WR-B")].device;
    w.hang_up(&World::call_of("WR-B"));
    assert!(!w.devices.contains_key(&b_device));
    assert_eq!(w.engine.standby_devices().len(), 1, "the standby stays while A is on Flex's Device");
}

#[test]
fn max_calls_stops_preparing_standbys() {
    let mut w = World::new(Mode::Standby, Some(2.0));
    w.offer("WR-A");
    w.accept("WR-A");
    w.offer("WR-B");
    w.accept("WR-B");
    assert!(w.engine.standby_devices().is_empty(), "at the limit no standby rings");
    w.hang_up(&World::call_of("WR-B"));
    assert_eq!(w.engine.standby_devices().len(), 1, "below the limit again");
}

#[test]
fn an_invite_on_the_standby_while_flex_is_free_is_left_to_flex() {
    let mut w = World::new(Mode::Standby, None);
    w.offer("WR-A");
    w.accept("WR-A");
    let standby = w.engine.standby_devices()[0];
    w.hang_up(&World::call_of("WR-A"));
    // Flex's call ended and the standby went; a late invite reaches it anyway.
    let out = w.engine.handle(multi_call::Event::CallIncoming { device: standby, call: "CA-x".into(), busy: false });
    assert!(!out.iter().any(|c| matches!(c, Command::AcceptCall { .. })), "Flex's own Device would answer");
}

#[test]
fn accepting_a_call_beyond_max_calls_holds_nothing_and_tells_the_agent() {
    let mut w = World::new(Mode::Standby, Some(2.0));
    w.offer("WR-A");
    w.accept("WR-A");
    w.offer("WR-B");
    w.accept("WR-B");
    let b = World::call_of("WR-B");
    let held_before = w.held("WR-B");
    w.log.clear();

    // No standby is left at the limit: C's invite could ring nowhere, so
    // silencing B for it would cut the agent off from everyone.
    w.offer("WR-C");
    w.accept("WR-C");
    assert!(w.audible(&b), "B, the call the agent is on, stays audible");
    assert_eq!(w.held("WR-B"), held_before, "B's customer is not put on hold");
    assert!(
        w.log.iter().any(|c| matches!(c, Command::Notify { id: "limit", .. })),
        "the agent is told why: {:?}",
        w.log
    );
}
