//! Deadlines for a client's requests without a tokio timer per request.
//!
//! Arming a tokio timer takes the runtime's one timer-wheel lock twice (to
//! register it and to cancel it), and nearly every request is answered long
//! before its deadline. So a client keeps one watch task per runtime: a
//! request hands it an [`Entry`] (its deadline and its waker) and the task,
//! which wakes at least once a `tick`, fires the entries whose deadline has
//! passed. A deadline less than a tick away, a request on a second runtime
//! while the first one's task is alive, or a request more than a tick after
//! the one before while no task is alive, gets a tokio timer as before: for
//! a client called now and then, starting the task (which wakes another
//! worker) cost more than the timer, about 80 µs against 10 µs on the first
//! call after 200 ms of idle.
//!
//! Exactness: an entry handed over at `t` has its deadline at or after
//! `t + tick`. The task reads the time before it empties the inbox and sleeps
//! at most one tick past that reading, so it holds every entry before the
//! entry's deadline and fires it at the deadline (to tokio's millisecond),
//! with paused test clocks too: the task sleeps on tokio's clock.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::task::AtomicWaker;
use pin_project_lite::pin_project;
use tokio::runtime::{Handle, Id};
use tokio::time::{Instant, Sleep, sleep_until};

/// The shortest and longest tick: short enough to free finished entries
/// soon, long enough that a busy client's task wakes rarely.
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
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The runtime whose watch task is alive, if one is.
    runtime: Option<Id>,
    /// When the last request came, to start a task for busy clients only.
    last: Option<Instant>,
    /// Entries handed over since the task last looked.
    inbox: Vec<Arc<Entry>>,
}

/// One request's deadline, shared by the request and the watch task.
#[derive(Debug)]
struct Entry {
    deadline: Instant,
    waker: AtomicWaker,
    fired: AtomicBool,
    /// The request finished or was dropped: the task forgets the entry.
    done: AtomicBool,
}

impl Deadlines {
    /// Deadlines for a client whose shortest timeout is `shortest`.
    pub(crate) fn new(shortest: Duration) -> Deadlines {
        let tick = (shortest / 8).clamp(TICK.0, TICK.1);
        Deadlines {
            shared: Arc::new(Shared {
                tick,
                state: Mutex::default(),
            }),
        }
    }

    /// Runs `future` until `deadline` (read against `now`).
    pub(crate) fn run<F: Future>(&self, now: Instant, deadline: Instant, future: F) -> Run<F> {
        let guard = match self.enter(now, deadline) {
            Some(entry) => Guard::Watched(Watched(entry)),
            None => Guard::Timer(Box::pin(sleep_until(deadline))),
        };
        Run { future, guard }
    }

    /// Hands `deadline` to this runtime's watch task (starting it if none
    /// is alive and the client is busy), or says to use a tokio timer.
    fn enter(&self, now: Instant, deadline: Instant) -> Option<Arc<Entry>> {
        if deadline.saturating_duration_since(now) < self.shared.tick {
            return None;
        }
        let runtime = Handle::try_current().ok()?;
        let id = runtime.id();
        let mut state = self.shared.lock();
        let busy = state
            .last
            .is_some_and(|last| now.saturating_duration_since(last) < self.shared.tick);
        state.last = Some(now);
        match state.runtime {
            Some(live) if live != id => return None,
            Some(_) => {}
            None if !busy => return None,
            None => {
                state.runtime = Some(id);
                let alive = Alive {
                    shared: self.shared.clone(),
                    armed: true,
                };
                runtime.spawn(watch(alive));
            }
        }
        let entry = Arc::new(Entry {
            deadline,
            waker: AtomicWaker::new(),
            fired: AtomicBool::new(false),
            done: AtomicBool::new(false),
        });
        state.inbox.push(entry.clone());
        Some(entry)
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pin_project! {
    /// A future under a deadline: [`Deadlines::run`].
    pub(crate) struct Run<F> {
        #[pin]
        future: F,
        guard: Guard,
    }
}

/// What ends a [`Run`] at its deadline.
enum Guard {
    /// An entry of the watch task (nearly every request).
    Watched(Watched),
    /// A tokio timer, boxed: this is the rare case.
    Timer(Pin<Box<Sleep>>),
}

/// An entry the watch task holds; marked done when the request finishes or
/// is dropped.
struct Watched(Arc<Entry>);

impl Drop for Watched {
    fn drop(&mut self) {
        self.0.done.store(true, Ordering::Release);
    }
}

impl<F: Future> Future for Run<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        match this.guard {
            Guard::Watched(Watched(entry)) => {
                entry.waker.register(cx.waker());
                // After registering: a firing in between is not missed.
                if entry.fired.load(Ordering::Acquire) {
                    Poll::Ready(Err(Elapsed))
                } else {
                    Poll::Pending
                }
            }
            Guard::Timer(sleep) => sleep.as_mut().poll(cx).map(|()| Err(Elapsed)),
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

/// Fires due entries, forgets finished ones, sleeps at most a tick; ends
/// when nothing is left to watch.
async fn watch(mut alive: Alive) {
    let shared = alive.shared.clone();
    let mut watched: Vec<Arc<Entry>> = Vec::new();
    loop {
        // Read before taking the inbox: see the module docs.
        let now = Instant::now();
        {
            let mut state = shared.lock();
            if watched.is_empty() && state.inbox.is_empty() {
                state.runtime = None;
                alive.armed = false;
                return;
            }
            watched.append(&mut state.inbox);
        }
        let mut wake = now + shared.tick;
        watched.retain(|entry| {
            if entry.done.load(Ordering::Acquire) {
                return false;
            }
            if entry.deadline <= now {
                entry.fired.store(true, Ordering::Release);
                entry.waker.wake();
                return false;
            }
            wake = wake.min(entry.deadline);
            true
        });
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

    fn watched(run: &Run<impl Future>) -> bool {
        matches!(run.guard, Guard::Watched(_))
    }

    fn task_alive(deadlines: &Deadlines) -> bool {
        deadlines.shared.lock().runtime.is_some()
    }

    /// A request that came and went just now: the client counts as busy.
    fn busy(deadlines: &Deadlines) {
        let now = Instant::now();
        drop(deadlines.run(now, now + 30 * SECOND, pending::<()>()));
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_that_never_finishes_ends_at_its_deadline() {
        let deadlines = Deadlines::new(30 * SECOND);
        busy(&deadlines);
        let now = Instant::now();
        let run = deadlines.run(now, now + 30 * SECOND, pending::<()>());
        assert!(
            watched(&run),
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
    async fn a_finished_request_is_forgotten_and_the_idle_task_ends() {
        let deadlines = Deadlines::new(SECOND);
        busy(&deadlines);
        let now = Instant::now();
        let answer = deadlines.run(now, now + SECOND, async {
            sleep(Duration::from_millis(300)).await;
            7
        });
        assert_eq!(answer.await.unwrap(), 7);
        assert!(task_alive(&deadlines));
        sleep(3 * deadlines.shared.tick).await;
        assert!(!task_alive(&deadlines), "nothing left to watch");
        // A dropped request is forgotten too, and the next busy one starts a task.
        busy(&deadlines);
        let now = Instant::now();
        drop(deadlines.run(now, now + SECOND, pending::<()>()));
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
        let run = deadlines.run(now, now + tick / 2, pending::<()>());
        assert!(!watched(&run));
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
            deadlines.run(now, now + SECOND, pending::<()>())
        };
        assert!(watched(&held));
        let second = paused();
        second.block_on(async {
            let now = Instant::now();
            let run = deadlines.run(now, now + SECOND, pending::<()>());
            assert!(!watched(&run), "the first runtime's task is alive");
            assert!(run.await.is_err());
            assert_eq!(now.elapsed(), SECOND);
        });
        // Shutting the first runtime down drops its task, unpolled.
        drop(first);
        assert!(!task_alive(&deadlines));
        second.block_on(async {
            busy(&deadlines);
            let now = Instant::now();
            let run = deadlines.run(now, now + SECOND, pending::<()>());
            assert!(watched(&run), "the second runtime now has the task");
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
        let first = deadlines.run(now, now + SECOND, pending::<()>());
        assert!(!watched(&first), "the client's first request");
        assert!(!task_alive(&deadlines), "no task for one request");
        assert!(first.await.is_err());
        assert_eq!(now.elapsed(), SECOND, "the timer fires at the deadline");
        sleep(tick).await;
        let now = Instant::now();
        let sporadic = deadlines.run(now, now + SECOND, pending::<()>());
        assert!(!watched(&sporadic), "a tick after the one before");
        let now = Instant::now();
        let next = deadlines.run(now, now + SECOND, pending::<()>());
        assert!(watched(&next), "right after the one before");
        assert!(task_alive(&deadlines));
        drop((sporadic, next));
    }

    #[test]
    fn outside_a_runtime_the_watch_task_is_not_started() {
        let deadlines = Deadlines::new(SECOND);
        let now = Instant::now();
        assert!(deadlines.enter(now, now + SECOND).is_none());
        assert!(!task_alive(&deadlines));
    }
}
