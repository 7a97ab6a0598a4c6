//! Files only their owner may read, for the data the app, the companion and the Dfns emulator
//! keep on disk (caches, journals, settings, password hashes, sealed keys): folders are made
//! 0700, files 0600, and an existing file that other accounts could read loses those rights.
//!
//! Folders that already exist are left as they are (one may be the working directory or a home
//! folder). Narrowing an existing file only ever removes the group's and others' bits, so a file
//! made read-only stays read-only. Where the system has no Unix modes, these are the plain
//! `std::fs` calls.

use std::io::{self, Write as _};
use std::path::Path;

/// Makes `path` and its missing parents, each new folder 0700.
pub fn create_dir_all(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Makes an empty file at `path`, 0600, unless one is there already (which is left as it is). A
/// SQLite database made this way gives its `-wal` and `-shm` the same mode: SQLite copies the
/// database file's.
pub fn create_file(path: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(error),
    }
}

/// Replaces the contents of the file at `path` with `bytes`; a new file is 0600, an existing one
/// loses the rights of other accounts before anything is written to it.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    file.write_all(bytes)
}

/// Takes the rights of other accounts from the SQLite database at `path` and from its `-wal` and
/// `-shm`, those that exist. A failure is logged, not returned: the file may belong to another
/// account, and the database still opens.
pub fn close_database_to_others(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        close_to_others(Path::new(&name));
    }
}

#[cfg(unix)]
fn close_to_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    let Ok(metadata) = std::fs::metadata(path) else { return };
    let mode = metadata.permissions().mode();
    if mode & 0o077 == 0 {
        return;
    }
    match std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700)) {
        Ok(()) => tracing::info!(path = %path.display(), "closed the file to other accounts"),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "other accounts can read the file");
        }
    }
}

#[cfg(not(unix))]
fn close_to_others(_path: &Path) {}

#[cfg(test)]
mod tests;
