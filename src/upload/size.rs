//! The uncompressed size of an image, from the least data that reveals it.
//!
//! UpCloud writes the decompressed data into the storage, so the size check
//! must use the uncompressed size. How much of it is knowable without
//! decoding the whole file depends on the format:
//! - raw: the file size, exactly;
//! - gzip: the last four bytes (ISIZE) hold the last member's size modulo
//!   2^32, which is only a lower bound: the true size may be larger by any
//!   multiple of 4 GiB, and earlier members of a multi-member file add to it;
//! - xz: the index at the end of each stream lists every block's uncompressed
//!   size, so the size is exact; [`XzSizeScan`] reads it.

use super::error::UploadError;
use super::format::ImageFormat;

/// Bytes in one GiB, the unit of UpCloud storage sizes.
pub const GIB: u64 = 1 << 30;

/// The knowledge of the uncompressed size before uploading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UncompressedSize {
    Exact(u64),
    AtLeast(u64),
    Unknown,
}

/// Rejects an image that cannot fit in a storage of `storage_bytes`.
///
/// Only a size known to be too large is rejected; an unknown size passes,
/// and the streaming verifier enforces the limit while uploading.
pub fn check_fits(size: UncompressedSize, storage_bytes: u64) -> Result<(), UploadError> {
    let (image_bytes, exact) = match size {
        UncompressedSize::Exact(bytes) => (bytes, true),
        UncompressedSize::AtLeast(bytes) => (bytes, false),
        UncompressedSize::Unknown => return Ok(()),
    };
    if image_bytes > storage_bytes {
        return Err(UploadError::ImageTooLarge {
            image_bytes,
            storage_bytes,
            exact,
        });
    }
    Ok(())
}

/// Deflate cannot expand data by more than about 1032:1, so a gzip member
/// of `n` compressed bytes holds at most this many times `n` bytes.
const DEFLATE_MAX_RATIO: u64 = 1032;

/// The fixed gzip header (10 bytes) plus the CRC-32 and ISIZE trailer (8).
const GZIP_FRAME_LEN: u64 = 18;

/// Returns the uncompressed-size bound given by a gzip file's last four
/// bytes (ISIZE, the size modulo 2^32), or `Unknown` when those bytes are
/// not credible evidence: `head` is not a deflate gzip header with valid
/// flags, or ISIZE is more than deflate could expand `file_len` bytes to.
/// Data that only starts like gzip then gets no pre-check, and the
/// streaming verifier judges it while uploading.
pub fn gzip_size_from_trailer(head: &[u8], trailer: &[u8], file_len: u64) -> UncompressedSize {
    // Method 8 (deflate) is the only one defined; the top three flag bits
    // are reserved and must be zero.
    let header_ok = head.len() >= 4 && head[2] == 8 && head[3] & 0xe0 == 0;
    let Ok(isize) = <[u8; 4]>::try_from(trailer) else {
        return UncompressedSize::Unknown;
    };
    let isize = u64::from(u32::from_le_bytes(isize));
    let deflate_len = file_len.saturating_sub(GZIP_FRAME_LEN);
    if !header_ok || file_len < GZIP_FRAME_LEN || isize > deflate_len.saturating_mul(DEFLATE_MAX_RATIO) {
        return UncompressedSize::Unknown;
    }
    UncompressedSize::AtLeast(isize)
}

/// Returns the size known from the file length alone; gzip and xz need more reads.
pub fn size_from_length(format: ImageFormat, file_len: u64) -> UncompressedSize {
    match format {
        ImageFormat::Raw => UncompressedSize::Exact(file_len),
        ImageFormat::Gzip | ImageFormat::Xz => UncompressedSize::Unknown,
    }
}

const XZ_FOOTER_LEN: u64 = 12;
const XZ_HEADER_LEN: u64 = 12;
const XZ_FOOTER_MAGIC: &[u8] = b"YZ";

/// The maximum bytes read at once to find a footer behind stream padding.
const XZ_FOOTER_WINDOW: u64 = 4096;

/// Indexes larger than this are not read; the size is then unknown. One MiB
/// holds at least 50 000 block records, far more than any image has.
const XZ_MAX_INDEX_LEN: u64 = 1 << 20;

/// Concatenated streams walked before giving up with an unknown size.
const XZ_MAX_STREAMS: u32 = 64;

/// A byte range of the file that the scan needs next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub offset: u64,
    pub len: u64,
}

/// The next step of an [`XzSizeScan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XzScanStep {
    /// Read this range and pass its bytes to [`XzSizeScan::supply`].
    Read(ByteRange),
    Done(UncompressedSize),
}

#[derive(Debug, Clone, Copy)]
enum XzScanState {
    /// Looking for a stream footer that ends at or before `end`, behind any
    /// stream padding.
    Footer {
        end: u64,
    },
    /// Reading the index that occupies `range`, just before a footer.
    Index {
        range: ByteRange,
    },
    Done(UncompressedSize),
}

/// Sums the uncompressed sizes in the indexes of an xz file, stream by
/// stream from the end, reading only the footers and indexes.
///
/// It is driven from outside so that the reads can be asynchronous (slices
/// of a `Blob`): call [`next_step`](Self::next_step), read the range it
/// names, pass the bytes to [`supply`](Self::supply), and repeat until
/// [`XzScanStep::Done`].
#[derive(Debug, Clone)]
pub struct XzSizeScan {
    state: XzScanState,
    total: u64,
    streams: u32,
}

impl XzSizeScan {
    pub fn new(file_len: u64) -> Self {
        XzSizeScan {
            state: XzScanState::Footer { end: file_len },
            total: 0,
            streams: 0,
        }
    }

    pub fn next_step(&self) -> XzScanStep {
        match self.state {
            XzScanState::Footer { end } => {
                let len = end.min(XZ_FOOTER_WINDOW);
                XzScanStep::Read(ByteRange {
                    offset: end - len,
                    len,
                })
            }
            XzScanState::Index { range } => XzScanStep::Read(range),
            XzScanState::Done(size) => XzScanStep::Done(size),
        }
    }

    /// Takes the bytes of the range the last [`next_step`](Self::next_step)
    /// named. Fails when the file is not a well-formed xz file.
    pub fn supply(&mut self, bytes: &[u8]) -> Result<(), UploadError> {
        let state = match self.state {
            XzScanState::Footer { end } => self.read_footer(end, bytes)?,
            XzScanState::Index { range } => self.read_index(range, bytes)?,
            XzScanState::Done(_) => return Ok(()),
        };
        self.state = state;
        Ok(())
    }

    fn read_footer(&mut self, end: u64, window: &[u8]) -> Result<XzScanState, UploadError> {
        let expected_len = end.min(XZ_FOOTER_WINDOW);
        if window.len() as u64 != expected_len {
            return Err(corrupt("short read at the end of the file"));
        }

        // Stream padding is a multiple of four zero bytes.
        let mut footer_end = window.len();
        while footer_end >= 4 && window[footer_end - 4..footer_end] == [0, 0, 0, 0] {
            footer_end -= 4;
        }
        if footer_end < XZ_FOOTER_LEN as usize {
            if footer_end == 0 && window.len() as u64 == XZ_FOOTER_WINDOW {
                // More padding than one window holds: legal but absurd.
                return Ok(XzScanState::Done(UncompressedSize::Unknown));
            }
            return Err(corrupt("no stream footer at the end of the file"));
        }

        let footer = &window[footer_end - XZ_FOOTER_LEN as usize..footer_end];
        if &footer[10..12] != XZ_FOOTER_MAGIC {
            return Err(corrupt(
                "no stream footer at the end of the file (truncated download?)",
            ));
        }
        let stored_crc = u32::from_le_bytes([footer[0], footer[1], footer[2], footer[3]]);
        if crc32fast::hash(&footer[4..10]) != stored_crc {
            return Err(corrupt("stream footer checksum mismatch"));
        }

        let backward_size = (u64::from(u32::from_le_bytes([
            footer[4], footer[5], footer[6], footer[7],
        ])) + 1)
            * 4;
        let footer_start = end - (window.len() - footer_end) as u64 - XZ_FOOTER_LEN;
        if backward_size > XZ_MAX_INDEX_LEN {
            return Ok(XzScanState::Done(UncompressedSize::Unknown));
        }
        let Some(index_start) = footer_start.checked_sub(backward_size) else {
            return Err(corrupt("index size in the stream footer exceeds the file"));
        };
        Ok(XzScanState::Index {
            range: ByteRange {
                offset: index_start,
                len: backward_size,
            },
        })
    }

    fn read_index(&mut self, range: ByteRange, index: &[u8]) -> Result<XzScanState, UploadError> {
        if index.len() as u64 != range.len {
            return Err(corrupt("short read of the index"));
        }
        let summary = parse_index(index)?;

        self.streams += 1;
        self.total = self
            .total
            .checked_add(summary.uncompressed)
            .ok_or_else(|| corrupt("index sizes overflow"))?;

        let stream_start = range
            .offset
            .checked_sub(summary.blocks_len)
            .and_then(|start| start.checked_sub(XZ_HEADER_LEN))
            .ok_or_else(|| corrupt("index lists more data than the file has"))?;
        if stream_start == 0 {
            return Ok(XzScanState::Done(UncompressedSize::Exact(self.total)));
        }
        if self.streams >= XZ_MAX_STREAMS {
            return Ok(XzScanState::Done(UncompressedSize::AtLeast(self.total)));
        }
        Ok(XzScanState::Footer { end: stream_start })
    }
}

struct IndexSummary {
    uncompressed: u64,
    /// Bytes taken by the blocks, each padded to a multiple of four.
    blocks_len: u64,
}

fn parse_index(index: &[u8]) -> Result<IndexSummary, UploadError> {
    if index.len() < 8 || index[0] != 0 {
        return Err(corrupt("no index where the stream footer points"));
    }
    let (body, crc) = index.split_at(index.len() - 4);
    if crc32fast::hash(body) != u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]) {
        return Err(corrupt("index checksum mismatch"));
    }

    let mut cursor = VliCursor {
        bytes: body,
        pos: 1,
    };
    let records = cursor.next()?;
    let mut uncompressed = 0u64;
    let mut blocks_len = 0u64;
    for _ in 0..records {
        let unpadded = cursor.next()?;
        let size = cursor.next()?;
        if unpadded == 0 {
            return Err(corrupt("index record with an empty block"));
        }
        let padded = unpadded
            .checked_add(3)
            .map(|n| n & !3)
            .ok_or_else(|| corrupt("index sizes overflow"))?;
        blocks_len = blocks_len
            .checked_add(padded)
            .ok_or_else(|| corrupt("index sizes overflow"))?;
        uncompressed = uncompressed
            .checked_add(size)
            .ok_or_else(|| corrupt("index sizes overflow"))?;
    }

    // What follows the records is padding to a multiple of four bytes.
    let padding = &body[cursor.pos..];
    if body.len() % 4 != 0 || padding.len() > 3 || padding.iter().any(|&b| b != 0) {
        return Err(corrupt("index has trailing data or bad padding"));
    }
    Ok(IndexSummary {
        uncompressed,
        blocks_len,
    })
}

/// Reads xz's variable-length integers: seven bits a byte, low bits first.
struct VliCursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl VliCursor<'_> {
    fn next(&mut self) -> Result<u64, UploadError> {
        let mut value = 0u64;
        for i in 0..9 {
            let byte = *self
                .bytes
                .get(self.pos)
                .ok_or_else(|| corrupt("index ends inside a record"))?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                if byte == 0 && i > 0 {
                    return Err(corrupt("index has a non-minimal integer"));
                }
                return Ok(value);
            }
        }
        Err(corrupt("index has an integer longer than nine bytes"))
    }
}

fn corrupt(detail: &str) -> UploadError {
    UploadError::CorruptImage {
        format: ImageFormat::Xz,
        detail: detail.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::testing::xz;

    /// Runs a scan over an in-memory file.
    fn scan(file: &[u8]) -> Result<UncompressedSize, UploadError> {
        let mut scan = XzSizeScan::new(file.len() as u64);
        for _ in 0..200 {
            match scan.next_step() {
                XzScanStep::Done(size) => return Ok(size),
                XzScanStep::Read(range) => {
                    let start = range.offset as usize;
                    scan.supply(&file[start..start + range.len as usize])?;
                }
            }
        }
        panic!("scan did not finish");
    }

    /// Builds a single-stream xz file by hand: one block holding `data` as an
    /// uncompressed LZMA2 chunk, CRC32 check. Needs no xz binary.
    fn tiny_xz(data: &[u8]) -> Vec<u8> {
        let mut file = Vec::new();
        let flags = [0u8, 1];
        file.extend_from_slice(b"\xfd7zXZ\0");
        file.extend_from_slice(&flags);
        file.extend_from_slice(&crc32fast::hash(&flags).to_le_bytes());

        let block_start = file.len();
        let header = [0x02u8, 0x00, 0x21, 0x01, 0x08, 0x00, 0x00, 0x00];
        file.extend_from_slice(&header);
        file.extend_from_slice(&crc32fast::hash(&header).to_le_bytes());
        let len_minus_one = (data.len() - 1) as u16;
        file.push(0x01);
        file.extend_from_slice(&len_minus_one.to_be_bytes());
        file.extend_from_slice(data);
        file.push(0x00);
        let unpadded = file.len() - block_start;
        while (file.len() - block_start) % 4 != 0 {
            file.push(0);
        }
        file.extend_from_slice(&crc32fast::hash(data).to_le_bytes());
        let unpadded = unpadded + 4;

        let mut index = vec![0x00, 0x01];
        push_vli(&mut index, unpadded as u64);
        push_vli(&mut index, data.len() as u64);
        while index.len() % 4 != 0 {
            index.push(0);
        }
        let index_crc = crc32fast::hash(&index);
        index.extend_from_slice(&index_crc.to_le_bytes());
        file.extend_from_slice(&index);

        let mut footer_body = Vec::new();
        footer_body.extend_from_slice(&((index.len() / 4 - 1) as u32).to_le_bytes());
        footer_body.extend_from_slice(&flags);
        file.extend_from_slice(&crc32fast::hash(&footer_body).to_le_bytes());
        file.extend_from_slice(&footer_body);
        file.extend_from_slice(b"YZ");
        file
    }

    fn push_vli(out: &mut Vec<u8>, mut value: u64) {
        while value >= 0x80 {
            out.push((value as u8) | 0x80);
            value >>= 7;
        }
        out.push(value as u8);
    }

    #[test]
    fn raw_size_is_file_length() {
        let five_gib = 5 * GIB;
        assert_eq!(
            size_from_length(ImageFormat::Raw, five_gib),
            UncompressedSize::Exact(five_gib)
        );
        assert_eq!(
            size_from_length(ImageFormat::Gzip, 10),
            UncompressedSize::Unknown
        );
    }

    #[test]
    fn fits_when_equal_to_storage() {
        assert_eq!(
            check_fits(UncompressedSize::Exact(10 * GIB), 10 * GIB),
            Ok(())
        );
    }

    #[test]
    fn too_large_reports_both_sizes() {
        let result = check_fits(UncompressedSize::Exact(10 * GIB + 1), 10 * GIB);
        let error = result.unwrap_err();
        assert_eq!(
            error,
            UploadError::ImageTooLarge {
                image_bytes: 10 * GIB + 1,
                storage_bytes: 10 * GIB,
                exact: true
            }
        );
        let message = error.to_string();
        assert!(message.contains("10737418241 bytes"), "{message}");
        assert!(message.contains("10737418240 bytes"), "{message}");
    }

    #[test]
    fn lower_bound_too_large_says_at_least() {
        let error = check_fits(UncompressedSize::AtLeast(3 * GIB), GIB).unwrap_err();
        assert!(
            error.to_string().contains("at least 3221225472 bytes"),
            "{error}"
        );
    }

    #[test]
    fn unknown_size_passes() {
        assert_eq!(check_fits(UncompressedSize::Unknown, 0), Ok(()));
    }

    #[test]
    fn gzip_trailer_is_lower_bound() {
        const HEAD: &[u8] = &[0x1f, 0x8b, 8, 0];
        assert_eq!(
            gzip_size_from_trailer(HEAD, &[0x00, 0x00, 0x10, 0x00], 1 << 20),
            UncompressedSize::AtLeast(1 << 20)
        );
        assert_eq!(
            gzip_size_from_trailer(HEAD, &[0xff, 0xff, 0xff, 0xff], 1 << 30),
            UncompressedSize::AtLeast(u64::from(u32::MAX))
        );
        assert_eq!(gzip_size_from_trailer(HEAD, &[1, 2], 100), UncompressedSize::Unknown);
    }

    #[test]
    fn gzip_trailer_larger_than_deflate_allows_is_not_evidence() {
        const HEAD: &[u8] = &[0x1f, 0x8b, 8, 0];
        // "AAAA" read as ISIZE: 1 094 795 585 bytes from a 4 KiB file.
        assert_eq!(
            gzip_size_from_trailer(HEAD, b"AAAA", 4096),
            UncompressedSize::Unknown
        );
        assert_eq!(gzip_size_from_trailer(HEAD, &[0, 0, 0, 0], 10), UncompressedSize::Unknown);
        // Exactly at the ratio limit is still credible.
        let limit = (4096 - 18) * 1032u32;
        assert_eq!(
            gzip_size_from_trailer(HEAD, &limit.to_le_bytes(), 4096),
            UncompressedSize::AtLeast(u64::from(limit))
        );
        assert_eq!(
            gzip_size_from_trailer(HEAD, &(limit + 1).to_le_bytes(), 4096),
            UncompressedSize::Unknown
        );
    }

    #[test]
    fn gzip_trailer_after_invalid_header_is_not_evidence() {
        let trailer = 1_000_000u32.to_le_bytes();
        // Compression method other than deflate.
        assert_eq!(
            gzip_size_from_trailer(&[0x1f, 0x8b, 7, 0], &trailer, 1 << 20),
            UncompressedSize::Unknown
        );
        // Reserved flag bits set.
        assert_eq!(
            gzip_size_from_trailer(&[0x1f, 0x8b, 8, 0x20], &trailer, 1 << 20),
            UncompressedSize::Unknown
        );
        assert_eq!(gzip_size_from_trailer(&[0x1f, 0x8b], &trailer, 1 << 20), UncompressedSize::Unknown);
    }

    #[test]
    fn xz_scan_reads_hand_built_file() {
        let file = tiny_xz(b"hello, disk image");
        assert_eq!(scan(&file), Ok(UncompressedSize::Exact(17)));
    }

    #[test]
    fn xz_scan_skips_stream_padding() {
        let mut file = tiny_xz(b"abc");
        file.extend_from_slice(&[0; 8]);
        assert_eq!(scan(&file), Ok(UncompressedSize::Exact(3)));
    }

    #[test]
    fn xz_scan_sums_concatenated_streams() {
        let mut file = tiny_xz(b"first stream");
        file.extend_from_slice(&[0; 4]);
        file.extend_from_slice(&tiny_xz(b"second"));
        assert_eq!(scan(&file), Ok(UncompressedSize::Exact(18)));
    }

    #[test]
    fn xz_scan_rejects_truncated_file() {
        let file = tiny_xz(b"hello, disk image");
        let error = scan(&file[..file.len() - 5]).unwrap_err();
        assert!(
            matches!(
                error,
                UploadError::CorruptImage {
                    format: ImageFormat::Xz,
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn xz_scan_rejects_damaged_index() {
        let mut file = tiny_xz(b"hello, disk image");
        let index_byte = file.len() - 12 - 6;
        file[index_byte] ^= 0x40;
        let error = scan(&file).unwrap_err();
        assert!(error.to_string().contains("index"), "{error}");
    }

    #[test]
    fn xz_scan_rejects_footer_pointing_before_file() {
        let mut file = tiny_xz(b"x");
        let len = file.len();
        let body = [0xffu8, 0xff, 0x00, 0x00, 0x00, 0x01];
        file[len - 10..len - 4].copy_from_slice(&body);
        file[len - 12..len - 8].copy_from_slice(&crc32fast::hash(&body).to_le_bytes());
        assert!(scan(&file).is_err());
    }

    #[test]
    fn xz_scan_matches_xz_tool() {
        let data: Vec<u8> = (0..3_000_000u32)
            .map(|i| (i % 251) as u8 ^ (i >> 12) as u8)
            .collect();
        let Some(single) = xz(&["-z", "-c", "-1", "--block-size=1MiB"], &data) else {
            eprintln!("skipping: the xz tool is not installed");
            return;
        };
        assert_eq!(
            scan(&single),
            Ok(UncompressedSize::Exact(data.len() as u64))
        );

        let mut concatenated = single.clone();
        concatenated.extend_from_slice(&xz(&["-z", "-c", "-0"], &data[..1000]).unwrap());
        assert_eq!(
            scan(&concatenated),
            Ok(UncompressedSize::Exact(data.len() as u64 + 1000))
        );
    }
}
