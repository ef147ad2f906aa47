//! Behaviour 5: Flex's active call follows the selected task.

mod common;

use common::World;
use multi_call::{Command, Event, Mode};

fn two_calls(mode: Mode) -> World {
    let mut w = World::new(mode, None);
    w.offer("WR-A");
    w.accept("WR-A");
    w.offer("WR-B");
    w.accept("WR-B");
    w
}

#[test]
fn accepting_b_makes_b_active_and_selecting_a_makes_a_active() {
    for mode in [Mode::Standby, Mode::Forward] {
        let mut w = two_calls(mode);
        let (a, b) = (World::call_of("WR-A"), World::call_of("WR-B"));
        assert_eq!(w.active.as_deref(), Some(b.as_str()), "{mode:?}: B is Flex's active call");
        w.select("WR-A");
        assert_eq!(w.active.as_deref(), Some(a.as_str()), "{mode:?}: hangup and mute now act on A");
    }
}

#[test]
fn flex_re_setting_the_active_call_on_a_flex_device_mute_is_undone() {
    let mut w = two_calls(Mode::Forward);
    let (a, b) = (World::call_of("WR-A"), World::call_of("WR-B"));
    // A is on Flex's Device; muting it there makes Flex set it active.
    w.active = Some(a.clone());
    let out = w.send(Event::ActiveCallChanged { call: Some(a) });
    assert!(out.contains(&Command::SetActiveCall { call: b.clone() }));
    assert_eq!(w.active.as_deref(), Some(b.as_str()));
}

#[test]
fn when_a_call_ends_the_selected_tasks_call_else_another_live_call_becomes_active() {
    for mode in [Mode::Standby, Mode::Forward] {
        let mut w = two_calls(mode);
        let (a, b) = (World::call_of("WR-A"), World::call_of("WR-B"));
        w.hang_up(&b);
        assert_eq!(w.active.as_deref(), Some(a.as_str()), "{mode:?}: the remaining call is active");
        w.hang_up(&a);
        assert_eq!(w.active, None, "{mode:?}: no stale active call once the last call ends");
    }
}

#[test]
fn a_stale_active_call_on_an_extra_device_is_removed_so_the_dialpad_works() {
    let mut w = two_calls(Mode::Forward);
    let (a, b) = (World::call_of("WR-A"), World::call_of("WR-B"));
    w.hang_up(&a);
    assert_eq!(w.active.as_deref(), Some(b.as_str()));
    w.hang_up(&b);
    assert_eq!(w.active, None);
    assert!(w.log.contains(&Command::ClearActiveCall));
}

#[test]
fn a_call_the_engine_has_not_seen_is_left_alone() {
    let mut w = World::new(Mode::Forward, None);
    let out = w.send(Event::ActiveCallChanged { call: Some("CA-outbound".into()) });
    assert!(out.is_empty(), "Flex's own call is not cleared: {out:?}");
}
