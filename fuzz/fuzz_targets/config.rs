//! Any text as a kstlib.conf.yml: loading and resolving it may fail, never panic.
#![no_main]

use std::path::Path;

use kstlib::ops::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(config) = Config::from_yaml_str(text, Path::new("/fuzz/kstlib.conf.yml")) {
        let _ = config.validate();
        let _ = config.sessions();
        if let Some(err) = config.validate().err() {
            let _ = err.to_string();
        }
    } else if let Err(err) = Config::from_yaml_str(text, Path::new("/fuzz/kstlib.conf.yml")) {
        // Rendering the snippet must cope with any span.
        let _ = err.render(false);
    }
});
