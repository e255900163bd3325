//! Every example of `examples/` runs, and prints exactly what `tests/examples/NAME.stdout` says.
//!
//! How: one `cargo build --examples` with the cargo that runs this test (`$CARGO`), the same
//! profile and the same features as this test binary, and JSON messages to learn where each
//! example binary is. Inside `cargo test` the examples are already built, so this takes a
//! moment; under `cargo test --test examples` it builds them. The target directory is the one
//! this test was built in (cargo's own rules: `CARGO_TARGET_DIR`, `build.target-dir`, or
//! `target/`), so nothing is compiled twice. A `--target <triple>` given on the command line
//! is not forwarded (set `CARGO_BUILD_TARGET` instead).
//!
//! Then every example runs, all at once in their own processes, and its whole stdout is compared
//! with the checked-in file; stderr is only shown when an example fails (panic messages of
//! examples that show a panicking task go there). A missing or different file fails with a
//! line diff. After a deliberate change, rewrite the files with
//!
//! ```text
//! UPDATE_EXAMPLES=1 cargo test --test examples
//! ```
//!
//! and review the diff.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use std::{env, fs, thread};

/// An example that runs longer than this is reported as hanging.
const TIME_LIMIT: Duration = Duration::from_secs(120);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The names of the examples: `examples/NAME.rs` and `examples/NAME/main.rs`.
fn example_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root().join("examples"))
        .expect("an examples/ folder")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            if path.extension().is_some_and(|ext| ext == "rs") {
                Some(path.file_stem()?.to_str()?.to_owned())
            } else if path.join("main.rs").is_file() {
                Some(path.file_name()?.to_str()?.to_owned())
            } else {
                None
            }
        })
        .collect();
    names.sort();
    names
}

/// The cargo arguments that select this test binary's profile and features.
fn build_args() -> Vec<String> {
    // `--workspace`, as `cargo test --workspace` builds: cargo unifies the features of the
    // packages it builds (the benchmarks' async-std has `unstable`, the macros' tests add syn's
    // `visit-mut`), so a build of this package alone would compile the runtime, the macros and
    // their dependencies a second time (.ci/run's largest waste).
    let mut args = vec![
        "build".to_owned(),
        "--workspace".to_owned(),
        "--examples".to_owned(),
        "--quiet".to_owned(),
        "--message-format=json".to_owned(),
    ];
    // This binary is TARGET_DIR/PROFILE_DIR/deps/examples-HASH.
    let exe = env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .and_then(|name| name.to_str())
        .unwrap_or("debug");
    match profile_dir {
        "debug" => {}
        "release" => args.push("--release".to_owned()),
        custom => args.extend(["--profile".to_owned(), custom.to_owned()]),
    }
    if !cfg!(feature = "default") {
        args.push("--no-default-features".to_owned());
    }
    let features: Vec<&str> = [
        ("async-std", cfg!(feature = "async-std")),
        ("smol", cfg!(feature = "smol")),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect();
    if !features.is_empty() {
        args.extend(["--features".to_owned(), features.join(",")]);
    }
    args
}

/// Builds the examples once per test binary; returns each one's executable by name.
fn build_examples() -> &'static BTreeMap<String, PathBuf> {
    static BUILT: std::sync::OnceLock<BTreeMap<String, PathBuf>> = std::sync::OnceLock::new();
    BUILT.get_or_init(build_examples_now)
}

fn build_examples_now() -> BTreeMap<String, PathBuf> {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let args = build_args();
    let output = Command::new(&cargo)
        .args(&args)
        .current_dir(root())
        .stderr(Stdio::inherit())
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "`cargo {}` failed ({})",
        args.join(" "),
        output.status
    );
    let messages = String::from_utf8(output.stdout).expect("cargo's JSON is UTF-8");
    messages
        .lines()
        .filter(|line| {
            line.contains(r#""reason":"compiler-artifact""#)
                && line.contains(r#""kind":["example"]"#)
        })
        .filter_map(|line| {
            let name = json_string_after(line, r#""target":{"#, r#""name":"#)?;
            let executable = json_string_after(line, "", r#""executable":"#)?;
            Some((name, PathBuf::from(executable)))
        })
        .collect()
}

/// The JSON string value of `key` in `line`, searching from the first `after`. Enough JSON for
/// cargo's messages: strings with escapes, no nesting to follow.
fn json_string_after(line: &str, after: &str, key: &str) -> Option<String> {
    let start = line.find(after)? + after.len();
    let rest = &line[start..];
    let rest = &rest[rest.find(key)? + key.len()..];
    let mut chars = rest.strip_prefix('"')?.chars();
    let mut value = String::new();
    loop {
        match chars.next()? {
            '"' => return Some(value),
            '\\' => match chars.next()? {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'u' => {
                    let code: String = chars.by_ref().take(4).collect();
                    value.push(char::from_u32(u32::from_str_radix(&code, 16).ok()?)?);
                }
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
}

/// What one run of an example printed.
struct Run {
    stdout: String,
    stderr: String,
    /// `None` when it ran past [`TIME_LIMIT`] and was killed.
    status: Option<std::process::ExitStatus>,
}

fn run_example(executable: &Path) -> Run {
    let mut child = Command::new(executable)
        .current_dir(root())
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", executable.display()));
    let read_all = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = read_all(Box::new(child.stdout.take().expect("piped")));
    let stderr = read_all(Box::new(child.stderr.take().expect("piped")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waitable child") {
            break Some(status);
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(10));
    };
    Run {
        stdout: stdout.join().expect("reader thread"),
        stderr: stderr.join().expect("reader thread"),
        status,
    }
}

/// A line diff (longest common subsequence): `-` lines are expected only, `+` lines printed
/// only, and unchanged lines give the context.
fn diff(expected: &str, actual: &str) -> String {
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    // lcs[i][j]: the length of the longest common subsequence of old[i..] and new[j..].
    let mut lcs = vec![vec![0usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            lcs[i][j] = if old[i] == new[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            let _ = writeln!(out, "   {}", old[i]);
            i += 1;
            j += 1;
        } else if i < old.len() && (j == new.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            let _ = writeln!(out, "  -{}", old[i]);
            i += 1;
        } else {
            let _ = writeln!(out, "  +{}", new[j]);
            j += 1;
        }
    }
    if expected.ends_with('\n') != actual.ends_with('\n') {
        out.push_str("  (the two differ in the newline at the end)\n");
    }
    out
}

/// The stderr of a failed example, if it printed any.
fn stderr_section(stderr: &str) -> String {
    if stderr.is_empty() {
        String::new()
    } else {
        format!("--- stderr:\n{stderr}")
    }
}

#[test]
fn every_example_prints_its_checked_in_output() {
    let update = env::var_os("UPDATE_EXAMPLES").is_some_and(|v| v == "1");
    let names = example_names();
    assert!(!names.is_empty(), "no examples found");
    let executables = build_examples();
    let expected_dir = root().join("tests/examples");

    // All examples at once: most of their time is spent sleeping.
    let runs: Vec<(String, Run)> = thread::scope(|scope| {
        let handles: Vec<_> = names
            .iter()
            .map(|name| {
                let executable = executables.get(name).unwrap_or_else(|| {
                    panic!("cargo reported no executable for the example {name}")
                });
                (name, scope.spawn(move || run_example(executable)))
            })
            .collect();
        handles
            .into_iter()
            .map(|(name, handle)| (name.clone(), handle.join().expect("runner thread")))
            .collect()
    });

    let mut failures = Vec::new();
    for (name, run) in &runs {
        let file = expected_dir.join(format!("{name}.stdout"));
        let Some(status) = run.status else {
            failures.push(format!(
                "example {name} ran longer than {TIME_LIMIT:?} and was killed\n--- stdout:\n{}{}",
                run.stdout,
                stderr_section(&run.stderr)
            ));
            continue;
        };
        if !status.success() {
            failures.push(format!(
                "example {name} failed ({status})\n--- stdout:\n{}{}",
                run.stdout,
                stderr_section(&run.stderr)
            ));
            continue;
        }
        if update {
            fs::create_dir_all(&expected_dir).expect("writable tests/examples");
            fs::write(&file, &run.stdout).expect("writable expected output");
            continue;
        }
        match fs::read_to_string(&file) {
            Ok(expected) if expected == run.stdout => {}
            Ok(expected) => failures.push(format!(
                "example {name}: stdout differs from {} (- expected, + printed):\n{}{}",
                file.display(),
                diff(&expected, &run.stdout),
                stderr_section(&run.stderr)
            )),
            Err(_) => failures.push(format!(
                "example {name}: {} is missing; it printed:\n{}",
                file.display(),
                run.stdout
            )),
        }
    }

    // An expected file without its example is stale.
    if let Ok(entries) = fs::read_dir(&expected_dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            if path.extension().is_some_and(|ext| ext == "stdout")
                && !names.iter().any(|n| n == stem)
            {
                failures.push(format!(
                    "{} belongs to no example (remove it)",
                    path.display()
                ));
            }
        }
    }

    assert!(
        failures.is_empty(),
        "{} of {} examples failed (after a deliberate change: UPDATE_EXAMPLES=1 cargo test \
         --test examples, then review the diff)\n\n{}",
        failures.len(),
        names.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_diff_shows_what_changed() {
    assert_eq!(diff("a\nb\nc\n", "a\nx\nc\n"), "   a\n  -b\n  +x\n   c\n");
    assert_eq!(
        diff("a\n", "a"),
        "   a\n  (the two differ in the newline at the end)\n"
    );
}

/// Sends SIGINT to a child process, as a terminal's Ctrl-C does.
fn ctrl_c(child: &std::process::Child) {
    let pid = libc::pid_t::try_from(child.id()).expect("a pid fits pid_t");
    // SAFETY: kill(2) with a pid of our own child and a valid signal number; no memory is
    // shared with it.
    #[allow(unsafe_code)]
    let sent = unsafe { libc::kill(pid, libc::SIGINT) };
    assert_eq!(sent, 0, "kill(SIGINT) failed");
}

/// Starts the `ctrl_c` example waiting 30 s for a Ctrl-C; returns it once it is ready, with a
/// reader of its stdout lines.
fn start_ctrl_c_example() -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead;
    let executable = build_examples().get("ctrl_c").expect("the ctrl_c example");
    let mut child = Command::new(executable)
        .arg("30")
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the ctrl_c example starts");
    let stdout = std::io::BufReader::new(child.stdout.take().expect("piped"));
    let (send, lines) = std::sync::mpsc::channel();
    thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = send.send(line);
        }
    });
    let ready = lines
        .recv_timeout(TIME_LIMIT)
        .expect("the example says it is ready");
    assert_eq!(ready, "main: ready, press Ctrl-C");
    (child, lines)
}

/// Waits for the child's exit status (killing it past the time limit) and the rest of its lines.
fn finish(
    mut child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
) -> (Option<i32>, Vec<String>) {
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waitable child") {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            panic!("the example did not end after Ctrl-C");
        }
        thread::sleep(Duration::from_millis(10));
    };
    (status.code(), lines.iter().collect())
}

#[test]
fn ctrl_c_cancels_main_runs_every_cleanup_and_exits_with_130() {
    let (child, lines) = start_ctrl_c_example();
    ctrl_c(&child);
    let (code, printed) = finish(child, lines);
    assert_eq!(
        printed,
        [
            "main: task was cancelled: SIGINT, cleaning up for 2 s",
            "main: cleanup done",
            "worker: cleanup ran",
        ]
    );
    assert_eq!(code, Some(130));
}

#[test]
fn a_second_ctrl_c_during_a_slow_cleanup_exits_at_once_with_130() {
    let (child, lines) = start_ctrl_c_example();
    ctrl_c(&child);
    let first = lines
        .recv_timeout(TIME_LIMIT)
        .expect("main reports the cancellation");
    assert_eq!(
        first,
        "main: task was cancelled: SIGINT, cleaning up for 2 s"
    );
    let second_sent = Instant::now();
    ctrl_c(&child);
    let (code, printed) = finish(child, lines);
    assert!(
        second_sent.elapsed() < Duration::from_millis(1500),
        "exited at once, not after the 2 s cleanup"
    );
    assert!(
        printed.is_empty(),
        "no cleanup ran after the second Ctrl-C: {printed:?}"
    );
    assert_eq!(code, Some(130));
}
