//! Runs the real `scalability-advisor` binary.

use assert_cmd::Command;

fn cli() -> Command {
    Command::cargo_bin("scalability-advisor").expect("cargo builds the binary for its tests")
}

fn example(name: &str) -> String {
    format!("{}/../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn assess_growth_example_reports_stage_and_triggers() {
    let out = cli()
        .args(["assess", &example("growth.toml")])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    // 45,000 users: stage 2 by the seed's bands.
    assert!(text.contains("stage by users: stage 2 (growth)"), "{text}");
    // Slowest query 340 ms > 100 ms and DB CPU 78% > 70%: stage-1 triggers fire.
    assert!(
        text.contains("slow_single_queries (1 -> 2): fired"),
        "{text}"
    );
    assert!(text.contains("db_cpu_sustained (1 -> 2): fired"), "{text}");
    // 88% reads > 80%: read replicas called for.
    assert!(text.contains("read_replicas: fired"), "{text}");
    // 68 / 80 = 85% of the pool > 80% warning.
    assert!(
        text.contains("db_pool_usage: 85.0% (beyond warning"),
        "{text}"
    );
}

#[test]
fn assess_json_is_machine_readable() {
    let out = cli()
        .args(["assess", &example("growth.toml"), "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["stage"], "growth");
}

#[test]
fn assess_reads_json_from_stdin() {
    cli()
        .args(["assess", "-"])
        .write_stdin(r#"{"users": 500, "db_cpu": 0.2}"#)
        .assert()
        .success();
}

#[test]
fn malformed_input_exits_2_with_location() {
    let out = cli()
        .args(["assess", "-"])
        .write_stdin("users = 10\ndb_cpu = 1.7\n")
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(err.contains("<stdin>:2:10"), "{err}");
    assert!(err.contains("ratio must be in 0..=1, got 1.7"), "{err}");
}

#[test]
fn unknown_metric_is_rejected() {
    let out = cli()
        .args(["assess", "-"])
        .write_stdin("db_cpuu = 0.5\n")
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("unknown field `db_cpuu`")
    );
}

#[test]
fn missing_file_exits_2() {
    cli().args(["assess", "no/such/file.toml"]).assert().code(2);
}

#[test]
fn stage_command_shows_band_and_costs() {
    let out = cli()
        .args(["stage", "--users", "100000"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with("stage 3 (scale): 100000 to 999999 users"),
        "{text}"
    );
    assert!(text.contains("$10000-30000/mo"), "{text}");
}
