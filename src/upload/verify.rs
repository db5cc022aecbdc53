//! The SHA-256 of the data UpCloud writes, computed while uploading.
//!
//! The uploader responds with the digest of what it wrote to the disk, which
//! for gzip and xz uploads is the decompressed data. So the verifier decodes
//! compressed input as it streams through and hashes the output; memory stays
//! bounded by the decoder's window (32 KiB for gzip, the dictionary for xz).

use std::io::{self, Write};

use flate2::write::MultiGzDecoder;
use sha2::{Digest, Sha256};
use xz4rust::{XzDecoder, XzError, XzNextBlockResult};

use super::error::{IntegrityMismatch, UploadError};
use super::format::ImageFormat;

/// The largest xz dictionary decoded: 64 MiB, what `xz -9` uses. Files made
/// with a larger custom dictionary are rejected rather than letting one
/// upload claim gigabytes of memory.
pub const XZ_MAX_DICT_BYTES: usize = 64 << 20;

const XZ_INITIAL_DICT_BYTES: usize = 1 << 20;
const XZ_OUTPUT_BUFFER_BYTES: usize = 64 << 10;

/// The verifier's result: what UpCloud should report having written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenData {
    pub sha256: [u8; 32],
    pub bytes: u64,
}

impl WrittenData {
    /// Returns the digest as lower-case hex, the uploader's notation.
    pub fn sha256_hex(&self) -> String {
        to_hex(&self.sha256)
    }

    /// Builds the result from a hex digest computed elsewhere (by the
    /// runtime's own SHA-256); `None` if `hex` is not 64 hex digits.
    pub fn from_hex(hex: &str, bytes: u64) -> Option<WrittenData> {
        let hex = hex.as_bytes();
        if hex.len() != 64 {
            return None;
        }
        let mut sha256 = [0u8; 32];
        for (byte, pair) in sha256.iter_mut().zip(hex.chunks(2)) {
            let text = std::str::from_utf8(pair).ok()?;
            *byte = u8::from_str_radix(text, 16).ok()?;
        }
        Some(WrittenData { sha256, bytes })
    }

    /// Compares with the uploader's response. Digests compare case-insensitively.
    pub fn check_against(
        &self,
        uploader_sha256: &str,
        uploader_bytes: u64,
    ) -> Result<(), UploadError> {
        let expected = self.sha256_hex();
        let actual = uploader_sha256.trim();
        if actual.eq_ignore_ascii_case(&expected) && uploader_bytes == self.bytes {
            return Ok(());
        }
        Err(UploadError::IntegrityMismatch(IntegrityMismatch {
            expected_sha256: expected,
            actual_sha256: actual.to_ascii_lowercase(),
            expected_bytes: self.bytes,
            actual_bytes: uploader_bytes,
        }))
    }
}

/// Hashes and counts the bytes UpCloud will write, and stops at a limit.
struct WrittenSink {
    hasher: Sha256,
    bytes: u64,
    limit: Option<u64>,
}

impl WrittenSink {
    fn absorb(&mut self, data: &[u8]) -> Result<(), UploadError> {
        self.bytes += data.len() as u64;
        if let Some(limit) = self.limit {
            if self.bytes > limit {
                return Err(UploadError::ImageTooLarge {
                    image_bytes: self.bytes,
                    storage_bytes: limit,
                    exact: false,
                });
            }
        }
        self.hasher.update(data);
        Ok(())
    }
}

/// Lets the gzip decoder write into the sink. A limit overflow travels
/// through `io::Error` and is recovered by [`GzipVerifier::map_error`].
struct GzipSink {
    sink: WrittenSink,
    overflow: Option<UploadError>,
}

impl Write for GzipSink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if let Err(error) = self.sink.absorb(data) {
            self.overflow = Some(error);
            return Err(io::Error::other("image exceeds the storage size"));
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct GzipVerifier {
    decoder: MultiGzDecoder<GzipSink>,
}

impl GzipVerifier {
    fn map_error(&mut self, error: io::Error) -> UploadError {
        match self.decoder.get_mut().overflow.take() {
            Some(overflow) => overflow,
            None => gzip_corrupt(&error),
        }
    }
}

struct XzVerifier {
    sink: WrittenSink,
    decoder: Box<XzDecoder<'static>>,
    output: Vec<u8>,
    /// Input the decoder could not take yet because it needs more at once.
    pending: Vec<u8>,
    /// Between streams: only zero padding or a new stream may follow.
    between_streams: bool,
    /// Zero bytes seen since the last stream ended.
    padding: u64,
    /// The last call filled the output buffer, so the decoder may hold
    /// more output even without more input.
    output_full: bool,
}

impl XzVerifier {
    fn update(&mut self, input: &[u8]) -> Result<(), UploadError> {
        if self.pending.is_empty() {
            return self.decode(input);
        }
        let mut joined = std::mem::take(&mut self.pending);
        joined.extend_from_slice(input);
        self.decode(&joined)
    }

    fn decode(&mut self, mut input: &[u8]) -> Result<(), UploadError> {
        loop {
            if self.between_streams {
                let zeros = input.iter().take_while(|&&b| b == 0).count();
                self.padding += zeros as u64;
                input = &input[zeros..];
                if input.is_empty() {
                    break;
                }
                if self.padding % 4 != 0 {
                    return Err(xz_corrupt("stream padding is not a multiple of four bytes"));
                }
                self.decoder.reset();
                self.between_streams = false;
                self.padding = 0;
            }
            if input.is_empty() && !self.output_full {
                break;
            }

            match self.decoder.decode(input, &mut self.output) {
                Ok(XzNextBlockResult::NeedMoreData(consumed, produced)) => {
                    self.sink.absorb(&self.output[..produced])?;
                    input = &input[consumed..];
                    self.output_full = produced == self.output.len();
                    if consumed == 0 && produced == 0 {
                        self.pending.extend_from_slice(input);
                        break;
                    }
                }
                Ok(XzNextBlockResult::EndOfStream(consumed, produced)) => {
                    self.sink.absorb(&self.output[..produced])?;
                    input = &input[consumed..];
                    self.output_full = false;
                    self.between_streams = true;
                }
                Err(XzError::NeedsLargerInputBuffer) => {
                    self.pending.extend_from_slice(input);
                    break;
                }
                Err(XzError::DictionaryTooLarge(bytes)) => {
                    return Err(xz_corrupt(&format!(
                        "the xz dictionary is {} MiB, above the {} MiB this client decodes; \
                         recompress with `xz -9` or lower, or upload with verify: false",
                        bytes >> 20,
                        XZ_MAX_DICT_BYTES >> 20
                    )));
                }
                Err(error) => return Err(xz_corrupt(&error.to_string())),
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<WrittenSink, UploadError> {
        // Drains output the decoder still holds. Input it kept waiting for
        // more means the file is truncated.
        let pending = std::mem::take(&mut self.pending);
        self.update(&pending)?;
        if !self.between_streams || !self.pending.is_empty() {
            return Err(xz_corrupt(
                "the file ends in the middle of a stream (truncated?)",
            ));
        }
        if self.padding % 4 != 0 {
            return Err(xz_corrupt("stream padding is not a multiple of four bytes"));
        }
        Ok(self.sink)
    }
}

enum Decoder {
    Raw(WrittenSink),
    Gzip(Box<GzipVerifier>),
    Xz(XzVerifier),
}

/// Streams an upload's bytes through decoding and SHA-256.
///
/// Feed every chunk in order with [`update`](Self::update), then call
/// [`finish`](Self::finish). With a `limit` (the storage size in bytes),
/// decoding stops with `IMAGE_TOO_LARGE` as soon as the output exceeds it,
/// which catches compressed images whose size could not be known upfront.
pub struct Verifier {
    format: ImageFormat,
    decoder: Decoder,
    /// The first error; every later call returns it again.
    failed: Option<UploadError>,
}

impl Verifier {
    pub fn new(format: ImageFormat, limit: Option<u64>) -> Self {
        let sink = WrittenSink {
            hasher: Sha256::new(),
            bytes: 0,
            limit,
        };
        let decoder = match format {
            ImageFormat::Raw => Decoder::Raw(sink),
            ImageFormat::Gzip => {
                let decoder = MultiGzDecoder::new(GzipSink {
                    sink,
                    overflow: None,
                });
                Decoder::Gzip(Box::new(GzipVerifier { decoder }))
            }
            ImageFormat::Xz => Decoder::Xz(XzVerifier {
                sink,
                decoder: XzDecoder::in_heap_with_alloc_dict_size(
                    XZ_INITIAL_DICT_BYTES,
                    XZ_MAX_DICT_BYTES,
                ),
                output: vec![0; XZ_OUTPUT_BUFFER_BYTES],
                pending: Vec::new(),
                between_streams: false,
                padding: 0,
                output_full: false,
            }),
        };
        Verifier {
            format,
            decoder,
            failed: None,
        }
    }

    pub fn format(&self) -> ImageFormat {
        self.format
    }

    /// Bytes of decoded output so far.
    pub fn written_bytes(&self) -> u64 {
        match &self.decoder {
            Decoder::Raw(sink) => sink.bytes,
            Decoder::Gzip(gzip) => gzip.decoder.get_ref().sink.bytes,
            Decoder::Xz(xz) => xz.sink.bytes,
        }
    }

    pub fn update(&mut self, chunk: &[u8]) -> Result<(), UploadError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let result = match &mut self.decoder {
            Decoder::Raw(sink) => sink.absorb(chunk),
            Decoder::Gzip(gzip) => match gzip.decoder.write_all(chunk) {
                Ok(()) => Ok(()),
                Err(error) => Err(gzip.map_error(error)),
            },
            Decoder::Xz(xz) => xz.update(chunk),
        };
        if let Err(error) = &result {
            self.failed = Some(error.clone());
        }
        result
    }

    /// Checks that the input ended cleanly and returns the written data's
    /// digest and length.
    pub fn finish(self) -> Result<WrittenData, UploadError> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        let sink = match self.decoder {
            Decoder::Raw(sink) => sink,
            Decoder::Gzip(mut gzip) => {
                if let Err(error) = gzip.decoder.try_finish() {
                    return Err(gzip.map_error(error));
                }
                match gzip.decoder.finish() {
                    Ok(sink) => sink.sink,
                    Err(error) => return Err(gzip_corrupt(&error)),
                }
            }
            Decoder::Xz(xz) => xz.finish()?,
        };
        Ok(WrittenData {
            sha256: sink.hasher.finalize().into(),
            bytes: sink.bytes,
        })
    }
}

fn gzip_corrupt(error: &io::Error) -> UploadError {
    UploadError::CorruptImage {
        format: ImageFormat::Gzip,
        detail: error.to_string(),
    }
}

fn xz_corrupt(detail: &str) -> UploadError {
    UploadError::CorruptImage {
        format: ImageFormat::Xz,
        detail: detail.to_owned(),
    }
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        hex.push(DIGITS[usize::from(byte >> 4)] as char);
        hex.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::testing::xz;
    use flate2::write::GzEncoder;
    use flate2::Compression;

    /// SHA-256 of 100 000 000 zero bytes, as UpCloud's uploader reported it.
    const ZEROS_1E8_SHA256: &str =
        "a993f8c574e0fea8c1cdcbcd9408d9e2e107ee6e4d120edcfa11decd53fa0cae";

    fn sample(len: usize) -> Vec<u8> {
        (0..len as u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 & 0x3f)
            .collect()
    }

    fn sha256_hex(data: &[u8]) -> String {
        to_hex(&Sha256::digest(data))
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    /// Feeds `input` in chunks of `chunk` bytes.
    fn verify(
        format: ImageFormat,
        input: &[u8],
        chunk: usize,
        limit: Option<u64>,
    ) -> Result<WrittenData, UploadError> {
        let mut verifier = Verifier::new(format, limit);
        for piece in input.chunks(chunk) {
            verifier.update(piece)?;
        }
        verifier.finish()
    }

    #[test]
    fn raw_matches_recorded_uploader_digest() {
        let mut verifier = Verifier::new(ImageFormat::Raw, None);
        let block = vec![0u8; 1 << 20];
        let mut left = 100_000_000usize;
        while left > 0 {
            let n = left.min(block.len());
            verifier.update(&block[..n]).unwrap();
            left -= n;
        }
        let written = verifier.finish().unwrap();
        assert_eq!(written.bytes, 100_000_000);
        assert_eq!(written.sha256_hex(), ZEROS_1E8_SHA256);
    }

    #[test]
    fn gzip_hashes_decompressed_bytes() {
        let data = sample(300_000);
        let compressed = gzip(&data);
        for chunk in [1, 7, 4096, compressed.len()] {
            let written = verify(ImageFormat::Gzip, &compressed, chunk, None).unwrap();
            assert_eq!(written.bytes, data.len() as u64, "chunk {chunk}");
            assert_eq!(written.sha256_hex(), sha256_hex(&data), "chunk {chunk}");
        }
    }

    #[test]
    fn gzip_multi_member_is_concatenated() {
        let mut compressed = gzip(b"first member, ");
        compressed.extend_from_slice(&gzip(b"second member"));
        let written = verify(ImageFormat::Gzip, &compressed, 5, None).unwrap();
        assert_eq!(
            written.sha256_hex(),
            sha256_hex(b"first member, second member")
        );
    }

    #[test]
    fn gzip_truncated_is_corrupt() {
        let compressed = gzip(&sample(100_000));
        let error = verify(
            ImageFormat::Gzip,
            &compressed[..compressed.len() - 6],
            1000,
            None,
        )
        .unwrap_err();
        assert!(
            matches!(
                error,
                UploadError::CorruptImage {
                    format: ImageFormat::Gzip,
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn gzip_damaged_crc_is_corrupt() {
        let mut compressed = gzip(&sample(10_000));
        let crc_at = compressed.len() - 8;
        compressed[crc_at] ^= 1;
        let error = verify(ImageFormat::Gzip, &compressed, 1000, None).unwrap_err();
        assert_eq!(error.code(), "UNSUPPORTED_IMAGE_FORMAT");
    }

    #[test]
    fn gzip_over_limit_is_too_large() {
        let compressed = gzip(&vec![0u8; 1 << 20]);
        let error = verify(ImageFormat::Gzip, &compressed, 4096, Some(100_000)).unwrap_err();
        assert!(
            matches!(
                error,
                UploadError::ImageTooLarge {
                    storage_bytes: 100_000,
                    exact: false,
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn raw_over_limit_is_too_large() {
        let error = verify(ImageFormat::Raw, &[0u8; 10], 4, Some(9)).unwrap_err();
        assert_eq!(
            error,
            UploadError::ImageTooLarge {
                image_bytes: 10,
                storage_bytes: 9,
                exact: false
            }
        );
    }

    #[test]
    fn error_repeats_after_failure() {
        let mut verifier = Verifier::new(ImageFormat::Gzip, None);
        let first = verifier.update(b"not gzip at all").unwrap_err();
        assert_eq!(verifier.update(b"more").unwrap_err(), first);
        assert_eq!(verifier.finish().unwrap_err(), first);
    }

    #[test]
    fn xz_hashes_decompressed_bytes() {
        let data = sample(2_000_000);
        let Some(compressed) = xz(&["-z", "-c", "-1", "--block-size=300KiB"], &data) else {
            eprintln!("skipping: the xz tool is not installed");
            return;
        };
        for chunk in [1, 13, 65_536, compressed.len()] {
            let written = verify(ImageFormat::Xz, &compressed, chunk, None).unwrap();
            assert_eq!(written.bytes, data.len() as u64, "chunk {chunk}");
            assert_eq!(written.sha256_hex(), sha256_hex(&data), "chunk {chunk}");
        }
    }

    #[test]
    fn xz_concatenated_streams_with_padding() {
        let Some(first) = xz(&["-z", "-c", "--check=sha256"], b"stream one; ") else {
            eprintln!("skipping: the xz tool is not installed");
            return;
        };
        let second = xz(&["-z", "-c", "--check=none"], b"stream two").unwrap();
        let mut file = first;
        file.extend_from_slice(&[0; 8]);
        file.extend_from_slice(&second);
        file.extend_from_slice(&[0; 4]);
        let written = verify(ImageFormat::Xz, &file, 3, None).unwrap();
        assert_eq!(written.sha256_hex(), sha256_hex(b"stream one; stream two"));
    }

    #[test]
    fn xz_bad_padding_is_corrupt() {
        let Some(mut file) = xz(&["-z", "-c"], b"abc") else {
            eprintln!("skipping: the xz tool is not installed");
            return;
        };
        file.extend_from_slice(&[0; 3]);
        let error = verify(ImageFormat::Xz, &file, 64, None).unwrap_err();
        assert!(error.to_string().contains("padding"), "{error}");
    }

    #[test]
    fn xz_truncated_is_corrupt() {
        let Some(file) = xz(&["-z", "-c"], &sample(50_000)) else {
            eprintln!("skipping: the xz tool is not installed");
            return;
        };
        for cut in [1, 12, file.len() / 2] {
            let error = verify(ImageFormat::Xz, &file[..file.len() - cut], 1000, None).unwrap_err();
            assert!(
                matches!(
                    error,
                    UploadError::CorruptImage {
                        format: ImageFormat::Xz,
                        ..
                    }
                ),
                "cut {cut}: {error:?}"
            );
        }
    }

    #[test]
    fn xz_over_limit_is_too_large() {
        let Some(file) = xz(&["-z", "-c", "-0"], &vec![0u8; 1 << 20]) else {
            eprintln!("skipping: the xz tool is not installed");
            return;
        };
        let error = verify(ImageFormat::Xz, &file, 4096, Some(1000)).unwrap_err();
        assert_eq!(error.code(), "IMAGE_TOO_LARGE");
    }

    #[test]
    fn xz_oversized_dictionary_is_rejected() {
        // The block header's LZMA2 property byte sets the dictionary; 36
        // means 1 GiB. Patch it and its CRC in a real file.
        let Some(mut file) = xz(&["-z", "-c", "-0"], b"tiny") else {
            eprintln!("skipping: the xz tool is not installed");
            return;
        };
        let header_len = (usize::from(file[12]) + 1) * 4;
        let header = 12..12 + header_len;
        let filter = file[header.clone()]
            .windows(2)
            .position(|pair| pair == [0x21, 0x01])
            .expect("an LZMA2 filter");
        file[header.start + filter + 2] = 36;
        let crc = crc32fast::hash(&file[header.start..header.end - 4]);
        file[header.end - 4..header.end].copy_from_slice(&crc.to_le_bytes());
        let error = verify(ImageFormat::Xz, &file, 1024, None).unwrap_err();
        assert!(error.to_string().contains("verify: false"), "{error}");
    }

    #[test]
    fn from_hex_round_trips() {
        let written = verify(ImageFormat::Raw, b"abc", 3, None).unwrap();
        let parsed = WrittenData::from_hex(&written.sha256_hex().to_ascii_uppercase(), 3).unwrap();
        assert_eq!(parsed, written);
        assert_eq!(WrittenData::from_hex("abc", 3), None);
        assert_eq!(WrittenData::from_hex(&"zz".repeat(32), 3), None);
    }

    #[test]
    fn check_accepts_uppercase_digest() {
        let written = verify(ImageFormat::Raw, b"abc", 3, None).unwrap();
        let upper = written.sha256_hex().to_ascii_uppercase();
        assert_eq!(written.check_against(&upper, 3), Ok(()));
    }

    #[test]
    fn check_names_both_digests() {
        let written = verify(ImageFormat::Raw, b"abc", 3, None).unwrap();
        let other = sha256_hex(b"abd");
        let error = written.check_against(&other, 3).unwrap_err();
        assert_eq!(error.code(), "INTEGRITY_MISMATCH");
        let message = error.to_string();
        assert!(message.contains(&other), "{message}");
        assert!(message.contains(&written.sha256_hex()), "{message}");
    }

    #[test]
    fn check_rejects_byte_count_mismatch() {
        let written = verify(ImageFormat::Raw, b"abc", 3, None).unwrap();
        let error = written.check_against(&written.sha256_hex(), 4).unwrap_err();
        assert!(error.to_string().contains("wrote 4 bytes"), "{error}");
    }

    #[test]
    fn check_rejects_missing_digest() {
        let written = verify(ImageFormat::Raw, b"abc", 3, None).unwrap();
        let error = written.check_against("", 3).unwrap_err();
        assert!(error.to_string().contains("no sha256sum"), "{error}");
    }
}
