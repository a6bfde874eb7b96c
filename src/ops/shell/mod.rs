//! What kstlib sends to a remote shell, as text: the one function that quotes an argv for
//! it ([`quote`], `quote.rs`) and the few scripts kstlib runs there ([`Script`], constants
//! of its source whose data only ever travel as arguments, `script.rs`).
//!
//! Text only: running it is `host`'s job. Kept apart so that what builds shell text (the
//! log writer tmux runs on a remote host, too) needs nothing of the machinery that runs it.

mod quote;
mod script;

pub(crate) use quote::{quote, remote_words};
pub(crate) use script::Script;
