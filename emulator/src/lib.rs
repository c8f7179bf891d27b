//! sfrpc-emulator: a Salesforce login/password look-alike (SPEC section 9) for tests, demos
//! and vault engineers without an org.
//!
//! One TLS listener answers for login.salesforce.com, test.salesforce.com and each org's My
//! Domain (routed by Host header, then SNI): SOAP `login`, `logout`, `changeOwnPassword`,
//! `setPassword`, `resetPassword`, `getUserInfo`, `query`; REST `query` and the User password
//! resource; the OAuth username-password flow; and a control API under `/__emulator/`.
//! The org model is described in `fixtures/orgs/README.md`.

mod clock;
mod control;
mod ctx;
mod error;
mod faults;
mod ids;
mod ip;
mod messages;
mod oauth;
mod org;
mod policy;
mod reply;
mod rest;
mod route;
mod server;
mod soap;
mod soql;
mod state;
mod tls;
mod version;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use error::EmulatorError;
pub use org::OrgFile;
pub use server::set_logging;

/// How to start an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// The orgs to emulate.
    pub orgs: Vec<OrgFile>,
    /// Where to listen (`127.0.0.1:0` for any free port).
    pub listen: SocketAddr,
    /// A directory to write the CA certificate to (`ca.pem`), if any.
    pub ca_out: Option<PathBuf>,
    /// The client IP Salesforce "sees" for every request (overrides the org files).
    pub client_ip: Option<IpAddr>,
}

/// A running emulator.
pub struct Emulator {
    addr: SocketAddr,
    ca_pem: String,
    ca_path: Option<PathBuf>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .field("ca_path", &self.ca_path)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Loads the orgs, generates the CA, binds the listener and starts serving.
    pub async fn start(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        let io = |e: std::io::Error| EmulatorError::Io(e.to_string());
        let world = state::World::new(config.orgs, config.client_ip)?;
        let tls = tls::generate()?;
        let ca_path = match &config.ca_out {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(io)?;
                let path = dir.join("ca.pem");
                std::fs::write(&path, &tls.ca_pem).map_err(io)?;
                Some(path)
            }
            None => None,
        };
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(io)?;
        let addr = listener.local_addr().map_err(io)?;
        let acceptor = tokio_rustls::TlsAcceptor::from(tls.config.clone());
        let shared = Arc::new(server::Shared {
            world: Mutex::new(world),
        });
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, acceptor, shared, stopped));
        Ok(Emulator {
            addr,
            ca_pem: tls.ca_pem,
            ca_path,
            stop,
            task,
        })
    }

    /// The bound listener address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The CA certificate (PEM) to trust.
    pub fn ca_cert_pem(&self) -> &str {
        &self.ca_pem
    }

    /// Where the CA certificate was written (when `ca_out` was given).
    pub fn ca_cert_path(&self) -> Option<&Path> {
        self.ca_path.as_deref()
    }

    /// Stops listening and drops every connection.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}
