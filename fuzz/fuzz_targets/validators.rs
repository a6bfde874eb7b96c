//! Any text through every validator: an accepted value must print back to itself, and a
//! refusal is one line a terminal cannot be attacked with (no control, bidi or zero-width
//! character raw: the value is shown escaped).
#![no_main]

use std::path::Path;

use kstlib::ops::logs::parse_since;
use kstlib::ops::sanitize::is_unsafe;
use kstlib::ops::validate::{
    self, Command, EnvVar, Image, Port, SessionName, SocketName, StopSignal, ValidationError,
    Volume, validate_send_keys,
};
use libfuzzer_sys::fuzz_target;

/// What the user would read: the error's message, which must be safe to print.
fn shown<T>(result: Result<T, ValidationError>) -> Option<T> {
    result
        .map_err(|err| {
            let message = err.to_string();
            assert!(
                !message.chars().any(is_unsafe),
                "a raw control, bidi or zero-width character in {message:?}"
            );
        })
        .ok()
}

fuzz_target!(|text: &str| {
    if let Some(name) = shown(SessionName::new(text)) {
        assert_eq!(name.as_str(), text);
    }
    if let Some(image) = shown(Image::new(text)) {
        assert_eq!(image.to_string(), text);
    }
    if let Some(command) = shown(Command::parse(text)) {
        assert!(!command.argv().is_empty());
        let _ = command.shell_syntax_hint();
        // What `display` quotes parses back to the same argv (quoting may make it longer
        // than a command may be).
        let display = command.display();
        if display.chars().count() <= kstlib::ops::validate::MAX_COMMAND_LENGTH {
            let again = Command::parse(&display).expect("display parses");
            assert_eq!(again.argv(), command.argv());
        }
    }
    if let Some(volume) = shown(Volume::parse(text)) {
        assert_eq!(Volume::parse(&volume.to_string()).ok(), Some(volume));
    }
    if let Some(port) = shown(Port::parse(text)) {
        assert_eq!(Port::parse(&port.to_string()).ok(), Some(port));
    }
    let _ = shown(EnvVar::parse_assignment(text));
    let _ = shown(SocketName::new(text));
    let _ = shown(StopSignal::parse(text));
    let _ = shown(validate_send_keys(text));
    let _ = shown(validate::seconds("timeout", text));
    let _ = shown(validate::byte_size("log_max_size", text));
    let _ = shown(validate::check_path_text("working_dir", text));
    let _ = shown(validate::check_socket_path(Path::new(text)));
    // --since, counted back from a fixed moment so that a run can be repeated.
    let now = jiff::Timestamp::from_second(1_800_000_000).expect("a time");
    let _ = shown(parse_since(text, now));
});
