//! The logs stream of an engine: raw bytes, or frames that each begin with an 8-byte header.
//!
//! Docker sends a container's output raw when it has a TTY and in frames otherwise (one
//! stream for stdout and stderr, each frame saying which and how long it is); Podman's
//! libpod endpoint sends frames even for a TTY. The answer's Content-Type does not say
//! which, so the caller says it ([`Frames::new`]), and a header that cannot be one is an
//! error rather than a guess. Frames are read as they come, cut anywhere.

use std::fmt;

/// A header: the stream (0 stdin, 1 stdout, 2 stderr, 3 the engine's own error), three
/// zero bytes, the payload's length as a big-endian `u32`.
const HEADER: usize = 8;

/// The stream decoder. Both streams come out as one, in the order they were written, as
/// the CLI's `logs` prints them.
#[derive(Debug)]
pub(crate) struct Frames {
    framed: bool,
    header: [u8; HEADER],
    /// How many bytes of `header` have arrived.
    have: usize,
    /// How many payload bytes of the current frame are still to come.
    left: u32,
}

/// Bytes that cannot be a frame header, or a stream that ends inside a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FrameError {
    /// A header whose stream byte or padding is wrong: the output was not framed.
    BadHeader([u8; HEADER]),
    /// The stream ended in the middle of a frame.
    Truncated,
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::BadHeader(header) => {
                write!(f, "the logs stream has a bad frame header {header:02x?}")
            }
            FrameError::Truncated => f.write_str("the logs stream ends inside a frame"),
        }
    }
}

impl Frames {
    /// A decoder for framed output, or for raw output (`framed: false`), passed as it is.
    pub(crate) fn new(framed: bool) -> Self {
        Frames {
            framed,
            header: [0; HEADER],
            have: 0,
            left: 0,
        }
    }

    /// Appends the output in `bytes` to `out`; `bytes` may end anywhere, even inside a
    /// header.
    pub(crate) fn feed(&mut self, mut bytes: &[u8], out: &mut Vec<u8>) -> Result<(), FrameError> {
        if !self.framed {
            out.extend_from_slice(bytes);
            return Ok(());
        }
        while !bytes.is_empty() {
            if self.left > 0 {
                let take = bytes.len().min(self.left as usize);
                out.extend_from_slice(&bytes[..take]);
                bytes = &bytes[take..];
                // `take` ≤ `left`, a u32.
                self.left -= u32::try_from(take).unwrap_or(self.left);
                continue;
            }
            let take = bytes.len().min(HEADER - self.have);
            self.header[self.have..self.have + take].copy_from_slice(&bytes[..take]);
            self.have += take;
            bytes = &bytes[take..];
            if self.have == HEADER {
                self.have = 0;
                let [stream, a, b, c, size @ ..] = self.header;
                if stream > 3 || [a, b, c] != [0, 0, 0] {
                    return Err(FrameError::BadHeader(self.header));
                }
                self.left = u32::from_be_bytes(size);
            }
        }
        Ok(())
    }

    /// Checks that the stream ended between two frames.
    pub(crate) fn finish(&self) -> Result<(), FrameError> {
        if self.framed && (self.have > 0 || self.left > 0) {
            Err(FrameError::Truncated)
        } else {
            Ok(())
        }
    }
}

/// The output of a whole logs answer.
pub(crate) fn decode(body: &[u8], framed: bool) -> Result<Vec<u8>, FrameError> {
    let mut frames = Frames::new(framed);
    let mut out = Vec::with_capacity(body.len());
    frames.feed(body, &mut out)?;
    frames.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn frame(stream: u8, payload: &[u8]) -> Vec<u8> {
        let mut bytes = vec![stream, 0, 0, 0];
        bytes.extend_from_slice(&u32::try_from(payload.len()).expect("small").to_be_bytes());
        bytes.extend_from_slice(payload);
        bytes
    }

    #[test]
    fn frames_of_both_streams_come_out_as_one_in_order() {
        let body = [
            frame(1, b"out 1\n"),
            frame(2, b"err\n"),
            frame(1, b"out 2\n"),
        ]
        .concat();
        assert_eq!(decode(&body, true).expect("framed"), b"out 1\nerr\nout 2\n");
        assert_eq!(
            decode(&body, false).expect("raw"),
            body,
            "raw is passed as it is"
        );
        assert_eq!(decode(b"", true).expect("empty"), b"");
    }

    #[test]
    fn raw_output_read_as_frames_is_an_error_not_garbage() {
        assert!(matches!(
            decode(b"hello world\n", true),
            Err(FrameError::BadHeader(_))
        ));
        let cut = &frame(1, b"abcdef")[..10];
        assert_eq!(decode(cut, true), Err(FrameError::Truncated));
        assert_eq!(decode(&[1, 0, 0], true), Err(FrameError::Truncated));
    }

    proptest! {
        #[test]
        fn frames_cut_anywhere_decode_the_same(
            payloads in proptest::collection::vec(
                (1u8..=2, proptest::collection::vec(any::<u8>(), 0..40)), 0..8),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..6),
        ) {
            let body: Vec<u8> = payloads.iter().flat_map(|(s, p)| frame(*s, p)).collect();
            let whole: Vec<u8> = payloads.iter().flat_map(|(_, p)| p.clone()).collect();
            let mut points: Vec<usize> = cuts.iter().map(|i| i.index(body.len() + 1)).collect();
            points.sort_unstable();
            let mut frames = Frames::new(true);
            let mut out = Vec::new();
            let mut start = 0;
            for point in points.into_iter().chain([body.len()]) {
                frames.feed(&body[start..point], &mut out).expect("valid frames");
                start = point;
            }
            frames.finish().expect("ends between frames");
            prop_assert_eq!(out, whole);
        }

        #[test]
        fn any_bytes_never_panic_and_never_grow(body in proptest::collection::vec(any::<u8>(), 0..200)) {
            if let Ok(out) = decode(&body, true) {
                prop_assert!(out.len() <= body.len());
            }
        }
    }
}
