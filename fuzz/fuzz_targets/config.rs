//! Any text as a kstlib.conf.yml: loading, checking and resolving it may fail with an
//! error that renders, and never panic.
#![no_main]

use std::path::Path;

use kstlib::ops::{Config, Overrides};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match Config::from_yaml_str(text, Path::new("/fuzz/kstlib.conf.yml")) {
        Ok(config) => {
            let _ = config.validate().map_err(|err| err.to_string());
            for name in config.session_names() {
                let _ = config.resolve(name, &Overrides::default());
            }
        }
        // Rendering the snippet must cope with any span in any text.
        Err(err) => {
            let _ = err.render(false);
            let _ = err.to_string();
        }
    }
});
