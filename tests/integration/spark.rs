//! Issue 21: `contrib/spark/logscrub_spark.py` in Spark local mode (one session, three jobs)
//! gives what logscrub gives on one machine, byte for byte: the anonymized files (read by
//! Spark and fed to logscrub, names mirrored, compression kept) and the merged statistics and
//! their report; with splits of lines, every panel but visit order.

use std::fs;
use std::path::Path;

use crate::common::{fixture, logscrub};

#[test]
fn the_spark_job_gives_what_one_machine_gives() {
    if !crate::common::have_tool("spark-submit", "the Spark job") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let p = |n: &str| d.path().join(n);
    fs::create_dir_all(p("in/b")).unwrap();
    for (from, to) in [
        ("web/combined.log", "in/combined.log"),
        ("web/combined-rotated.log.gz", "in/combined-rotated.log.gz"),
        ("web/hostile.log", "in/hostile.log"),
        ("web/iis.log", "in/b/iis.log"),
    ] {
        fs::copy(fixture(from), p(to)).unwrap();
    }
    let combined = fs::read(fixture("web/combined.log")).unwrap();
    fs::write(p("in/b/combined.log"), combined.repeat(3)).unwrap();
    let key = p("key");
    logscrub()
        .arg("keygen")
        .arg("-o")
        .arg(&key)
        .assert()
        .success();
    let bin = env!("CARGO_BIN_EXE_logscrub");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/spark/logscrub_spark.py");
    let s = |x: &Path| x.to_str().unwrap().to_string();
    let args: Vec<String> = [
        vec![s(&script), "--logscrub".into(), bin.into()],
        // Every input read by Spark (as hdfs:// or s3a:// inputs are) and fed to logscrub.
        vec![
            "anonymize".into(),
            "--format".into(),
            "auto".into(),
            "--via-spark".into(),
        ],
        vec!["--output-dir".into(), s(&p("out")), s(&p("in"))],
        vec![
            "--and".into(),
            "stats".into(),
            "--format".into(),
            "combined".into(),
        ],
        vec![
            "--key-file".into(),
            s(&key),
            "-o".into(),
            s(&p("spark.json")),
        ],
        vec![
            s(&p("in/combined.log")),
            s(&p("in/combined-rotated.log.gz")),
        ],
        // Local uncompressed files in ranges of lines.
        vec![
            "--and".into(),
            "stats".into(),
            "--format".into(),
            "combined".into(),
        ],
        vec![
            "--key-file".into(),
            s(&key),
            "--split-size".into(),
            "40000".into(),
        ],
        vec!["-o".into(), s(&p("split.json")), s(&p("in/b/combined.log"))],
    ]
    .concat();
    let o = std::process::Command::new("spark-submit")
        .args(&args)
        .output()
        .unwrap();
    // (Spark hands the driver's standard error to its standard output when its input is not
    // a terminal: the two are read together.)
    let err = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{err}");
    assert!(err.contains("anonymized 5 files into "), "{err}");
    assert!(err.contains("2 files in 2 tasks counted"), "{err}");
    // About 220 kB in ranges of 40 kB: several tasks for one file.
    assert!(err.contains("1 files in 6 tasks counted"), "{err}");

    // Anonymized files: names mirrored below the inputs' directory, bytes as logscrub's own.
    for name in [
        "combined.log",
        "combined-rotated.log.gz",
        "hostile.log",
        "b/iis.log",
        "b/combined.log",
    ] {
        let want = p(&format!("want-{}", name.replace('/', "-")));
        logscrub()
            .args(["anonymize", "-q", "-o"])
            .arg(&want)
            .arg(p(&format!("in/{name}")))
            .assert()
            .success();
        assert_eq!(
            fs::read(p(&format!("out/{name}"))).unwrap(),
            fs::read(&want).unwrap(),
            "{name}"
        );
    }

    // Statistics: the state and its report, byte for byte.
    logscrub()
        .args(["stats", "-q", "--format", "combined", "--key-file"])
        .arg(&key)
        .arg(p("in/combined.log"))
        .arg(p("in/combined-rotated.log.gz"))
        .arg("-o")
        .arg(p("one.json"))
        .assert()
        .success();
    assert_eq!(
        fs::read_to_string(p("spark.json")).unwrap(),
        fs::read_to_string(p("one.json")).unwrap()
    );
    let report = |state: &Path| {
        logscrub()
            .args(["report", "--to", "md"])
            .arg(state)
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(report(&p("spark.json")), report(&p("one.json")));

    // Splits: the whole's statistics but visit order (visits across a cut count twice).
    logscrub()
        .args(["stats", "-q", "--format", "combined", "--key-file"])
        .arg(&key)
        .arg(p("in/b/combined.log"))
        .arg("-o")
        .arg(p("whole.json"))
        .assert()
        .success();
    let without_visits = |f: &str| {
        let mut v: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(p(f)).unwrap()).unwrap();
        v["panels"].as_object_mut().unwrap().remove("visit_step");
        v
    };
    assert_eq!(without_visits("split.json"), without_visits("whole.json"));
}
