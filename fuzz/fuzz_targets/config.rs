//! Any text as a kstlib.conf.yml: loading, checking and resolving it may fail with errors
//! that render, and never panic.
#![no_main]

use std::path::Path;

use kstlib::ops::sanitize::is_unsafe;
use kstlib::ops::validate::SessionName;
use kstlib::ops::{BackendType, Config, Settings, config::Given};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match Config::from_yaml_str(text, Path::new("/fuzz/kstlib.conf.yml")) {
        Ok(config) => {
            // Every error of the file renders, both ways.
            for err in config.errors() {
                let _ = (err.to_string(), err.headline());
                assert_safe(&err.render(false));
            }
            for declared in config.declared() {
                let Ok(name) = SessionName::new(declared.name()) else {
                    continue;
                };
                let _ = config.resolve(&name, Settings::default());
                // The command line switching the backend, as `--backend` does.
                for backend in BackendType::ALL {
                    let top = Settings {
                        backend: Some(Given::new(backend)),
                        ..Settings::default()
                    };
                    let _ = config.left_out(declared, &top);
                    let _ = config.resolve(&name, top);
                }
            }
        }
        // Rendering the snippet must cope with any span in any text.
        Err(err) => {
            assert_safe(&err.render(false));
            let _ = err.to_string();
        }
    }
});

/// A rendered error reaches the terminal: apart from its own line breaks, nothing in it
/// may be a control, bidi or zero-width character, whatever the file held.
fn assert_safe(rendered: &str) {
    assert!(
        !rendered.chars().any(|c| c != '\n' && is_unsafe(c)),
        "a raw control, bidi or zero-width character in {rendered:?}"
    );
}
