//! Any bytes as what tmux, Docker or Podman printed: every reader of backend output
//! (`list-sessions` rows, `capture-pane` screens, `container inspect` and `ps` JSON of both
//! runtimes, the stderr classifiers, the log line filter, the engines' logs frames and the
//! last-lines cut) may refuse it, and never panics; what they accept keeps their promises.
#![no_main]

use kstlib::ops::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first two bytes steer the options; the rest is the backend's output.
    let (flags, seed, payload) = match data {
        [flags, seed, payload @ ..] => (*flags, *seed, payload),
        _ => return,
    };
    let ansi = flags & 1 == 1;
    let skip = usize::from(flags >> 2);
    let text = String::from_utf8_lossy(payload);

    // tmux.
    let _ = fuzzing::tmux_rows(&text);
    let _ = fuzzing::tmux_stderr(&text);
    let screen = fuzzing::tmux_screen_lines(&text);
    assert!(screen.len() <= text.lines().count());
    assert!(screen.iter().all(|line| !line.contains('\n')));
    assert!(!screen.last().is_some_and(|line| fuzzing::is_blank(line)));

    // Docker and Podman: what parses must serialise, as `status --json` and `list --json` do.
    for statuses in [
        fuzzing::container_inspect(payload).unwrap_or_default(),
        fuzzing::podman_ps(payload).unwrap_or_default(),
        fuzzing::docker_ps(&text).unwrap_or_default(),
    ] {
        for status in statuses {
            serde_json::to_string(&status).expect("a status serialises");
        }
    }
    let stderr = fuzzing::runtime_stderr(&text);
    assert!(!stderr.complaint.line.is_empty());
    assert!(!stderr.complaint.line.contains('\n'));
    assert!(
        stderr
            .complaint
            .more
            .iter()
            .all(|line| !line.contains('\n'))
    );

    // The output arrives in pieces of any size (`logs --follow`, an engine's stream).
    let mut chunks = Vec::new();
    let mut rest = payload;
    let mut size = usize::from(seed % 17) + 1;
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        chunks.push(chunk);
        rest = tail;
        size = size * 7 % 23 + 1;
    }

    // An engine's logs stream, cut where the chunks above were: the same output (or the
    // same complaint) as the whole answer at once, never more bytes than came in, and raw
    // output passed through as it is.
    let framed = flags & 2 == 2;
    let (streamed, whole) = fuzzing::engine_logs(&chunks, framed);
    assert_eq!(streamed, whole);
    if let Ok(out) = &whole {
        assert!(out.len() <= payload.len());
        if !framed {
            assert_eq!(out.as_slice(), payload);
        }
    }

    // `logs`: exactly the last N lines.
    let n = usize::from(seed);
    let last = fuzzing::last_lines(&text, n, ansi);
    assert!(last.matches('\n').count() <= n);
    assert!(last.is_empty() || last.ends_with('\n'));

    // `logs --follow` of a container's output.
    let (followed, lines) = fuzzing::follow_lines(&chunks, ansi, skip);
    // One line out per line in (beyond the skipped ones), each ending in a newline.
    assert_eq!(
        followed.iter().filter(|&&byte| byte == b'\n').count(),
        lines.saturating_sub(skip)
    );
    assert!(followed.is_empty() || followed.ends_with(b"\n"));
    // However it is cut, even inside a character, the same lines come out.
    let whole = fuzzing::follow_lines(&[payload], ansi, skip).0;
    assert_eq!(followed, whole);
});
