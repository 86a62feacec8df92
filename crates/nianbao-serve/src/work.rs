//! Fixed pools of threads for the heavy work, each fed from a bounded queue:
//!
//! - the typesetting workers, each with its own [`Renderer`] over the fonts loaded
//!   once: renders (PDF, DOCX, the HTML edition, preview pages) never run on the
//!   threads that answer requests, and never more at once than there are workers;
//! - the password hashers: Argon2 takes 19 MiB a hash, and memory freed on one of
//!   tokio's many blocking threads stays with that thread's allocator arena (50
//!   logins at once were measured at 900 MB), so hashes run on a few threads of
//!   their own, whose arenas are reused.
//!
//! A burst waits in the queue instead of exhausting memory; past the queue, 503.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};

use nianbao_render::fonts::FontSet;
use nianbao_render::pipeline::Renderer;

use crate::error::ApiError;

type Job<S> = Box<dyn FnOnce(&S) + Send>;

/// How many jobs may wait for a thread before new ones are refused (503).
pub const QUEUE: usize = 256;

/// A pool of threads, each holding a state `S` its jobs use.
pub struct Pool<S> {
    queue: SyncSender<Job<S>>,
}

/// The typesetting workers.
pub type Workers = Pool<Renderer<'static>>;

impl Workers {
    /// Starts `count` typesetting workers (at least one) over `fonts`.
    pub fn typesetters(fonts: &'static FontSet, count: usize) -> Workers {
        Pool::start("nianbao-render", count, move || Renderer::new(fonts))
    }
}

impl<S: 'static> Pool<S> {
    /// Starts `count` threads (at least one) named `name-N`, each making its state
    /// with `make` once.
    pub fn start(
        name: &str,
        count: usize,
        make: impl Fn() -> S + Send + Sync + 'static,
    ) -> Pool<S> {
        let (queue, jobs) = sync_channel::<Job<S>>(QUEUE);
        let jobs = Arc::new(Mutex::new(jobs));
        let make = Arc::new(make);
        for n in 0..count.max(1) {
            let (jobs, make) = (jobs.clone(), make.clone());
            std::thread::Builder::new()
                .name(format!("{name}-{n}"))
                .spawn(move || work(&*make, &jobs))
                .expect("a thread starts");
        }
        Pool { queue }
    }

    /// Runs `f` on a thread of the pool with its state and returns its result.
    ///
    /// # Errors
    /// 503 when the queue is full; 500 when the job panicked.
    pub async fn run<R, F>(&self, f: F) -> Result<R, ApiError>
    where
        R: Send + 'static,
        F: FnOnce(&S) -> R + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job<S> = Box::new(move |state| {
            let _ = tx.send(f(state));
        });
        match self.queue.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                return Err(ApiError::new(
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    "服务器正忙，请稍后重试",
                ));
            }
            Err(TrySendError::Disconnected(_)) => {
                return Err(ApiError::internal("工作线程已停止"));
            }
        }
        rx.await.map_err(|_| ApiError::internal("任务异常中止"))
    }
}

fn work<S>(make: &dyn Fn() -> S, jobs: &Mutex<Receiver<Job<S>>>) {
    let state = make();
    loop {
        let job = {
            let jobs = jobs
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match jobs.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        // A panic in one job (a bug) answers 500 to that request and keeps the thread.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&state)));
        if outcome.is_err() {
            eprintln!("nianbao serve: 一个任务异常中止");
        }
    }
}
