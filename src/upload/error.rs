use std::fmt;

use super::format::{ContainerFormat, ImageFormat};

/// An upload rejected by the client-side checks, before or while its bytes
/// were sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadError {
    /// The bytes are a disk-image container or an archive that UpCloud
    /// would store verbatim instead of importing.
    UnsupportedFormat { found: ContainerFormat },

    /// An explicit content type that the uploader does not decompress.
    UnsupportedContentType { content_type: String },

    /// An explicit gzip or xz content type on bytes that do not start with
    /// that format's magic number.
    ContentTypeMismatch { declared: ImageFormat },

    /// A source of zero bytes.
    EmptyImage,

    /// The (decompressed) image does not fit in the target storage.
    /// `exact` is false when `image_bytes` is only a lower bound.
    ImageTooLarge {
        image_bytes: u64,
        storage_bytes: u64,
        exact: bool,
    },

    /// Compressed data that cannot be decoded: truncated, corrupt, or using
    /// a feature the decoder does not support.
    CorruptImage { format: ImageFormat, detail: String },

    /// The uploader's response disagrees with the data computed locally.
    IntegrityMismatch(IntegrityMismatch),
}

/// The two sides of a failed integrity check. Digests are lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrityMismatch {
    pub expected_sha256: String,
    /// The uploader's digest as sent, or empty when it sent none.
    pub actual_sha256: String,
    pub expected_bytes: u64,
    pub actual_bytes: u64,
}

impl UploadError {
    /// Returns the error code JavaScript callers branch on.
    pub fn code(&self) -> &'static str {
        match self {
            UploadError::UnsupportedFormat { .. }
            | UploadError::UnsupportedContentType { .. }
            | UploadError::ContentTypeMismatch { .. }
            | UploadError::EmptyImage
            | UploadError::CorruptImage { .. } => "UNSUPPORTED_IMAGE_FORMAT",
            UploadError::ImageTooLarge { .. } => "IMAGE_TOO_LARGE",
            UploadError::IntegrityMismatch(_) => "INTEGRITY_MISMATCH",
        }
    }
}

impl fmt::Display for UploadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UploadError::UnsupportedFormat { found } => {
                write!(
                    f,
                    "the image is {}, which UpCloud cannot import; {}",
                    found.description(),
                    found.advice()
                )
            }
            UploadError::UnsupportedContentType { content_type } => write!(
                f,
                "content type {content_type:?} is not supported for uploads; use \
                 application/octet-stream (raw image), application/gzip or application/x-xz"
            ),
            UploadError::ContentTypeMismatch { declared } => write!(
                f,
                "content type {} was given, but the data does not start with the {} magic number; \
                 omit contentType to detect the format from the data",
                declared.content_type(),
                declared.name()
            ),
            UploadError::EmptyImage => {
                f.write_str("the image is empty (0 bytes); nothing to upload")
            }
            UploadError::ImageTooLarge {
                image_bytes,
                storage_bytes,
                exact,
            } => {
                let qualifier = if *exact { "" } else { "at least " };
                write!(
                    f,
                    "the image is {qualifier}{image_bytes} bytes uncompressed, larger than the \
                     target storage of {storage_bytes} bytes; resize the storage or use a smaller image"
                )
            }
            UploadError::CorruptImage { format, detail } => write!(
                f,
                "the {} data is invalid or truncated ({detail}); check the file, or send it \
                 uncompressed with contentType application/octet-stream",
                format.name()
            ),
            UploadError::IntegrityMismatch(mismatch) => mismatch.fmt(f),
        }
    }
}

impl fmt::Display for IntegrityMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.actual_sha256.is_empty() {
            return write!(
                f,
                "integrity check failed: the uploader reported no sha256sum (expected {})",
                self.expected_sha256
            );
        }
        write!(
            f,
            "integrity check failed: the uploader wrote {} bytes with sha256 {}, but the local data \
             is {} bytes with sha256 {}",
            self.actual_bytes, self.actual_sha256, self.expected_bytes, self.expected_sha256
        )
    }
}

impl std::error::Error for UploadError {}

impl From<UploadError> for crate::error::Error {
    fn from(error: UploadError) -> Self {
        crate::error::Error::new(error.code(), error.to_string())
    }
}
