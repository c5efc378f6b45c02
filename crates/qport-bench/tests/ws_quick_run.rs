//! The WebSocket bench end to end in `--quick` mode: every case against every server (the
//! many-connection ones paced too), and the idle-connection case, produce numbers. (The yawc echo is measured when its example
//! has been built beside the bench binary, as `cargo test --workspace` does.)

use std::process::Command;

use serde_json::Value;

#[test]
fn quick_ws_run_measures_every_case_against_every_server() {
    let output = Command::new(env!("CARGO_BIN_EXE_qport-bench"))
        .args(["ws", "--quick"])
        .output()
        .expect("the bench runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "bench failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<Value> = stdout
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    let (idle, loads): (Vec<&Value>, Vec<&Value>) =
        rows.iter().partition(|r| r["idle"] == Value::Bool(true));
    let with_yawc = loads.iter().any(|r| r["server"] == "yawc echo");
    // Quick: 3 sizes × 2 connection counts uncompressed against raw TCP, qport (and yawc);
    // 3 × 2 with deflate against qport (and yawc); then the 8-connection cases again,
    // paced.
    let servers = if with_yawc { 3 } else { 2 };
    let expected = 3 * 2 * servers + 3 * 2 * (servers - 1);
    let expected_paced = 3 * servers + 3 * (servers - 1);
    assert_eq!(loads.len(), expected + expected_paced, "{stdout}");
    let paced: Vec<&&Value> = loads
        .iter()
        .filter(|r| r["paced"] == Value::Bool(true))
        .collect();
    assert_eq!(paced.len(), expected_paced, "{stdout}");
    for row in &paced {
        assert_eq!(row["connections"], 8, "{row}");
        assert!(row["offered_per_second"].as_f64().unwrap() > 0.0, "{row}");
    }
    assert_eq!(idle.len(), if with_yawc { 3 } else { 2 }, "{stdout}");
    for row in &loads {
        for field in [
            "messages",
            "seconds",
            "messages_per_second",
            "p50_us",
            "p99_us",
        ] {
            assert!(row[field].as_f64().unwrap() > 0.0, "{field} in {row}");
        }
    }
    let deflate_servers: Vec<&str> = loads
        .iter()
        .filter(|r| r["deflate"] == Value::Bool(true))
        .map(|r| r["server"].as_str().unwrap())
        .collect();
    assert!(deflate_servers.contains(&"qport ws_echo"));
    assert!(!deflate_servers.contains(&"raw TCP echo"));
    // CPU time is read in clock ticks, so one short measurement may see none; all of them
    // together must.
    let server_cpu: f64 = loads
        .iter()
        .map(|r| r["server_cpu_seconds"].as_f64().unwrap())
        .sum();
    assert!(server_cpu > 0.0, "{stdout}");
    for row in &idle {
        assert!(row["rss_after_bytes"].as_f64().unwrap() > 0.0, "{row}");
    }
    for table in [
        "### Results",
        "### qport ÷ baseline",
        "### Idle connections",
        "### Targets",
    ] {
        assert!(stdout.contains(table), "{table} missing from\n{stdout}");
    }
}
