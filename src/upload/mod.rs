//! Disk-image uploads, the pure part: format detection, the size check, the
//! streaming integrity verifier and progress accounting. Nothing here does
//! I/O, so it runs and is tested natively; `transport::upload` reads the
//! file and sends it.

pub mod error;
pub mod format;
pub mod progress;
pub mod size;
pub mod verify;

pub use error::{IntegrityMismatch, UploadError};
pub use format::{detect_format, ContainerFormat, ImageFormat, HEAD_LEN, TAIL_LEN};
pub use progress::{Phase, ProgressEvent, ProgressTracker};
pub use size::{
    check_fits, gzip_size_from_trailer, size_from_length, UncompressedSize, XzScanStep, XzSizeScan,
    GIB,
};
pub use verify::{Verifier, WrittenData};

/// Bytes read from the source at a time to hash and, on the stream path, to
/// send. It is large enough that per-chunk overhead (a `Blob.slice` read, a
/// copy into wasm memory) is small next to hashing the chunk, and small
/// enough that wasm memory stays a few MiB.
pub const READ_CHUNK_BYTES: u64 = 2 << 20;

#[cfg(test)]
pub(crate) mod testing {
    use std::io::Write;

    /// Runs the system's `xz` with `args` on `input` and returns its output,
    /// or `None` when `xz` is not installed or fails. Tests that need it skip
    /// themselves on `None`.
    pub(crate) fn xz(args: &[&str], input: &[u8]) -> Option<Vec<u8>> {
        let mut child = std::process::Command::new("xz")
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .ok()?;
        let mut stdin = child.stdin.take()?;
        let input = input.to_vec();
        // Written from another thread, so a large input cannot fill the
        // pipe while xz waits for its output to be read.
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let output = child.wait_with_output().ok()?;
        writer.join().ok()?.ok()?;
        output.status.success().then_some(output.stdout)
    }
}
