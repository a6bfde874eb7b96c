//! Any text through every validator: an accepted value must print back to itself.
#![no_main]

use kstlib::ops::validate::{
    Command, EnvVar, Image, Port, SessionName, SocketName, StopSignal, Volume,
    validate_send_keys,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(name) = SessionName::new(text) {
        assert_eq!(name.as_str(), text);
    }
    if let Ok(image) = Image::new(text) {
        assert_eq!(image.to_string(), text);
    }
    if let Ok(command) = Command::parse(text) {
        assert!(!command.argv().is_empty());
        let _ = command.shell_syntax_hint();
        // What `display` quotes parses back to the same argv (quoting may make it longer
        // than a command may be).
        let shown = command.display();
        if shown.chars().count() <= kstlib::ops::validate::MAX_COMMAND_LENGTH {
            let again = Command::parse(&shown).expect("display parses");
            assert_eq!(again.argv(), command.argv());
        }
    }
    if let Ok(volume) = Volume::parse(text) {
        assert_eq!(Volume::parse(&volume.to_string()).ok(), Some(volume));
    }
    if let Ok(port) = Port::parse(text) {
        assert_eq!(Port::parse(&port.to_string()).ok(), Some(port));
    }
    let _ = EnvVar::parse_assignment(text);
    let _ = SocketName::new(text);
    let _ = StopSignal::parse(text);
    let _ = validate_send_keys(text);
});
