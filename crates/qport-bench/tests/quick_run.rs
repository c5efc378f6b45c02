//! The bench end to end in `--quick` mode: every case against every server produces numbers.

use std::process::Command;

use serde_json::Value;

#[test]
fn quick_run_measures_every_case_against_both_servers() {
    let output = Command::new(env!("CARGO_BIN_EXE_qport-bench"))
        .args(["ipc", "--quick"])
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
    // Two sync connection counts and two async ones, each against qport and its baseline.
    assert_eq!(rows.len(), 8, "{stdout}");
    let mut servers: Vec<&str> = rows.iter().map(|r| r["server"].as_str().unwrap()).collect();
    servers.sort_unstable();
    servers.dedup();
    assert_eq!(
        servers,
        ["qport echo", "qport ingest", "raw TCP echo", "raw TCP sink"]
    );
    for row in &rows {
        for field in ["ops", "seconds", "ops_per_second", "message_bytes"] {
            assert!(row[field].as_f64().unwrap() > 0.0, "{field} in {row}");
        }
        if row["load"] == "sync" {
            for field in ["p50_us", "p99_us"] {
                assert!(row[field].as_f64().unwrap() > 0.0, "{field} in {row}");
            }
        }
    }
    // CPU time is read in clock ticks, so one short measurement may see none; all of them
    // together must.
    let server_cpu: f64 = rows
        .iter()
        .map(|r| r["server_cpu_seconds"].as_f64().unwrap())
        .sum();
    assert!(server_cpu > 0.0, "{stdout}");
    for table in ["### Results", "### qport ÷ raw TCP baseline", "### Targets"] {
        assert!(stdout.contains(table), "{table} missing from\n{stdout}");
    }
}
