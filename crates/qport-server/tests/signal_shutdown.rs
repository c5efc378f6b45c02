//! SIGTERM stops a server started with `run_until_signal` gracefully: queued pushes are
//! written, `on_close` runs for each connection, and the call returns Ok. (A test binary
//! of its own: signals are process-wide.)

mod common;

use common::{eventually, test_config, ScriptedHandler};
use qport_server::{Client, Server};
use qport_value::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_flushes_closes_and_returns() {
    let handler = ScriptedHandler::default();
    let server = Server::start(test_config(), handler.clone()).await.unwrap();
    let address = format!("127.0.0.1:{}", server.port());
    let registry = server.registry().clone();
    let running = tokio::spawn(server.run_until_signal());
    let mut client = Client::connect(&address).await.unwrap();
    assert!(eventually(|| registry.len() == 1).await);
    let conn = registry.get(registry.handles()[0]).unwrap();
    for i in 0..100i64 {
        conn.send_async(&Value::Long(i)).unwrap();
    }
    // Our own SIGTERM handler first, so the default action (exit) can never apply, even if
    // the server's task has not installed its handler yet; then signal until it stops.
    let _guard = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).unwrap();
    let mut running = running;
    loop {
        // SAFETY: kill(2) on our own pid touches no memory of ours.
        unsafe { libc::kill(libc::getpid(), libc::SIGTERM) };
        match tokio::time::timeout(std::time::Duration::from_millis(200), &mut running).await {
            Ok(result) => break result.unwrap().unwrap(),
            Err(_) => continue,
        }
    }
    for i in 0..100i64 {
        assert_eq!(client.receive().await.unwrap().value, Value::Long(i));
    }
    assert!(client.receive().await.is_err(), "closed after the queue");
    assert_eq!(handler.closed.lock().unwrap().len(), 1);
    assert!(
        Client::connect(&address).await.is_err(),
        "no longer accepting"
    );
}
