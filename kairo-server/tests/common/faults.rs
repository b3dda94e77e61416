//! Fault injection for the reliability tests: a small tmpfs to fill (a full disk), and a TCP proxy in front of
//! PostgreSQL that can cut every connection and refuse new ones (a database outage), both on this machine only.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};

/// A tmpfs mounted on a fresh directory, unmounted and removed when dropped.
pub struct Tmpfs {
    pub dir: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `mib` MiB; `None` (with a loud note) where this process may not mount (not root, or a
    /// container without the capability).
    pub fn mount(mib: u32) -> Option<Tmpfs> {
        let dir = std::env::temp_dir().join(format!("kairo-tmpfs-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m,mode=0777"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            let _ = std::fs::remove_dir(&dir);
            eprintln!("\n*** SKIPPED: disk-full test (mounting a tmpfs needs root and CAP_SYS_ADMIN) ***\n");
            return None;
        }
        Some(Tmpfs { dir })
    }

    /// Fills the file system with `filler` until no byte more fits.
    pub fn fill(&self) {
        use std::io::Write;
        let mut f = std::fs::File::create(self.filler()).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        loop {
            match f.write(&chunk) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let _ = f.flush();
    }

    /// Frees the space `fill` took.
    pub fn free(&self) {
        std::fs::remove_file(self.filler()).unwrap();
    }

    fn filler(&self) -> PathBuf {
        self.dir.join("filler")
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Hands `path` to the `postgres` user (a tablespace directory must belong to the server's user).
pub fn chown_postgres(path: &Path) -> bool {
    Command::new("chown").arg("postgres").arg(path).status().is_ok_and(|s| s.success())
}

/// A TCP proxy to `upstream` on 127.0.0.1. While down, every open connection is cut and new ones are closed at
/// once, as a stopped database would; when up again it forwards as before.
pub struct Proxy {
    pub port: u16,
    down: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    pub async fn start(upstream: std::net::SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let down = Arc::new(AtomicBool::new(false));
        let open: Arc<Mutex<Vec<tokio::task::AbortHandle>>> = Arc::default();
        let (d, o) = (down.clone(), open.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else { return };
                if d.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let forward = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                o.lock().unwrap().push(forward.abort_handle());
            }
        });
        Proxy { port, down, open, task }
    }

    /// Cuts every connection and refuses new ones.
    pub fn down(&self) {
        self.down.store(true, Ordering::SeqCst);
        for h in self.open.lock().unwrap().drain(..) {
            h.abort();
        }
    }

    /// Forwards again.
    pub fn up(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
        for h in self.open.lock().unwrap().drain(..) {
            h.abort();
        }
    }
}
