//! Image format detection from the first and last bytes of a file.
//!
//! The uploader picks decompression from the request's Content-Type only and
//! never looks at the data, so a wrong type silently stores a compressed or
//! container file as the disk's contents. Detecting the format from the bytes
//! avoids that, and lets formats UpCloud cannot import be rejected before any
//! byte is sent.

use std::fmt;

use super::error::UploadError;

/// How many leading bytes [`detect_format`] needs; fewer is fine for small files.
pub const HEAD_LEN: usize = 4096;

/// How many trailing bytes [`detect_format`] needs: the VHD footer.
pub const TAIL_LEN: usize = 512;

/// The three encodings the uploader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// Written as-is (a raw disk image or an ISO).
    Raw,
    /// gzip, decompressed by the uploader.
    Gzip,
    /// The `.xz` container, decompressed by the uploader.
    Xz,
}

impl ImageFormat {
    /// Returns the Content-Type that makes the uploader decode this format.
    pub fn content_type(self) -> &'static str {
        match self {
            ImageFormat::Raw => "application/octet-stream",
            ImageFormat::Gzip => "application/gzip",
            ImageFormat::Xz => "application/x-xz",
        }
    }

    /// Returns a short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            ImageFormat::Raw => "raw",
            ImageFormat::Gzip => "gzip",
            ImageFormat::Xz => "xz",
        }
    }

    /// Parses a Content-Type value (case-insensitive, parameters ignored).
    pub fn from_content_type(value: &str) -> Result<Self, UploadError> {
        let essence = value
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/octet-stream" => Ok(ImageFormat::Raw),
            "application/gzip" => Ok(ImageFormat::Gzip),
            "application/x-xz" => Ok(ImageFormat::Xz),
            // `application/x-gzip` is left out on purpose: whether the
            // uploader treats it as gzip is not known, and a type it treats
            // as raw would store the compressed bytes.
            _ => Err(UploadError::UnsupportedContentType {
                content_type: value.to_owned(),
            }),
        }
    }
}

impl fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Formats recognised only to be rejected: UpCloud would store them verbatim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerFormat {
    Qcow2,
    Qed,
    Vmdk,
    Vhd,
    Vhdx,
    Vdi,
    Zip,
    Bzip2,
    Zstd,
    SevenZip,
    Lz4,
    Tar,
}

impl ContainerFormat {
    /// Returns the format's name as users know it, with an article.
    pub fn description(self) -> &'static str {
        match self {
            ContainerFormat::Qcow2 => "a qcow2 disk image",
            ContainerFormat::Qed => "a QED disk image",
            ContainerFormat::Vmdk => "a VMDK disk image",
            ContainerFormat::Vhd => "a VHD disk image",
            ContainerFormat::Vhdx => "a VHDX disk image",
            ContainerFormat::Vdi => "a VDI disk image",
            ContainerFormat::Zip => "a zip archive",
            ContainerFormat::Bzip2 => "bzip2-compressed",
            ContainerFormat::Zstd => "zstd-compressed",
            ContainerFormat::SevenZip => "a 7z archive",
            ContainerFormat::Lz4 => "lz4-compressed",
            ContainerFormat::Tar => "a tar archive",
        }
    }

    /// Returns what the user should do instead.
    pub fn advice(self) -> &'static str {
        if self.is_disk_image() {
            "convert it to a raw image first, for example with `qemu-img convert -O raw <image> disk.raw`, \
             and upload that (optionally compressed with gzip or xz)"
        } else {
            "extract or decompress it to a raw disk image and upload that (optionally compressed with gzip or xz)"
        }
    }

    fn is_disk_image(self) -> bool {
        matches!(
            self,
            ContainerFormat::Qcow2
                | ContainerFormat::Qed
                | ContainerFormat::Vmdk
                | ContainerFormat::Vhd
                | ContainerFormat::Vhdx
                | ContainerFormat::Vdi
        )
    }
}

/// Leading signatures of formats to reject, checked at the given offset.
const CONTAINER_SIGNATURES: &[(usize, &[u8], ContainerFormat)] = &[
    (0, b"QFI\xfb", ContainerFormat::Qcow2),
    (0, b"QED\0", ContainerFormat::Qed),
    (0, b"KDMV", ContainerFormat::Vmdk),
    // Monolithic-flat VMDKs are a text descriptor plus separate extents.
    (0, b"# Disk DescriptorFile", ContainerFormat::Vmdk),
    (0, b"vhdxfile", ContainerFormat::Vhdx),
    // Dynamic and differencing VHDs keep a copy of the footer at offset 0.
    (0, b"conectix", ContainerFormat::Vhd),
    (0x40, b"\x7f\x10\xda\xbe", ContainerFormat::Vdi),
    (0, b"PK\x03\x04", ContainerFormat::Zip),
    (0, b"PK\x05\x06", ContainerFormat::Zip),
    (0, b"PK\x07\x08", ContainerFormat::Zip),
    (0, b"\x28\xb5\x2f\xfd", ContainerFormat::Zstd),
    (0, b"7z\xbc\xaf\x27\x1c", ContainerFormat::SevenZip),
    (0, b"\x04\x22\x4d\x18", ContainerFormat::Lz4),
    (257, b"ustar", ContainerFormat::Tar),
];

const GZIP_MAGIC: &[u8] = b"\x1f\x8b";
const XZ_MAGIC: &[u8] = b"\xfd7zXZ\0";
const VHD_FOOTER_COOKIE: &[u8] = b"conectix";

/// Detects the format of an image from its first bytes (`head`, up to
/// [`HEAD_LEN`]) and its last bytes (`tail`, up to [`TAIL_LEN`]; for files
/// shorter than that, `tail` may overlap `head`).
///
/// With `declared` (a caller's explicit Content-Type), the declared encoding
/// wins over the sniffed one, so a raw image that happens to start with the
/// gzip magic can still be sent as `application/octet-stream`. Containers are
/// rejected either way: their bytes cannot be a raw image UpCloud can boot.
pub fn detect_format(
    head: &[u8],
    tail: &[u8],
    declared: Option<&str>,
) -> Result<ImageFormat, UploadError> {
    if head.is_empty() {
        return Err(UploadError::EmptyImage);
    }

    if let Some(found) = detect_container(head, tail) {
        return Err(UploadError::UnsupportedFormat { found });
    }

    let sniffed = sniff_encoding(head);
    let Some(declared) = declared else {
        return Ok(sniffed);
    };

    let declared = ImageFormat::from_content_type(declared)?;
    if declared != ImageFormat::Raw && declared != sniffed {
        return Err(UploadError::ContentTypeMismatch { declared });
    }
    Ok(declared)
}

fn sniff_encoding(head: &[u8]) -> ImageFormat {
    if head.starts_with(GZIP_MAGIC) {
        ImageFormat::Gzip
    } else if head.starts_with(XZ_MAGIC) {
        ImageFormat::Xz
    } else {
        ImageFormat::Raw
    }
}

fn detect_container(head: &[u8], tail: &[u8]) -> Option<ContainerFormat> {
    for &(offset, signature, format) in CONTAINER_SIGNATURES {
        if head.get(offset..offset + signature.len()) == Some(signature) {
            return Some(format);
        }
    }

    if is_bzip2(head) {
        return Some(ContainerFormat::Bzip2);
    }

    // A fixed VHD is a raw disk plus a 512-byte footer; images made by
    // Virtual PC before 2004 have a 511-byte footer.
    if tail.len() >= TAIL_LEN
        && (tail.starts_with(VHD_FOOTER_COOKIE) || tail[1..].starts_with(VHD_FOOTER_COOKIE))
    {
        return Some(ContainerFormat::Vhd);
    }
    None
}

/// `BZh` alone is too weak: it must be followed by the block size digit and
/// the first block's magic (pi in BCD) or the end-of-stream magic.
fn is_bzip2(head: &[u8]) -> bool {
    if head.len() < 10 || !head.starts_with(b"BZh") || !(b'1'..=b'9').contains(&head[3]) {
        return false;
    }
    let block_magic = &head[4..10];
    block_magic == b"\x31\x41\x59\x26\x53\x59" || block_magic == b"\x17\x72\x45\x38\x50\x90"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head_with(offset: usize, bytes: &[u8]) -> Vec<u8> {
        let mut head = vec![0u8; HEAD_LEN];
        head[offset..offset + bytes.len()].copy_from_slice(bytes);
        head
    }

    fn zeros() -> Vec<u8> {
        vec![0u8; TAIL_LEN]
    }

    #[test]
    fn sniffs_gzip_xz_and_raw() {
        assert_eq!(
            detect_format(&head_with(0, b"\x1f\x8b\x08\0"), &zeros(), None),
            Ok(ImageFormat::Gzip)
        );
        assert_eq!(
            detect_format(&head_with(0, b"\xfd7zXZ\0\0\x04"), &zeros(), None),
            Ok(ImageFormat::Xz)
        );
        assert_eq!(
            detect_format(&head_with(0, b"\xeb\x63\x90"), &zeros(), None),
            Ok(ImageFormat::Raw)
        );
        assert_eq!(
            detect_format(&zeros(), &zeros(), None),
            Ok(ImageFormat::Raw)
        );
    }

    #[test]
    fn content_types_match_formats() {
        assert_eq!(ImageFormat::Raw.content_type(), "application/octet-stream");
        assert_eq!(ImageFormat::Gzip.content_type(), "application/gzip");
        assert_eq!(ImageFormat::Xz.content_type(), "application/x-xz");
    }

    #[test]
    fn xz_magic_needs_all_six_bytes() {
        assert_eq!(
            detect_format(b"\xfd7zXZ", b"\xfd7zXZ", None),
            Ok(ImageFormat::Raw)
        );
    }

    #[test]
    fn one_byte_file_is_raw() {
        assert_eq!(detect_format(b"\x1f", b"\x1f", None), Ok(ImageFormat::Raw));
    }

    #[test]
    fn empty_file_is_rejected() {
        assert_eq!(detect_format(b"", b"", None), Err(UploadError::EmptyImage));
    }

    #[test]
    fn containers_are_rejected() {
        let cases: &[(usize, &[u8], ContainerFormat)] = &[
            (0, b"QFI\xfb\0\0\0\x03", ContainerFormat::Qcow2),
            (0, b"QED\0", ContainerFormat::Qed),
            (0, b"KDMV\x01\0\0\0", ContainerFormat::Vmdk),
            (
                0,
                b"# Disk DescriptorFile\nversion=1\n",
                ContainerFormat::Vmdk,
            ),
            (0, b"vhdxfile", ContainerFormat::Vhdx),
            (0, b"conectix\0\0\0\x02", ContainerFormat::Vhd),
            (0x40, b"\x7f\x10\xda\xbe", ContainerFormat::Vdi),
            (0, b"PK\x03\x04\x14\0", ContainerFormat::Zip),
            (0, b"PK\x05\x06", ContainerFormat::Zip),
            (0, b"BZh91AY&SY", ContainerFormat::Bzip2),
            (0, b"BZh9\x17\x72\x45\x38\x50\x90", ContainerFormat::Bzip2),
            (0, b"\x28\xb5\x2f\xfd\x24\0", ContainerFormat::Zstd),
            (0, b"7z\xbc\xaf\x27\x1c", ContainerFormat::SevenZip),
            (0, b"\x04\x22\x4d\x18", ContainerFormat::Lz4),
            (257, b"ustar\x0000", ContainerFormat::Tar),
        ];
        for &(offset, bytes, expected) in cases {
            let result = detect_format(&head_with(offset, bytes), &zeros(), None);
            assert_eq!(
                result,
                Err(UploadError::UnsupportedFormat { found: expected }),
                "signature {bytes:?}"
            );
        }
    }

    #[test]
    fn fixed_vhd_found_by_footer() {
        let mut tail = zeros();
        tail[..8].copy_from_slice(b"conectix");
        let result = detect_format(&zeros(), &tail, None);
        assert_eq!(
            result,
            Err(UploadError::UnsupportedFormat {
                found: ContainerFormat::Vhd
            })
        );
    }

    #[test]
    fn old_vhd_found_by_511_byte_footer() {
        let mut tail = zeros();
        tail[1..9].copy_from_slice(b"conectix");
        let result = detect_format(&zeros(), &tail, None);
        assert_eq!(
            result,
            Err(UploadError::UnsupportedFormat {
                found: ContainerFormat::Vhd
            })
        );
    }

    #[test]
    fn bzh_text_alone_is_raw() {
        assert_eq!(
            detect_format(&head_with(0, b"BZh9 hello"), &zeros(), None),
            Ok(ImageFormat::Raw)
        );
    }

    #[test]
    fn containers_rejected_despite_declared_type() {
        let head = head_with(0, b"QFI\xfb");
        let result = detect_format(&head, &zeros(), Some("application/octet-stream"));
        assert_eq!(
            result,
            Err(UploadError::UnsupportedFormat {
                found: ContainerFormat::Qcow2
            })
        );
    }

    #[test]
    fn declared_raw_wins_over_gzip_magic() {
        let head = head_with(0, b"\x1f\x8b");
        assert_eq!(
            detect_format(&head, &zeros(), Some("application/octet-stream")),
            Ok(ImageFormat::Raw)
        );
    }

    #[test]
    fn declared_type_is_case_insensitive_with_parameters() {
        let head = head_with(0, b"\x1f\x8b");
        assert_eq!(
            detect_format(&head, &zeros(), Some(" Application/GZIP; charset=binary")),
            Ok(ImageFormat::Gzip)
        );
    }

    #[test]
    fn declared_gzip_on_raw_bytes_is_rejected() {
        let result = detect_format(&zeros(), &zeros(), Some("application/gzip"));
        assert_eq!(
            result,
            Err(UploadError::ContentTypeMismatch {
                declared: ImageFormat::Gzip
            })
        );
    }

    #[test]
    fn declared_xz_on_gzip_bytes_is_rejected() {
        let result = detect_format(
            &head_with(0, b"\x1f\x8b"),
            &zeros(),
            Some("application/x-xz"),
        );
        assert_eq!(
            result,
            Err(UploadError::ContentTypeMismatch {
                declared: ImageFormat::Xz
            })
        );
    }

    #[test]
    fn unknown_declared_type_is_rejected() {
        for value in [
            "application/x-gzip",
            "application/json",
            "",
            "application/zip",
        ] {
            let result = detect_format(&zeros(), &zeros(), Some(value));
            assert_eq!(
                result,
                Err(UploadError::UnsupportedContentType {
                    content_type: value.to_owned()
                })
            );
        }
    }

    #[test]
    fn rejection_message_names_format_and_fix() {
        let message = UploadError::UnsupportedFormat {
            found: ContainerFormat::Qcow2,
        }
        .to_string();
        assert!(message.contains("qcow2"), "{message}");
        assert!(message.contains("qemu-img convert -O raw"), "{message}");
        assert!(message.contains("gzip or xz"), "{message}");
    }
}
