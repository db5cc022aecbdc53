//! The import data path shared by the uploader and HTTP imports: bytes arrive in chunks over
//! a bounded channel, are decompressed by Content-Type, hashed and written from offset 0 into
//! the storage's data file. Memory stays bounded by the channel and one block buffer.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::os::unix::fs::FileExt;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use bytes::Bytes;
use md5::{Digest as _, Md5};
use sha2::Sha256;
use tokio::sync::mpsc;

use crate::datafile::{is_zero, read_full};
use crate::store::ImportProgress;

const BLOCK: usize = 1 << 20;
const DECODER_BUFFER: usize = 256 << 10;

/// Encoding of the incoming bytes, chosen only by Content-Type (the API does not sniff).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Raw,
    Gzip,
    Xz,
}

impl Encoding {
    /// Maps a Content-Type to an encoding; parameters and case are ignored, and unknown
    /// types are written raw as the 2020 recordings show.
    pub fn from_content_type(content_type: &str) -> Self {
        let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/gzip" | "application/x-gzip" => Encoding::Gzip,
            "application/x-xz" => Encoding::Xz,
            _ => Encoding::Raw,
        }
    }
}

#[derive(Debug)]
pub struct Digests {
    pub written_bytes: u64,
    pub md5sum: String,
    pub sha256sum: String,
}

#[derive(Debug)]
pub enum PipelineError {
    /// The decompressed data does not fit in the storage.
    SizeExceeded { capacity: u64 },
    /// The compressed stream is corrupt or truncated.
    Decompression(String),
    /// The sender reported an error: the client's connection or the remote download ended.
    Interrupted(String),
    /// The import was cancelled or the mock was reset.
    Cancelled,
    /// Writing the data file failed.
    Io(io::Error),
}

/// The receiving end of the chunk channel as a blocking `Read`.
struct ChunkReader {
    chunks: mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
    failure: Option<String>,
}

impl Read for ChunkReader {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.chunks.blocking_recv() {
                Some(Ok(chunk)) => self.current = chunk,
                Some(Err(error)) => {
                    self.failure = Some(error.to_string());
                    return Err(io::Error::new(io::ErrorKind::ConnectionAborted, error.to_string()));
                }
                None => return Ok(0),
            }
        }
        let count = buffer.len().min(self.current.len());
        buffer[..count].copy_from_slice(&self.current[..count]);
        let _ = self.current.split_to(count);
        Ok(count)
    }
}

/// Destination of the decoded bytes, and whether zero blocks may be skipped.
pub struct Target {
    pub file: File,
    pub capacity: u64,
    /// The file is known to be all zeros, so zero blocks need not be written.
    pub skip_zero_blocks: bool,
}

/// Runs the whole import on the calling (blocking) thread.
pub fn run(
    chunks: mpsc::Receiver<io::Result<Bytes>>,
    encoding: Encoding,
    target: Target,
    progress: Arc<ImportProgress>,
) -> Result<Digests, PipelineError> {
    let mut reader = ChunkReader { chunks, current: Bytes::new(), failure: None };
    let result = match encoding {
        Encoding::Raw => write_all(&mut reader, &target, &progress),
        Encoding::Gzip => {
            let buffered = BufReader::with_capacity(DECODER_BUFFER, &mut reader);
            write_all(&mut flate2::read::MultiGzDecoder::new(buffered), &target, &progress)
        }
        Encoding::Xz => {
            let buffered = BufReader::with_capacity(DECODER_BUFFER, &mut reader);
            write_all(&mut liblzma::read::XzDecoder::new_multi_decoder(buffered), &target, &progress)
        }
    };
    match (result, reader.failure) {
        (Err(_), Some(failure)) => Err(PipelineError::Interrupted(failure)),
        (result, _) => result,
    }
}

fn write_all(
    input: &mut impl Read,
    target: &Target,
    progress: &ImportProgress,
) -> Result<Digests, PipelineError> {
    let mut md5 = Md5::new();
    let mut sha256 = Sha256::new();
    let mut block = vec![0u8; BLOCK];
    let mut offset = 0u64;

    loop {
        if progress.cancel.load(Ordering::Relaxed) {
            return Err(PipelineError::Cancelled);
        }
        let filled = read_full(input, &mut block).map_err(|error| match error.kind() {
            io::ErrorKind::ConnectionAborted => PipelineError::Interrupted(error.to_string()),
            _ => PipelineError::Decompression(error.to_string()),
        })?;
        if filled == 0 {
            break;
        }
        let data = &block[..filled];
        if offset + filled as u64 > target.capacity {
            return Err(PipelineError::SizeExceeded { capacity: target.capacity });
        }
        // MD5 is the slowest step, so it runs on a second thread while this one computes
        // SHA-256 and writes the block.
        let written = std::thread::scope(|scope| {
            let md5_thread = scope.spawn(|| md5.update(data));
            sha256.update(data);
            let written = if target.skip_zero_blocks && is_zero(data) {
                Ok(())
            } else {
                target.file.write_all_at(data, offset)
            };
            md5_thread.join().expect("MD5 of a block does not panic");
            written
        });
        written.map_err(PipelineError::Io)?;
        offset += filled as u64;
        progress.written_bytes.store(offset, Ordering::Relaxed);
    }

    Ok(Digests {
        written_bytes: offset,
        md5sum: hex::encode(md5.finalize()),
        sha256sum: hex::encode(sha256.finalize()),
    })
}
