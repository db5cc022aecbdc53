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
