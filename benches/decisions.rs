//! Decision time: how long `Engine::handle` takes for one event (select,
//! accept, un-hold, call ended) with 1, 10, 50 and 200 tasks and up to 10 live
//! calls, natively. Part of `npm run bench` (bench/run.mjs), which summarises
//! `target/criterion/*/*/new/estimates.json` into BENCHMARKS.md.
//!
//! The state is built with the simulated Flex page of the scenario tests
//! (`sim`, a copy of `tests/common/mod.rs`), so every command the engine
//! returns is carried out and its consequences fed back, as on a real page.
//! Only the probed event's `handle` call is timed (`iter_custom`); the rest
//! of each cycle (carrying out commands, the feedback events, restoring the
//! state for the next iteration) is not.
//!
//! State for N tasks (standby mode, no call limit): min(N, 10) accepted call
//! tasks with a live call each (the oldest on Flex's Device, the others on
//! extra Devices, one idle standby Device registered), and N - min(N, 10)
//! other tasks, alternately an assigned chat and a wrapping call task whose
//! call ended.
//!
//! Events:
//! - select: `TaskSelected`, alternating between the two newest calls' tasks;
//! - unhold: `Unholding` (beforeUnholdCall), alternating the same way;
//! - accept: `AcceptingTask` (beforeAcceptTask) for one more reserved call
//!   task; the cycle then lets the call open, hangs up the oldest live call
//!   and removes its task, so N and the live calls stay the same;
//! - ended: `CallEnded` for the oldest live call, in that same cycle.
//!
//! `MC_BENCH_QUICK=1` shortens the measurement (for `npm run bench -- --quick`).

#[path = "../tests/common/mod.rs"]
mod sim;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use multi_call::{Event, Mode};
use sim::World;

const SIZES: [usize; 4] = [1, 10, 50, 200];
const MAX_LIVE: usize = 10;

struct Bench {
    w: World,
    /// Tasks with a live call, oldest first.
    live: Vec<String>,
    next: usize,
    flip: bool,
}

impl Bench {
    fn new(n: usize) -> Bench {
        let mut b = Bench { w: World::new(Mode::Standby, None), live: Vec::new(), next: 0, flip: false };
        let live = n.min(MAX_LIVE);
        for i in 0..n - live {
            let t = b.sid();
            if i % 2 == 0 {
                b.w.add_chat(&t);
            } else {
                b.w.offer(&t);
                b.w.accept(&t);
                let call = World::call_of(&t);
                b.w.hang_up(&call);
            }
        }
        for _ in 0..live {
            let t = b.sid();
            b.w.offer(&t);
            b.w.accept(&t);
            assert!(b.w.calls.get(&World::call_of(&t)).is_some_and(|c| c.open), "call of {t} did not open");
            b.live.push(t);
        }
        b.w.fire_timers();
        assert_eq!(b.w.tasks.len(), n);
        assert_eq!(b.w.engine.live_calls().len(), live);
        // Measuring: the invariants were checked while building the state.
        b.w.checks = false;
        b.w.log.clear();
        b
    }

    fn sid(&mut self) -> String {
        self.next += 1;
        format!("WR{:05}", self.next)
    }

    /// The task the alternating events act on this time.
    fn pick(&mut self) -> String {
        self.flip = !self.flip;
        let n = self.live.len();
        let i = if n >= 2 && self.flip { n - 2 } else { n - 1 };
        self.live[i].clone()
    }

    fn timed(&mut self, probe: fn(&Event) -> bool, step: impl FnOnce(&mut Self)) -> Duration {
        self.w.probe = Some(probe);
        self.w.probed = None;
        step(self);
        self.w.probe = None;
        self.w.log.clear();
        self.w.probed.expect("the probed event was not sent")
    }

    /// One more call accepted, the oldest hung up and its task removed.
    fn turnover(&mut self, probe: fn(&Event) -> bool) -> Duration {
        let t = self.sid();
        self.w.offer(&t);
        self.w.probe = Some(probe);
        self.w.probed = None;
        self.w.accept(&t);
        self.live.push(t);
        let old = self.live.remove(0);
        self.w.hang_up(&World::call_of(&old));
        self.w.remove(&old);
        self.w.fire_timers();
        self.w.probe = None;
        self.w.log.clear();
        self.w.notifications.clear();
        self.w.probed.expect("the probed event was not sent")
    }
}

fn run(c: &mut Criterion, name: &str, cycle: fn(&mut Bench) -> Duration) {
    let quick = std::env::var_os("MC_BENCH_QUICK").is_some();
    let mut g = c.benchmark_group(name);
    g.sampling_mode(SamplingMode::Flat);
    if quick {
        g.sample_size(10).warm_up_time(Duration::from_millis(100)).measurement_time(Duration::from_millis(300));
    } else {
        g.sample_size(30).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_millis(1000));
    }
    for n in SIZES {
        let mut b = Bench::new(n);
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |bencher, _| {
            bencher.iter_custom(|iters| (0..iters).map(|_| cycle(&mut b)).sum());
        });
    }
    g.finish();
}

fn select(b: &mut Bench) -> Duration {
    let t = b.pick();
    b.timed(|e| matches!(e, Event::TaskSelected { .. }), |b| b.w.select(&t))
}

fn unhold(b: &mut Bench) -> Duration {
    let t = b.pick();
    b.timed(|e| matches!(e, Event::Unholding { .. }), |b| b.w.unhold(&t))
}

fn accept(b: &mut Bench) -> Duration {
    b.turnover(|e| matches!(e, Event::AcceptingTask { .. }))
}

fn ended(b: &mut Bench) -> Duration {
    b.turnover(|e| matches!(e, Event::CallEnded { .. }))
}

fn decisions(c: &mut Criterion) {
    run(c, "select", select);
    run(c, "accept", accept);
    run(c, "unhold", unhold);
    run(c, "ended", ended);
}

criterion_group!(benches, decisions);
criterion_main!(benches);
