//! Recorded answers of the real backends, replayed through the [`Executor`] seam.
//!
//! The daemon-down, permission-denied, name-in-use or port-in-use answers of Docker, Podman
//! and tmux cannot be produced on demand in a unit test, and their words differ between CLI
//! versions. So they were recorded once, for real (see [`recordings`]), and a [`Replay`]
//! executor plays them back to the real [`TmuxRunner`](crate::ops::TmuxRunner) and
//! [`ContainerRunner`](crate::ops::ContainerRunner): the tests pin which [`Error`] and which
//! exit code each answer becomes. The integration tests run the real programs; these
//! reach the paths the real programs only take when something is broken.

mod container_tests;
mod engine_tests;
mod recordings;
mod tmux_tests;

use std::collections::VecDeque;
use std::ffi::OsStr;
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use crate::cli::exit;
use crate::ops::error::{Error, Result};
use crate::ops::exec::{ExecError, Executor, Invocation, Output};

/// One recorded answer: what the program returned, byte for byte.
#[derive(Debug)]
pub(super) struct Recording {
    /// The exit code (`None`: killed by a signal).
    pub(super) code: Option<i32>,
    /// Its stdout (kept where kstlib reads it).
    pub(super) stdout: &'static [u8],
    /// Its stderr.
    pub(super) stderr: &'static [u8],
}

impl Recording {
    fn output(&self) -> Output {
        Output {
            code: self.code,
            stdout: self.stdout.to_vec(),
            stderr: self.stderr.to_vec(),
        }
    }
}

/// What the fake program does when called.
#[derive(Debug)]
enum Answer {
    /// Answers as recorded.
    Recorded(&'static Recording),
    /// The program is not installed.
    Missing,
    /// The program never answers (a hung daemon): the executor's time limit is reached.
    Hung,
}

/// One expected call: the program and the first arguments it must be given.
#[derive(Debug)]
struct Call {
    program: &'static str,
    args: Vec<&'static str>,
    answer: Answer,
}

impl Call {
    fn matches(&self, invocation: &Invocation) -> bool {
        let args = invocation.get_args();
        invocation.program() == OsStr::new(self.program)
            && args.len() >= self.args.len()
            && self.args.iter().zip(args).all(|(want, got)| got == want)
    }

    fn describe(&self) -> String {
        format!("{} {} …", self.program, self.args.join(" "))
    }
}

/// A fake [`Executor`] that expects a sequence of calls, in order, and answers each with a
/// recording. A call out of turn, one with other arguments, or one too many fails the test
/// at once, naming the call; expected calls never made fail it when the replay is dropped.
#[derive(Debug, Default)]
pub(super) struct Replay {
    calls: Mutex<VecDeque<Call>>,
}

impl Replay {
    /// A replay that expects no call at all.
    pub(super) fn new() -> Self {
        Replay::default()
    }

    /// Expects `program` with arguments starting with `args`, answered by `recording`.
    pub(super) fn then(
        self,
        program: &'static str,
        args: &[&'static str],
        recording: &'static Recording,
    ) -> Self {
        self.push(program, args, Answer::Recorded(recording))
    }

    /// Expects `program` with arguments starting with `args`, which is not installed.
    pub(super) fn then_missing(self, program: &'static str, args: &[&'static str]) -> Self {
        self.push(program, args, Answer::Missing)
    }

    /// Expects `program` with arguments starting with `args`, which never answers.
    pub(super) fn then_hung(self, program: &'static str, args: &[&'static str]) -> Self {
        self.push(program, args, Answer::Hung)
    }

    /// The replay, ready to hand to a runner.
    pub(super) fn shared(self) -> Arc<Replay> {
        Arc::new(self)
    }

    fn push(self, program: &'static str, args: &[&'static str], answer: Answer) -> Self {
        self.lock().push_back(Call {
            program,
            args: args.to_vec(),
            answer,
        });
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Call>> {
        self.calls.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The answer to `invocation`, which must be the next expected call.
    fn answer(&self, invocation: &Invocation, how: &str) -> Answer {
        let next = self.lock().pop_front();
        let Some(call) = next else {
            panic!("unexpected {how} of `{invocation}`: no more calls were expected");
        };
        assert!(
            call.matches(invocation),
            "unexpected {how} of `{invocation}`: expected `{}`",
            call.describe()
        );
        call.answer
    }
}

impl Drop for Replay {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let left: Vec<String> = self.lock().iter().map(Call::describe).collect();
        assert!(left.is_empty(), "expected calls never made: {left:?}");
    }
}

fn exec_error(answer: Answer, invocation: &Invocation) -> ExecError {
    match answer {
        Answer::Missing => ExecError::NotFound {
            program: invocation.program().to_path_buf(),
        },
        Answer::Hung => ExecError::Timeout {
            invocation: invocation.to_string(),
            timeout: invocation.get_timeout(),
        },
        Answer::Recorded(_) => panic!("`{invocation}` replaces the process: it has no output"),
    }
}

impl Executor for Replay {
    fn output(&self, invocation: &Invocation) -> Result<Output, ExecError> {
        match self.answer(invocation, "run") {
            // As the real executor does: one pipe for both (recorded apart, the streams'
            // order is lost, which a failure's answer never has to keep).
            Answer::Recorded(recording) if invocation.is_merge_stderr() => {
                let mut output = recording.output();
                output.stdout.append(&mut output.stderr);
                Ok(output)
            }
            Answer::Recorded(recording) => Ok(recording.output()),
            answer => Err(exec_error(answer, invocation)),
        }
    }

    fn replace(&self, invocation: &Invocation) -> ExecError {
        exec_error(self.answer(invocation, "exec"), invocation)
    }

    fn interactive(
        &self,
        invocation: &Invocation,
        _hide: &[&str],
    ) -> Result<Option<i32>, ExecError> {
        match self.answer(invocation, "interactive") {
            Answer::Recorded(recording) => Ok(recording.code),
            answer => Err(exec_error(answer, invocation)),
        }
    }

    fn stream(
        &self,
        invocation: &Invocation,
        out: &mut dyn Write,
    ) -> Result<Option<i32>, ExecError> {
        match self.answer(invocation, "stream") {
            Answer::Recorded(recording) => {
                out.write_all(recording.stdout)
                    .expect("the test's writer takes everything");
                Ok(recording.code)
            }
            answer => Err(exec_error(answer, invocation)),
        }
    }
}

/// The error of `result`, checked: its message (Display) and the CLI's exit code for it.
#[track_caller]
pub(super) fn failure<T: std::fmt::Debug>(result: Result<T>, message: &str, code: u8) -> Error {
    let err = result.expect_err("the replayed answer must make the verb fail");
    assert_eq!(err.to_string(), message);
    assert_eq!(exit::code(err.kind()), code, "exit code of {err:?}");
    err
}

/// The session `name` on `backend` with `options`, built the way
/// [`SessionManager::new`](crate::ops::SessionManager::new) builds it, without looking for
/// a runtime on `PATH` (the replay is the runtime).
pub(super) fn session(
    name: &str,
    backend: crate::ops::BackendType,
    options: crate::ops::SessionOptions,
) -> crate::ops::SessionConfig {
    use crate::ops::config::{Given, Settings, build};
    let name = crate::ops::validate::SessionName::new(name).expect("a valid name");
    let mut settings = Settings::from_options(&options).expect("valid options");
    settings.backend = Some(Given::new(backend));
    build(&name, None, false, settings).expect("a valid session")
}

/// Log settings without a log directory: no log file is read or written.
pub(super) fn no_log_files() -> crate::ops::logs::LogSettings {
    crate::ops::logs::LogSettings::new(None, 0)
}

/// A valid session name.
pub(super) fn name(name: &str) -> crate::ops::validate::SessionName {
    crate::ops::validate::SessionName::new(name).expect("a valid name")
}

mod tests {
    use super::*;
    use crate::ops::model::TmuxSocket;
    use crate::ops::{SessionBackend, TmuxRunner};

    fn tmux(replay: &Arc<Replay>) -> TmuxRunner {
        let socket = TmuxSocket::new(Some("replay-live"), None).expect("a valid socket name");
        TmuxRunner::with_executor("tmux", socket, replay.clone())
    }

    #[test]
    #[should_panic(expected = "unexpected run of `tmux -L replay-live -u list-sessions")]
    fn a_call_with_other_arguments_fails_the_test() {
        let replay = Replay::new()
            .then(
                "tmux",
                &["-L", "other", "-u", "list-sessions"],
                &recordings::TMUX_LIVE_LIST,
            )
            .shared();
        let _ = tmux(&replay).list_sessions();
    }

    #[test]
    #[should_panic(expected = "no more calls were expected")]
    fn a_call_too_many_fails_the_test() {
        let _ = tmux(&Replay::new().shared()).list_sessions();
    }

    #[test]
    #[should_panic(expected = "expected calls never made")]
    fn a_call_never_made_fails_the_test() {
        let replay = Replay::new()
            .then(
                "tmux",
                &["-L", "replay-live", "-u", "list-sessions"],
                &recordings::TMUX_LIVE_LIST,
            )
            .shared();
        drop(tmux(&replay));
    }
}
