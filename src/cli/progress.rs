//! The spinner on stderr while the library waits (see [`crate::ops::progress`]).
//!
//! A wait gets a spinner only once it has lasted [`DELAY`]: most waits (a program that
//! stops on its signal, a start watched for half a second) end before that, and a line
//! that flashes and vanishes is noise. Each spinner says what it waits for and for how long
//! at most; overlapping waits (`up`, `down`) get one line each. The spinner is cleared
//! before the wait's guard returns, so nothing of it is left above the command's result.
//! It is installed only when stderr is a terminal and the output is for people (not
//! `--json`, not `--quiet`).

use std::collections::HashMap;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::ops::progress::{self, Progress, Wait, WaitId};

use super::render;

/// How long a wait lasts before it gets a spinner.
pub(super) const DELAY: Duration = Duration::from_secs(1);

/// How often the spinner turns.
const TICK: Duration = Duration::from_millis(100);

/// The spinners' lines, once [`install`]ed: what else writes to stderr meanwhile goes
/// through [`suspend`].
static LINES: OnceLock<MultiProgress> = OnceLock::new();

/// Installs the spinner as the library's progress reporter.
pub(super) fn install() {
    let spinners = Spinners::default();
    let _ = LINES.set(spinners.lines.clone());
    progress::set_reporter(Arc::new(spinners));
}

/// Runs `write` with the spinners taken off the screen and drawn again after it, so that
/// a line written to stderr while one turns (`up` reporting a session's error) is not
/// drawn over.
pub(super) fn suspend<R>(write: impl FnOnce() -> R) -> R {
    match LINES.get() {
        Some(lines) => lines.suspend(write),
        None => write(),
    }
}

/// The spinners on stderr, one per wait that has lasted [`DELAY`].
struct Spinners {
    lines: MultiProgress,
    /// The waits that have not ended.
    waits: Mutex<HashMap<WaitId, Drawer>>,
}

/// What ends a wait's spinner, and the thread that draws it.
type Drawer = (Sender<()>, JoinHandle<()>);

impl Default for Spinners {
    fn default() -> Self {
        Spinners {
            lines: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
            waits: Mutex::new(HashMap::new()),
        }
    }
}

impl Progress for Spinners {
    fn begin(&self, id: WaitId, wait: &Wait) {
        let (done, ended) = mpsc::channel::<()>();
        let message = render::waiting(wait);
        let lines = self.lines.clone();
        let drawer = thread::spawn(move || {
            // Any answer but a timeout (the wait ended, or its sender was dropped) means
            // that the wait is over before the spinner was due.
            if ended.recv_timeout(DELAY) != Err(RecvTimeoutError::Timeout) {
                return;
            }
            let spinner = lines.add(
                ProgressBar::new_spinner()
                    .with_style(style())
                    .with_elapsed(DELAY),
            );
            spinner.set_message(message);
            spinner.enable_steady_tick(TICK);
            let _ = ended.recv();
            spinner.finish_and_clear();
            lines.remove(&spinner);
        });
        self.waits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, (done, drawer));
    }

    fn end(&self, id: WaitId) {
        let wait = self
            .waits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id);
        if let Some((done, drawer)) = wait {
            let _ = done.send(());
            // The spinner is gone from the screen before the caller prints anything.
            let _ = drawer.join();
        }
    }
}

fn style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner:.cyan} {msg} {elapsed:.dim}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}
