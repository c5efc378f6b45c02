//! `Server`: binds the port's sockets, runs a connection task per client with the
//! handler, and shuts down gracefully.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::ServerConfig;
use crate::connection::ServerContext;
use crate::handler::Handler;
use crate::listener::{accept_loop, bind_abstract, bind_file, bind_tcp, serve_tcp, serve_unix};
use crate::registry::Registry;

/// A running server. Dropping it does not stop it; `shutdown` does.
pub struct Server {
    address: SocketAddr,
    uds_file: Option<PathBuf>,
    registry: Arc<Registry>,
    shutdown: watch::Sender<bool>,
    listeners: Vec<JoinHandle<()>>,
}

impl Server {
    /// Binds TCP and (unless `config.uds_dir` is `None`) both Unix socket names, and
    /// starts accepting. Must be called within a tokio runtime.
    pub async fn start<H: Handler>(config: ServerConfig, handler: H) -> io::Result<Server> {
        let tcp = bind_tcp(config.host, config.port).await?;
        let address = tcp.local_addr()?;
        let unix = match &config.uds_dir {
            Some(dir) => {
                let abstract_listener = bind_abstract(dir, address.port())?;
                let (file_listener, path) = bind_file(dir, address.port())?;
                Some((abstract_listener, file_listener, path))
            }
            None => None,
        };
        let registry = Arc::new(Registry::new());
        let (shutdown, watching) = watch::channel(false);
        let context = Arc::new(ServerContext {
            handler: Arc::new(handler),
            config,
            registry: Arc::clone(&registry),
            shutdown: watching,
        });
        let mut listeners = vec![tokio::spawn(accept_loop(
            tcp,
            Arc::clone(&context),
            serve_tcp,
        ))];
        let mut uds_file = None;
        if let Some((abstract_listener, file_listener, path)) = unix {
            for listener in [abstract_listener, file_listener] {
                let accepting = accept_loop(listener, Arc::clone(&context), serve_unix);
                listeners.push(tokio::spawn(accepting));
            }
            uds_file = Some(path);
        }
        tracing::info!(%address, uds = ?uds_file, "listening");
        Ok(Server {
            address,
            uds_file,
            registry,
            shutdown,
            listeners,
        })
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// The file name of the Unix socket, when Unix sockets are on.
    pub fn uds_file(&self) -> Option<&PathBuf> {
        self.uds_file.as_ref()
    }

    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    /// Stops accepting, writes what each connection has queued (within the configured
    /// grace), calls `on_close` for each, and returns when all are closed.
    pub async fn shutdown(self) {
        // The flag first: a connection registering after the sweep below sees it.
        let _ = self.shutdown.send(true);
        self.registry.shut_down_all();
        for listener in self.listeners {
            let _ = listener.await;
        }
        if let Some(path) = &self.uds_file {
            let _ = std::fs::remove_file(path);
        }
        tracing::info!(address = %self.address, "stopped");
    }

    /// Runs until SIGINT or SIGTERM, then shuts down gracefully.
    pub async fn run_until_signal(self) -> io::Result<()> {
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
        self.shutdown().await;
        Ok(())
    }
}
