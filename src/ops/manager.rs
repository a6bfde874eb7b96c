//! [`SessionManager`]: one session on its backend (upstream's `SessionManager`).

use std::io::Write;
use std::time::Duration;

use super::backend::{LogOptions, SessionBackend, StopOptions};
use super::config::{Config, ConfigError, ConfigSource, Given, SessionOptions, Settings, build};
use super::container::ContainerRunner;
use super::error::{Error, Result};
use super::host::{Host, OnHost};
use super::logs::{self, LogPlace, SavedLog};
use super::model::{BackendType, Origin, SessionState, SessionStatus, StopReport};
use super::spec::SessionConfig;
use super::tmux::TmuxRunner;
use super::validate::{Command, SessionName};

/// One named session and the backend that runs it.
///
/// ```no_run
/// use kstlib::ops::{BackendType, SessionManager, SessionOptions};
///
/// # fn main() -> Result<(), kstlib::ops::Error> {
/// // Ad hoc, as upstream's `SessionManager("astro", backend="tmux")`:
/// let astro = SessionManager::new(
///     "astro",
///     BackendType::Tmux,
///     SessionOptions::default()
///         .command("python astro_bot.py")
///         .working_dir("examples/ops"),
/// )?;
/// astro.start(SessionOptions::default())?;
/// println!("{}", astro.logs(20)?);
/// astro.stop(true, std::time::Duration::from_secs(10))?;
///
/// // Declared in kstlib.conf.yml, as `SessionManager.from_config("astro-dev")`:
/// let dev = SessionManager::from_config("astro-dev")?;
/// if !dev.is_running() {
///     dev.start(SessionOptions::default())?;
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct SessionManager {
    config: SessionConfig,
    backend: Box<dyn SessionBackend>,
}

impl SessionManager {
    /// An ad-hoc session: `name` on `backend` with `options`, checked now.
    pub fn new(name: &str, backend: BackendType, options: SessionOptions) -> Result<Self> {
        let name = SessionName::new(name)?;
        let mut settings = Settings::from_options(&options)?;
        settings.backend = Some(Given::new(backend));
        Self::with_config(build(&name, None, false, settings)?)
    }

    /// The session declared as `name` in the config files found the usual way
    /// (`KSTLIB_CONFIG`, else the search order); `SessionConfig` error if it is not there.
    pub fn from_config(name: &str) -> Result<Self> {
        let config = Config::load(&ConfigSource::from_env(None))?;
        Self::from_loaded_config(&config, name, Settings::default())
    }

    /// The session `name` from an already loaded config, with `overrides` on top; an
    /// undeclared name is an error.
    pub fn from_loaded_config(config: &Config, name: &str, overrides: Settings) -> Result<Self> {
        if !config.is_declared(name) {
            let declared: Vec<&str> = config.session_names().collect();
            return Err(Error::from(ConfigError::new(format!(
                "session '{name}' not found in config; declared sessions: {}",
                if declared.is_empty() {
                    "none".to_owned()
                } else {
                    declared.join(", ")
                }
            ))));
        }
        Self::resolved(config, &SessionName::new(name)?, overrides)
    }

    /// The session `name`, declared or not, as the CLI resolves it: the declared entry with
    /// `overrides`, or an ad-hoc session of `overrides` and the config's defaults.
    pub fn resolved(config: &Config, name: &SessionName, overrides: Settings) -> Result<Self> {
        Self::with_config(config.resolve(name, overrides)?)
    }

    /// A manager driving `config` through a backend of the caller's choice.
    pub fn with_backend(config: SessionConfig, backend: Box<dyn SessionBackend>) -> Self {
        SessionManager { config, backend }
    }

    pub(crate) fn with_config(config: SessionConfig) -> Result<Self> {
        let backend = backend_for(&config)?;
        Ok(SessionManager { config, backend })
    }

    /// The session name.
    pub fn name(&self) -> &str {
        self.config.name().as_str()
    }

    /// The backend type.
    pub fn backend(&self) -> BackendType {
        self.config.backend()
    }

    /// The validated configuration.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// Starts the session. `overrides` change this start only: set fields replace the
    /// stored ones, `env` is merged (overrides win), as upstream's `start(command, **kw)`.
    pub fn start(&self, overrides: SessionOptions) -> Result<SessionStatus> {
        if overrides == SessionOptions::default() {
            return self.backend.start(&self.config);
        }
        let top = Settings::from_options(&overrides)?;
        let settings = Settings::from(&self.config).overlay(top);
        let effective = build(
            self.config.name(),
            None,
            self.config.is_declared(),
            settings,
        )?;
        let same_place = effective.socket() == self.config.socket()
            && effective.tmux_binary() == self.config.tmux_binary()
            && effective.runtime() == self.config.runtime()
            && effective.host() == self.config.host();
        if same_place {
            self.backend.start(&effective)
        } else {
            backend_for(&effective)?.start(&effective)
        }
    }

    /// Stops the session: the stop signal, up to `timeout` of waiting, then a kill
    /// (`graceful = false` kills at once). Upstream's signature.
    pub fn stop(&self, graceful: bool, timeout: Duration) -> Result<StopReport> {
        self.stop_with(&StopOptions {
            graceful,
            timeout,
            ..StopOptions::default()
        })
    }

    /// Stops the session with every option.
    pub fn stop_with(&self, options: &StopOptions) -> Result<StopReport> {
        let mut options = *options;
        options.signal = options.signal.or(self.config.stop_signal());
        self.backend.stop(self.config.name(), &options)
    }

    /// Stops the session if it runs, then starts it again. A declared session starts from
    /// the config as it is now; another one runs again what it was started with.
    pub fn restart(&self, options: &StopOptions) -> Result<SessionStatus> {
        if self.config.is_declared() {
            match self.stop_with(options) {
                Ok(_) | Err(Error::SessionNotFound { .. }) => {}
                Err(err) => return Err(err),
            }
            return self.start(SessionOptions::default());
        }
        let mut options = *options;
        options.signal = options.signal.or(self.config.stop_signal());
        self.backend.restart(self.config.name(), &options)
    }

    /// Attaches the terminal; replaces the current process (see [`SessionBackend::attach`]).
    pub fn attach(&self) -> Result<()> {
        self.backend.attach(self.config.name())
    }

    /// The session's status. A declared session that does not exist is `defined`.
    pub fn status(&self) -> Result<SessionStatus> {
        match self.backend.status(self.config.name()) {
            Ok(mut status) => {
                if self.config.is_declared() {
                    status.origin = Origin::Config;
                }
                Ok(status)
            }
            Err(Error::SessionNotFound { .. }) if self.config.is_declared() => {
                Ok(defined_status(&self.config))
            }
            Err(err) => Err(err),
        }
    }

    /// The last `lines` lines of output.
    pub fn logs(&self, lines: usize) -> Result<String> {
        self.logs_with(&LogOptions {
            lines,
            ..LogOptions::default()
        })
    }

    /// The last lines of output, with every option.
    pub fn logs_with(&self, options: &LogOptions) -> Result<String> {
        self.backend.logs(self.config.name(), options)
    }

    /// [`Self::logs_with`] of the session as a lookup has just found it.
    pub(crate) fn logs_of_found(
        &self,
        found: &SessionStatus,
        options: &LogOptions,
    ) -> Result<String> {
        self.backend.logs_of_found(found, options)
    }

    /// The log the session left when it is not there (stopped and removed, its tmux
    /// server killed, the machine rebooted): its last lines as `options` ask, `None` when
    /// it left none.
    pub fn saved_logs(&self, options: &LogOptions) -> Result<Option<SavedLog>> {
        let host = Host::of(self.config.host());
        let (place, settings) = match (self.config.backend(), host.name()) {
            // Kept on the host: read there.
            (BackendType::Tmux, Some(_)) => {
                return TmuxRunner::for_session(&self.config)
                    .saved_log(self.config.name(), options)
                    .map_err(|err| host.qualify(err));
            }
            (BackendType::Tmux, None) => (
                LogPlace::Tmux(Some(self.config.socket().clone())),
                self.config.logs().clone(),
            ),
            (BackendType::Container, Some(name)) => (
                LogPlace::Container(self.config.runtime()),
                logs::paths::remote_container_settings(name, self.config.logs()),
            ),
            (BackendType::Container, None) => (
                LogPlace::Container(self.config.runtime()),
                self.config.logs().clone(),
            ),
        };
        Ok(logs::find_saved(
            &settings,
            self.config.name(),
            &[place],
            options,
        )?)
    }

    /// Writes the last lines, then new output as it comes, to `out`.
    pub fn follow(&self, options: &LogOptions, out: &mut dyn Write) -> Result<()> {
        self.backend.follow(self.config.name(), options, out)
    }

    /// Types `keys` into the session's program (tmux), then Enter if `enter`. Keys keep
    /// upstream's rules (no `;`, `|`, `$(…)`, …): they are typed into whatever shell runs
    /// in the pane.
    pub fn send_keys(&self, keys: &str, enter: bool) -> Result<()> {
        self.backend.send_keys(self.config.name(), keys, enter)
    }

    /// Replaces the current process with `command` run inside the session (containers),
    /// attached to this terminal; returns only on failure. The exit code is the command's.
    pub fn exec(&self, command: &Command) -> Result<()> {
        self.backend.exec(self.config.name(), command)
    }

    /// Whether the session exists on its backend, in any state.
    pub fn exists(&self) -> Result<bool> {
        self.backend.exists(self.config.name())
    }

    /// Whether the session's program is running; false on any error, as upstream.
    pub fn is_running(&self) -> bool {
        self.backend
            .status(self.config.name())
            .is_ok_and(|status| status.state == SessionState::Running)
    }
}

/// The status of a declared session that does not exist.
pub(crate) fn defined_status(config: &SessionConfig) -> SessionStatus {
    let mut status = SessionStatus::new(
        config.name().as_str(),
        SessionState::Defined,
        config.backend(),
    );
    status.origin = Origin::Config;
    status.image = config.image().map(ToString::to_string);
    if config.backend() == BackendType::Tmux {
        status.socket = Some(config.socket().clone());
    }
    status.runtime = config.runtime();
    status.host = config.host().name().map(str::to_owned);
    status
}

/// The backend that runs `config`, on its host.
pub(crate) fn backend_for(config: &SessionConfig) -> Result<Box<dyn SessionBackend>> {
    let host = Host::of(config.host());
    let backend: Box<dyn SessionBackend> = match config.backend() {
        BackendType::Tmux => Box::new(TmuxRunner::for_session(config)),
        BackendType::Container => {
            Box::new(ContainerRunner::for_session(config).map_err(|err| host.qualify(err))?)
        }
    };
    Ok(if host.is_remote() {
        Box::new(OnHost::new(host, backend))
    } else {
        backend
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::Path;
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::ops::backend::{LogOptions, SessionBackend, StopOptions};

    /// Records what it is asked to start; everything else is not needed here.
    #[derive(Debug, Default, Clone)]
    struct Recorder(Arc<Mutex<Vec<SessionConfig>>>);

    impl SessionBackend for Recorder {
        fn backend_type(&self) -> BackendType {
            BackendType::Tmux
        }
        fn start(&self, config: &SessionConfig) -> Result<SessionStatus> {
            if let Ok(mut started) = self.0.lock() {
                started.push(config.clone());
            }
            Ok(SessionStatus::new(
                config.name().as_str(),
                SessionState::Running,
                BackendType::Tmux,
            ))
        }
        fn stop(&self, name: &SessionName, _: &StopOptions) -> Result<StopReport> {
            Err(Error::SessionNotFound {
                name: name.to_string(),
                backend: None,
            })
        }
        fn restart(&self, name: &SessionName, _: &StopOptions) -> Result<SessionStatus> {
            Err(Error::SessionNotFound {
                name: name.to_string(),
                backend: None,
            })
        }
        fn attach(&self, _: &SessionName) -> Result<()> {
            Ok(())
        }
        fn status(&self, name: &SessionName) -> Result<SessionStatus> {
            Err(Error::SessionNotFound {
                name: name.to_string(),
                backend: None,
            })
        }
        fn logs(&self, _: &SessionName, _: &LogOptions) -> Result<String> {
            Ok(String::new())
        }
        fn follow(&self, _: &SessionName, _: &LogOptions, _: &mut dyn Write) -> Result<()> {
            Ok(())
        }
        fn list_sessions(&self) -> Result<Vec<SessionStatus>> {
            Ok(Vec::new())
        }
    }

    fn declared(yaml: &str) -> (SessionManager, Recorder) {
        let config = Config::from_yaml_str(yaml, Path::new("/etc/kstlib/kstlib.conf.yml"))
            .expect("valid config");
        let name = SessionName::new("bot").expect("valid name");
        let session = config
            .resolve(&name, Settings::default())
            .expect("valid session");
        let recorder = Recorder::default();
        (
            SessionManager::with_backend(session, Box::new(recorder.clone())),
            recorder,
        )
    }

    #[test]
    fn start_overrides_apply_on_top_of_the_declared_session() {
        let (bot, recorder) = declared(
            "ops:\n  sessions:\n    bot:\n      command: python bot.py\n      working_dir: bots\n      env: {A: '1', B: '2'}\n",
        );
        bot.start(SessionOptions::default().env("B", "override").env("C", "3"))
            .expect("starts");
        let started = recorder.0.lock().expect("lock");
        let config = &started[0];
        assert_eq!(
            config.command().map(Command::display).as_deref(),
            Some("python bot.py")
        );
        assert_eq!(config.working_dir(), Some(Path::new("/etc/kstlib/bots")));
        let env: Vec<(&str, &str)> = config.env().iter().map(|v| (v.key(), v.value())).collect();
        assert_eq!(env, [("A", "1"), ("B", "override"), ("C", "3")]);
        assert!(config.is_declared());
    }

    #[test]
    fn a_declared_session_that_is_not_there_is_defined() {
        let (bot, _) = declared("ops:\n  sessions:\n    bot: {image: 'app:1', backend: tmux}\n");
        let status = bot.status().expect("status");
        assert_eq!(status.state, SessionState::Defined);
        assert_eq!(status.origin, Origin::Config);
        assert_eq!(status.image.as_deref(), Some("app:1"));
    }
}
