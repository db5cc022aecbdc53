//! Storage data kept in sparse files, one per storage, named by UUID.
//!
//! A storage without a file holds only zeros. Copies skip all-zero blocks so that a copy of
//! a mostly empty disk stays sparse.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::os::fd::AsRawFd;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

pub const GIB: u64 = 1 << 30;
const BLOCK: usize = 1 << 20;

pub fn path(data_dir: &Path, storage: &str) -> PathBuf {
    data_dir.join(format!("{storage}.img"))
}

pub fn remove(data_dir: &Path, storage: &str) {
    let file = path(data_dir, storage);
    if let Err(error) = std::fs::remove_file(&file) {
        if error.kind() != io::ErrorKind::NotFound {
            tracing::warn!(storage, %error, "failed to remove a storage data file");
        }
    }
}

/// Opens the storage's file for writing, creating it with the storage's full length.
/// Existing data is kept: imports write from offset 0 over what was there.
pub fn open_for_write(data_dir: &Path, storage: &str, size_gib: u64) -> io::Result<File> {
    let file = OpenOptions::new().read(true).write(true).create(true).truncate(false)
        .open(path(data_dir, storage))?;
    let length = size_gib * GIB;
    if file.metadata()?.len() < length {
        file.set_len(length)?;
    }
    Ok(file)
}

/// Grows an existing data file after a size increase; a missing file stays missing.
pub fn grow(data_dir: &Path, storage: &str, size_gib: u64) -> io::Result<()> {
    match OpenOptions::new().write(true).open(path(data_dir, storage)) {
        Ok(file) => {
            let length = size_gib * GIB;
            if file.metadata()?.len() < length {
                file.set_len(length)?;
            }
            Ok(())
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
    }
}

/// Replaces the target's data with the source's (clone, backup, restore, templatize).
/// Only the source's data extents are read, so copying a sparse disk costs what it holds.
/// Blocks: run it on a blocking thread.
pub fn copy(data_dir: &Path, source: &str, target: &str, target_size_gib: u64) -> io::Result<()> {
    let mut input = match File::open(path(data_dir, source)) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            remove(data_dir, target);
            return Ok(());
        }
        Err(error) => return Err(error),
    };
    let output = OpenOptions::new().write(true).create(true).truncate(true)
        .open(path(data_dir, target))?;
    let length = target_size_gib * GIB;
    output.set_len(length)?;

    let mut block = vec![0u8; BLOCK];
    for (start, end) in data_extents(&input)? {
        let end = end.min(length);
        let mut offset = start;
        input.seek(SeekFrom::Start(offset))?;
        while offset < end {
            let wanted = BLOCK.min((end - offset) as usize);
            let filled = read_full(&mut input, &mut block[..wanted])?;
            if filled == 0 {
                break;
            }
            if !is_zero(&block[..filled]) {
                output.write_all_at(&block[..filled], offset)?;
            }
            offset += filled as u64;
        }
    }
    Ok(())
}

/// Lists the `(start, end)` byte ranges of a file that may contain data, found with
/// `SEEK_DATA` and `SEEK_HOLE`. A file system without them reports the whole file as one range.
fn data_extents(file: &File) -> io::Result<Vec<(u64, u64)>> {
    let length = file.metadata()?.len();
    let descriptor = file.as_raw_fd();
    let mut extents = Vec::new();
    let mut position: u64 = 0;
    while position < length {
        // SAFETY: lseek only reads the descriptor, which `file` keeps open for this call.
        let start = unsafe { libc::lseek(descriptor, position as libc::off_t, libc::SEEK_DATA) };
        if start < 0 {
            let error = io::Error::last_os_error();
            return match error.raw_os_error() {
                Some(libc::ENXIO) => Ok(extents),
                Some(libc::EINVAL) if extents.is_empty() => Ok(vec![(0, length)]),
                _ => Err(error),
            };
        }
        // SAFETY: as above.
        let end = unsafe { libc::lseek(descriptor, start, libc::SEEK_HOLE) };
        if end < 0 {
            return Err(io::Error::last_os_error());
        }
        extents.push((start as u64, end as u64));
        position = end as u64;
    }
    Ok(extents)
}

/// Reads `length` bytes at `offset`; bytes past the end of the file read as zeros.
pub fn read(data_dir: &Path, storage: &str, offset: u64, length: usize) -> io::Result<Vec<u8>> {
    let mut bytes = vec![0u8; length];
    let file = match File::open(path(data_dir, storage)) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(bytes),
        Err(error) => return Err(error),
    };
    let mut done = 0;
    while done < length {
        let count = file.read_at(&mut bytes[done..], offset + done as u64)?;
        if count == 0 {
            break;
        }
        done += count;
    }
    Ok(bytes)
}

/// Fills `buffer` as far as the reader allows; returns fewer bytes only at end of input.
pub fn read_full(reader: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(count) => filled += count,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

pub fn is_zero(bytes: &[u8]) -> bool {
    // Comparing 16-byte words lets the compiler vectorise the scan.
    let mut words = bytes.chunks_exact(16);
    let all_words_zero = words
        .by_ref()
        .all(|word| u128::from_ne_bytes(word.try_into().expect("chunks of 16 bytes")) == 0);
    all_words_zero && words.remainder().iter().all(|&byte| byte == 0)
}
