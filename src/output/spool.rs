//! Output held back until a command has succeeded, so that stdout stays empty on an error
//! (`x=$(discord get ... --paginate)` never captures half an array): kept in memory up to
//! [`SPOOL_MEMORY`], then in an unlinked temporary file, so a huge export still runs in
//! constant memory.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};

/// How much output is held in memory before it moves to a temporary file.
pub const SPOOL_MEMORY: usize = 1 << 20;

/// A writer that keeps everything until [`Spool::finish`] copies it out.
#[derive(Debug, Default)]
pub struct Spool {
    memory: Vec<u8>,
    file: Option<BufWriter<File>>,
}

impl Spool {
    /// Copies everything written to `out`, in order.
    pub fn finish(mut self, out: &mut dyn Write) -> io::Result<()> {
        match self.file.take() {
            Some(file) => {
                let mut file = file.into_inner().map_err(|e| e.into_error())?;
                file.seek(SeekFrom::Start(0))?;
                io::copy(&mut file, out)?;
            }
            None => out.write_all(&self.memory)?,
        }
        out.flush()
    }

    /// Moves what is in memory to a temporary file that has no name from the start (O_TMPFILE
    /// where the system has it, else created 0600 and removed at once): the output may hold
    /// private messages, so no other user may open it, and nothing is left behind whatever
    /// happens to the process.
    fn spill(&mut self) -> io::Result<()> {
        let mut file = BufWriter::with_capacity(64 << 10, private_temp_file()?);
        file.write_all(&self.memory)?;
        self.memory = Vec::new();
        self.file = Some(file);
        Ok(())
    }
}

/// A read-write file with mode 0600 in the temporary directory that has no name.
fn private_temp_file() -> io::Result<File> {
    let dir = std::env::temp_dir();
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut unnamed = options.clone();
        if let Ok(file) = unnamed.custom_flags(libc::O_TMPFILE).open(&dir) {
            return Ok(file);
        }
    }
    // No O_TMPFILE here (or the file system lacks it): a fresh name, removed at once.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let path = dir.join(format!("discord-spool-{}-{nanos}", std::process::id()));
    let file = options.create_new(true).open(&path)?;
    let _ = std::fs::remove_file(&path);
    Ok(file)
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(file) = self.file.as_mut() {
            return file.write(buf);
        }
        self.memory.extend_from_slice(buf);
        if self.memory.len() > SPOOL_MEMORY {
            self.spill()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // Held back on purpose: nothing reaches the real output before `finish`.
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_output_stays_in_memory_and_comes_out_whole() {
        let mut spool = Spool::default();
        spool.write_all(b"[1,").unwrap();
        spool.write_all(b"2]").unwrap();
        assert!(spool.file.is_none());
        let mut out = Vec::new();
        spool.finish(&mut out).unwrap();
        assert_eq!(out, b"[1,2]");
    }

    #[test]
    fn large_output_moves_to_a_file_in_order() {
        let mut spool = Spool::default();
        let chunk = vec![b'x'; 1 << 20];
        for i in 0..10u8 {
            spool.write_all(&[i]).unwrap();
            spool.write_all(&chunk).unwrap();
        }
        assert!(spool.file.is_some());
        assert!(spool.memory.is_empty());
        let mut out = Vec::new();
        spool.finish(&mut out).unwrap();
        assert_eq!(out.len(), 10 * ((1 << 20) + 1));
        for i in 0..10usize {
            assert_eq!(out[i * ((1 << 20) + 1)], i as u8);
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_spill_file_is_private_and_nameless() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let mut spool = Spool::default();
        spool.write_all(&vec![b'x'; SPOOL_MEMORY + 1]).unwrap();
        let meta = spool.file.as_ref().unwrap().get_ref().metadata().unwrap();
        assert_eq!(meta.permissions().mode() & 0o077, 0, "{:o}", meta.mode());
        assert_eq!(meta.nlink(), 0);
    }
}
