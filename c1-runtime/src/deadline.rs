//! Deadlines for a client's requests without a tokio timer per request.
//!
//! Arming a tokio timer takes the runtime's one timer-wheel lock twice (to
//! register it and to cancel it), and nearly every request is answered long
//! before its deadline. So a client keeps one watch task per runtime: a
//! request that has to wait puts its deadline and its waker in a slot of the
//! client's table, and takes it out when it finishes; the task, which wakes
//! at least once a `tick`, fires the slots whose deadline has passed. A
//! deadline less than a tick away, a request on a second runtime while the
//! first one's task is alive, or a request more than a tick after the one
//! before while no task is alive, gets a tokio timer as before: for a client
//! called now and then, starting the task (which wakes another worker) cost
//! more than the timer, about 80 µs against 10 µs on the first call after
//! 200 ms of idle.
//!
//! A request owns its slot: it allocates nothing (slots are reused), and it
//! gives the slot back itself, so nothing is left for the task to free.
//! (Entries allocated per request and freed by the task in bulk each tick
//! made a call touch about 60 more cache lines, measured with
//! `scripts/cache-misses.sh`: issue 14.)
//!
//! Exactness: a request reads `now`, and takes a slot (when it first has to
//! wait, in the same poll) only for a deadline at or after `now + tick`.
//! The task reads the time before it looks at the slots and sleeps at most
//! one tick past that reading, so it sees every slot before the slot's
//! deadline and fires it at the deadline (to tokio's millisecond), with
//! paused test clocks too: the task sleeps on tokio's clock.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use pin_project_lite::pin_project;
use slab::Slab;
use tokio::runtime::{Handle, Id};
use tokio::time::{Instant, Sleep, sleep_until};

/// The shortest and longest tick: short enough that an idle client's task
/// ends soon, long enough that a busy client's task wakes rarely.
const TICK: (Duration, Duration) = (Duration::from_millis(5), Duration::from_millis(100));

/// A deadline passed before the future finished.
#[derive(Debug)]
pub(crate) struct Elapsed;

/// A client's deadlines.
#[derive(Debug)]
pub(crate) struct Deadlines {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    tick: Duration,
    /// Rounds in which the task fired a slot: a request looks at its slot
    /// (under the lock) only when this has moved since it last looked.
    firings: AtomicU64,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The runtime whose watch task is alive, if one is.
    runtime: Option<Id>,
    /// When the last request came, to start a task for busy clients only.
    last: Option<Instant>,
    /// The requests being watched.
    slots: Slab<Slot>,
}

/// One request's deadline and the waker to wake at it.
#[derive(Debug)]
struct Slot {
    deadline: Instant,
    waker: Waker,
    fired: bool,
}

impl Deadlines {
    /// Deadlines for a client whose shortest timeout is `shortest`.
    pub(crate) fn new(shortest: Duration) -> Deadlines {
        let tick = (shortest / 8).clamp(TICK.0, TICK.1);
        Deadlines {
            shared: Arc::new(Shared {
                tick,
                firings: AtomicU64::new(0),
                state: Mutex::default(),
            }),
        }
    }

    /// Runs `future` until `deadline` (read against `now`). The deadline is
    /// armed when the future first has to wait: poll it at once.
    pub(crate) fn run<F: Future>(&self, now: Instant, deadline: Instant, future: F) -> Run<'_, F> {
        Run {
            future,
            guard: Guard::Unarmed {
                shared: &self.shared,
                now,
                deadline,
            },
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Gives `deadline` a slot watched by this runtime's task (starting it if
    /// none is alive and the client is busy), or says to use a tokio timer.
    fn arm<'a>(
        self: &'a Arc<Self>,
        now: Instant,
        deadline: Instant,
        waker: &Waker,
    ) -> Option<Watched<'a>> {
        if deadline.saturating_duration_since(now) < self.tick {
            return None;
        }
        let runtime = Handle::try_current().ok()?;
        let id = runtime.id();
        let mut state = self.lock();
        let busy = state
            .last
            .is_some_and(|last| now.saturating_duration_since(last) < self.tick);
        state.last = Some(now);
        let start = match state.runtime {
            Some(live) if live != id => return None,
            Some(_) => false,
            None if !busy => return None,
            None => {
                state.runtime = Some(id);
                true
            }
        };
        let key = state.slots.insert(Slot {
            deadline,
            waker: waker.clone(),
            fired: false,
        });
        let watched = Watched {
            shared: self,
            key,
            // Under the lock: a firing of this slot comes after it.
            firings: self.firings.load(Ordering::Acquire),
            waker: identity(waker),
        };
        drop(state);
        if start {
            // Outside the lock: a runtime that is shutting down drops the
            // task at once, and `Alive::drop` takes the lock.
            let alive = Alive {
                shared: self.clone(),
                armed: true,
            };
            runtime.spawn(watch(alive));
            if self.lock().runtime != Some(id) {
                // Dropped: nothing watches the slot.
                return None;
            }
        }
        Some(watched)
    }
}

pin_project! {
    /// A future under a deadline: [`Deadlines::run`].
    pub(crate) struct Run<'a, F> {
        #[pin]
        future: F,
        guard: Guard<'a>,
    }
}

/// What ends a [`Run`] at its deadline.
enum Guard<'a> {
    /// Not armed yet: the future has not had to wait.
    Unarmed {
        shared: &'a Arc<Shared>,
        now: Instant,
        deadline: Instant,
    },
    /// A slot of the watch task (nearly every request).
    Watched(Watched<'a>),
    /// A tokio timer, boxed: this is the rare case.
    Timer(Pin<Box<Sleep>>),
}

/// A request's slot, given back when the request finishes or is dropped.
struct Watched<'a> {
    shared: &'a Shared,
    key: usize,
    /// `Shared::firings` when the slot was last looked at.
    firings: u64,
    /// The slot's waker, as [`Waker::will_wake`] compares it.
    waker: (usize, usize),
}

/// A waker's identity: its data and vtable pointers.
fn identity(waker: &Waker) -> (usize, usize) {
    (
        waker.data() as usize,
        std::ptr::from_ref(waker.vtable()) as usize,
    )
}

impl Watched<'_> {
    /// Whether the slot has fired; if not, it wakes `waker`. The lock is
    /// taken only after a firing, or when the request moved to another task.
    fn fired(&mut self, waker: &Waker) -> bool {
        let firings = self.shared.firings.load(Ordering::Acquire);
        if firings == self.firings && identity(waker) == self.waker {
            return false;
        }
        let mut state = self.shared.lock();
        let Some(slot) = state.slots.get_mut(self.key) else {
            return true;
        };
        if slot.fired {
            return true;
        }
        self.firings = firings;
        if identity(waker) == self.waker {
            // Another request's deadline fired: the slot's waker is still ours.
            return false;
        }
        let old = std::mem::replace(&mut slot.waker, waker.clone());
        drop(state);
        drop(old);
        self.waker = identity(waker);
        false
    }
}

impl Drop for Watched<'_> {
    fn drop(&mut self) {
        let slot = self.shared.lock().slots.try_remove(self.key);
        // Its waker is let go outside the lock.
        drop(slot);
    }
}

impl<F: Future> Future for Run<'_, F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        if let Guard::Unarmed {
            shared,
            now,
            deadline,
        } = *this.guard
        {
            *this.guard = match shared.arm(now, deadline, cx.waker()) {
                Some(watched) => Guard::Watched(watched),
                None => Guard::Timer(Box::pin(sleep_until(deadline))),
            };
        }
        match this.guard {
            Guard::Watched(watched) => {
                if watched.fired(cx.waker()) {
                    Poll::Ready(Err(Elapsed))
                } else {
                    Poll::Pending
                }
            }
            Guard::Timer(sleep) => sleep.as_mut().poll(cx).map(|()| Err(Elapsed)),
            // Armed just above.
            Guard::Unarmed { .. } => Poll::Pending,
        }
    }
}

/// The watch task's claim on its runtime; dropped with the task (also when
/// the runtime shuts down before the task ever ran), it lets the next request
/// start a new task.
struct Alive {
    shared: Arc<Shared>,
    armed: bool,
}

impl Drop for Alive {
    fn drop(&mut self) {
        if self.armed {
            self.shared.lock().runtime = None;
        }
    }
}

/// Fires due slots and sleeps at most a tick; ends when no slot is left to
/// fire.
async fn watch(mut alive: Alive) {
    let shared = alive.shared.clone();
    let mut due: Vec<Waker> = Vec::new();
    loop {
        // Read before looking at the slots: see the module docs.
        let now = Instant::now();
        let mut wake = now + shared.tick;
        let watching = {
            let mut state = shared.lock();
            let mut watching = false;
            for (_, slot) in &mut state.slots {
                if slot.fired {
                    continue;
                }
                if slot.deadline <= now {
                    slot.fired = true;
                    due.push(slot.waker.clone());
                } else {
                    watching = true;
                    wake = wake.min(slot.deadline);
                }
            }
            if !due.is_empty() {
                shared.firings.fetch_add(1, Ordering::Release);
            }
            if !watching {
                state.runtime = None;
                alive.armed = false;
            }
            watching
        };
        for waker in due.drain(..) {
            waker.wake();
        }
        if !watching {
            return;
        }
        sleep_until(wake).await;
    }
}

#[cfg(test)]
mod tests {
    use std::future::pending;
    use std::time::Duration;

    use tokio::runtime::Builder;
    use tokio::time::{Instant, sleep};

    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn paused() -> tokio::runtime::Runtime {
        Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap()
    }

    /// Polls `run` once, which arms it, and says whether the watch task
    /// (rather than a timer) holds its deadline.
    fn watched(run: &mut Run<'_, impl Future + Unpin>) -> bool {
        let mut cx = Context::from_waker(Waker::noop());
        assert!(Pin::new(&mut *run).poll(&mut cx).is_pending());
        matches!(run.guard, Guard::Watched(_))
    }

    /// Whether a request with a deadline a second after `now` gets a slot
    /// (the slot is given back at once).
    fn arms_a_slot(deadlines: &Deadlines, now: Instant) -> bool {
        let shared = &deadlines.shared;
        shared.arm(now, now + SECOND, Waker::noop()).is_some()
    }

    fn task_alive(deadlines: &Deadlines) -> bool {
        deadlines.shared.lock().runtime.is_some()
    }

    /// A request that came and went just now: the client counts as busy.
    fn busy(deadlines: &Deadlines) {
        let now = Instant::now();
        let mut run = deadlines.run(now, now + 30 * SECOND, pending::<()>());
        watched(&mut run);
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_that_never_finishes_ends_at_its_deadline() {
        let deadlines = Deadlines::new(30 * SECOND);
        busy(&deadlines);
        let now = Instant::now();
        let mut run = deadlines.run(now, now + 30 * SECOND, pending::<()>());
        assert!(
            watched(&mut run),
            "30 s away, on a busy client: the watch task's"
        );
        assert!(run.await.is_err());
        assert_eq!(
            now.elapsed(),
            30 * SECOND,
            "fired at the deadline, not a tick late"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn another_requests_firing_leaves_a_slot_to_its_own_deadline() {
        let deadlines = Deadlines::new(SECOND);
        busy(&deadlines);
        let now = Instant::now();
        // One task polls both, with one waker: the first firing wakes it
        // and the second request looks at its slot, still unfired.
        let (first, second) = tokio::join!(
            deadlines.run(now, now + SECOND, pending::<()>()),
            deadlines.run(now, now + 2 * SECOND, pending::<()>()),
        );
        assert!(first.is_err() && second.is_err());
        assert_eq!(now.elapsed(), 2 * SECOND, "the second at its own deadline");
    }

    /// Two workers, requests on both, the task ending and starting again
    /// between bursts: every request ends at its deadline, none hangs.
    #[test]
    fn requests_on_two_workers_all_end_at_their_deadlines() {
        let runtime = Builder::new_multi_thread()
            .worker_threads(2)
            .enable_time()
            .build()
            .unwrap();
        let limit = Duration::from_millis(40);
        let deadlines = Arc::new(Deadlines::new(limit));
        runtime.block_on(async {
            for _burst in 0..5 {
                let requests: Vec<_> = (0..64)
                    .map(|i| {
                        let deadlines = deadlines.clone();
                        tokio::spawn(async move {
                            let now = Instant::now();
                            let wait = limit + Duration::from_millis(i % 8);
                            let run = deadlines.run(now, now + wait, pending::<()>());
                            let ended = tokio::time::timeout(10 * SECOND, run).await;
                            assert!(matches!(ended, Ok(Err(Elapsed))), "ended by its deadline");
                            assert!(now.elapsed() >= wait, "not before it");
                        })
                    })
                    .collect();
                for request in requests {
                    request.await.unwrap();
                }
                // Idle long enough for the task to end.
                sleep(3 * deadlines.shared.tick).await;
            }
        });
        assert!(deadlines.shared.lock().slots.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_finished_request_is_forgotten_and_the_idle_task_ends() {
        let deadlines = Deadlines::new(SECOND);
        busy(&deadlines);
        let now = Instant::now();
        let answer = deadlines.run(now, now + SECOND, async {
            sleep(Duration::from_millis(300)).await;
            7
        });
        assert_eq!(answer.await.unwrap(), 7);
        assert!(
            deadlines.shared.lock().slots.is_empty(),
            "the request gave its slot back"
        );
        assert!(task_alive(&deadlines));
        sleep(3 * deadlines.shared.tick).await;
        assert!(!task_alive(&deadlines), "nothing left to watch");
        // A dropped request is forgotten too, and the next busy one starts a task.
        busy(&deadlines);
        let now = Instant::now();
        let mut dropped = deadlines.run(now, now + SECOND, pending::<()>());
        assert!(watched(&mut dropped));
        drop(dropped);
        assert!(deadlines.shared.lock().slots.is_empty());
        sleep(3 * deadlines.shared.tick).await;
        assert!(!task_alive(&deadlines));
        busy(&deadlines);
        let now = Instant::now();
        assert!(
            deadlines
                .run(now, now + SECOND, pending::<()>())
                .await
                .is_err()
        );
        assert_eq!(now.elapsed(), SECOND);
    }

    #[tokio::test(start_paused = true)]
    async fn a_deadline_closer_than_a_tick_gets_a_timer() {
        let deadlines = Deadlines::new(SECOND);
        let tick = deadlines.shared.tick;
        assert_eq!(
            tick,
            Duration::from_millis(100),
            "a second / 8, at most 100 ms"
        );
        let now = Instant::now();
        let mut run = deadlines.run(now, now + tick / 2, pending::<()>());
        assert!(!watched(&mut run));
        assert!(run.await.is_err());
        assert_eq!(now.elapsed(), tick / 2);
        assert!(!task_alive(&deadlines), "no task was started");
    }

    #[test]
    fn a_second_runtime_gets_timers_until_the_first_runtimes_task_is_gone() {
        let deadlines = Deadlines::new(SECOND);
        let first = paused();
        // Entered on the first runtime, whose task is now alive (not yet run).
        let held = {
            let _context = first.enter();
            busy(&deadlines);
            let now = Instant::now();
            let mut held = deadlines.run(now, now + SECOND, pending::<()>());
            assert!(watched(&mut held));
            held
        };
        let second = paused();
        second.block_on(async {
            let now = Instant::now();
            let mut run = deadlines.run(now, now + SECOND, pending::<()>());
            assert!(!watched(&mut run), "the first runtime's task is alive");
            assert!(run.await.is_err());
            assert_eq!(now.elapsed(), SECOND);
        });
        // Shutting the first runtime down drops its task, unpolled.
        drop(first);
        assert!(!task_alive(&deadlines));
        second.block_on(async {
            busy(&deadlines);
            let now = Instant::now();
            let mut run = deadlines.run(now, now + SECOND, pending::<()>());
            assert!(watched(&mut run), "the second runtime now has the task");
            assert!(run.await.is_err());
            assert_eq!(now.elapsed(), SECOND);
        });
        drop(held);
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_after_a_tick_of_idle_gets_a_timer_and_the_next_starts_the_task() {
        let deadlines = Deadlines::new(SECOND);
        let tick = deadlines.shared.tick;
        let now = Instant::now();
        let mut first = deadlines.run(now, now + SECOND, pending::<()>());
        assert!(!watched(&mut first), "the client's first request");
        assert!(!task_alive(&deadlines), "no task for one request");
        assert!(first.await.is_err());
        assert_eq!(now.elapsed(), SECOND, "the timer fires at the deadline");
        sleep(tick).await;
        let now = Instant::now();
        let mut sporadic = deadlines.run(now, now + SECOND, pending::<()>());
        assert!(!watched(&mut sporadic), "a tick after the one before");
        let now = Instant::now();
        let mut next = deadlines.run(now, now + SECOND, pending::<()>());
        assert!(watched(&mut next), "right after the one before");
        assert!(task_alive(&deadlines));
        drop((sporadic, next));
    }

    #[test]
    fn a_runtime_that_shut_down_drops_the_task_it_is_given_and_gets_timers() {
        let deadlines = Deadlines::new(SECOND);
        let runtime = paused();
        let handle = runtime.handle().clone();
        drop(runtime);
        let _context = handle.enter();
        let now = Instant::now();
        // The second finds the client busy and starts a task, which the
        // closed runtime drops at once (the lock is not held: no deadlock).
        for _ in 0..2 {
            assert!(!arms_a_slot(&deadlines, now));
        }
        assert!(!task_alive(&deadlines));
        assert!(
            deadlines.shared.lock().slots.is_empty(),
            "the slot was given back"
        );
    }

    #[test]
    fn outside_a_runtime_the_watch_task_is_not_started() {
        let deadlines = Deadlines::new(SECOND);
        assert!(!arms_a_slot(&deadlines, Instant::now()));
        assert!(!task_alive(&deadlines));
    }
}
