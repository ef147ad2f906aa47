//! Behaviour 4: every extra Device follows the agent's token and audio.

mod common;

use common::World;
use multi_call::{Command, Event, Mode};

#[test]
fn token_refreshes_and_audio_changes_reach_every_extra_device() {
    let mut w = World::new(Mode::Standby, None);
    w.take(&["WR-A", "WR-B"]);
    let devices = w.extra_devices();
    assert_eq!(devices.len(), 2, "B's Device and the next standby");
    let out = w.send(Event::TokenUpdated);
    for d in &devices {
        assert!(out.contains(&Command::UpdateToken { device: *d }));
    }
    let out = w.send(Event::AudioDevicesChanged);
    for d in &devices {
        assert!(out.contains(&Command::ApplyAudio { device: *d }));
    }
}

#[test]
fn every_extra_device_is_destroyed_once_its_call_ends() {
    let mut w = World::new(Mode::Forward, None);
    w.take(&["WR-A", "WR-B", "WR-C"]);
    let carrying = |w: &World| w.engine.extra_devices().iter().filter(|(_, call)| call.is_some()).count();
    assert_eq!(carrying(&w), 2, "B and C each on a Device of their own");
    assert_eq!(w.engine.spare_devices().len(), 1, "and one spare made ahead for a fourth call");
    w.hang_up(&World::call_of("WR-B"));
    w.hang_up(&World::call_of("WR-C"));
    assert_eq!(carrying(&w), 0);
    assert_eq!(w.extra_devices().len(), 1, "only the spare stays while A is on Flex's Device");
    w.hang_up(&World::call_of("WR-A"));
    assert!(w.extra_devices().is_empty(), "no call, no spare");
}
